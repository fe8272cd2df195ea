/**
 * text/latex of a tensor: the matrix as it stands on the lecture slide, `\begin{bmatrix}…\end{bmatrix}`,
 * and for a small Jacobian also the symbolic matrix of ∂f_i/∂x_j it equals. Delimited as
 * `$\displaystyle …$` (IPython's `Math` convention), which MathJax, KaTeX and nbconvert's LaTeX all accept.
 */
import { withDefaults } from "./options.js";
import type { TensorView } from "./view.js";
import { labelledMatrix, withLabels, type LabelledMatrix, type LabelOptions } from "./matrix.js";
import { toView, type TensorLike } from "./coerce.js";
import { Rich } from "./rich.js";
import { tensorText } from "./text.js";
import { latexName } from "./names.js";
import { formatNumber, numberStyle, type NumberStyle } from "./numbers.js";
import { axisItems, type AxisItem } from "./summarise.js";

export interface LatexOptions extends LabelOptions {
  /** Most decimals shown. Default 4. */
  precision?: number;
  /** Rows shown before the middle ones become \vdots. Default 12. */
  maxRows?: number;
  /** Columns shown before the middle ones become \cdots. Default 12. */
  maxCols?: number;
  /** Jacobians up to this many rows and columns also show the symbolic ∂f_i/∂x_j matrix. Default 4. */
  symbolicUpTo?: number;
}

const defaults = { precision: 4, maxRows: 12, maxCols: 12, symbolicUpTo: 4 };

/**
 * The LaTeX of a scalar, vector (a column, as in x ∈ ℝⁿ) or matrix, without delimiters; large axes are
 * summarised with \cdots, \vdots and \ddots. A Jacobian reads `\frac{\partial f}{\partial x} = …`.
 * Throws for tensors of rank > 2 (there is no standard notation to draw).
 * @example tensorLatex({ shape: [2, 2], dtype: "float64", data: [1, 2, 3, 4] })
 * // "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"
 */
export function tensorLatex(tensorView: TensorView, options: LatexOptions = {}): string {
  const view = toView(tensorView, "latex");
  const o = withDefaults(defaults, options);
  const column = view.shape.length === 1 && options.kind !== "jacobian" && view.labels?.kind !== "jacobian";
  const m = labelledMatrix(view, options, "latex");
  const lhs = m.jacobian
    ? `${m.jacobian.whole} = `
    : view.name !== undefined
      ? `${latexName(view.name)} = `
      : "";
  if (view.shape.length === 0 && !m.jacobian) return lhs + latexNumber(m.at(0, 0), numberStyle([m.at(0, 0)]));
  const numeric = column ? bmatrix(transpose(m), o) : bmatrix(m, o);
  const symbolic =
    m.jacobian && m.rows <= o.symbolicUpTo && m.cols <= o.symbolicUpTo
      ? `${entries(m.rows, m.cols, m.jacobian.entry)} = `
      : "";
  return `${lhs}${symbolic}${numeric}`;
}

/**
 * Whether a tensor is small enough that its bundle carries text/latex (at most `maxRows` × `maxCols`,
 * rank ≤ 2): a summarised matrix on a slide helps nobody, and HTML shows large tensors better.
 * @example isSmallForLatex({ shape: [3, 3], dtype: "float64", data: new Float64Array(9) }) // true
 */
export function isSmallForLatex(view: TensorView, maxRows = 12, maxCols = 12): boolean {
  const s = view.shape;
  if (s.length > 2) return false;
  const [r, c] = s.length === 2 ? s : [s.length === 1 ? s[0]! : 1, 1];
  return r! <= maxRows && c! <= maxCols;
}

/**
 * Wraps LaTeX math for the text/latex MIME type unless it already carries math delimiters or is a
 * whole environment.
 * @example mathDelimited("x^2") // "$\\displaystyle x^2$"
 */
export function mathDelimited(tex: string): string {
  const t = tex.trim();
  if (/^(\$|\\\[|\\\(|\\begin\{(equation|align|gather|multline)\*?\})/.test(t)) return t;
  return `$\\displaystyle ${t}$`;
}

function bmatrix(m: Pick<LabelledMatrix, "rows" | "cols" | "at">, o: typeof defaults): string {
  const rows = axisItems(m.rows, o.maxRows, Math.floor(o.maxRows / 2) - 1);
  const cols = axisItems(m.cols, o.maxCols, Math.floor(o.maxCols / 2) - 1);
  const shown: number[] = [];
  for (const i of rows) for (const j of cols) if (i !== null && j !== null) shown.push(m.at(i, j));
  const style = numberStyle(shown, o.precision);
  const negativeCol = cols.map((j) => j !== null && rows.some((i) => i !== null && m.at(i, j) < 0));
  const cell = (i: AxisItem, j: AxisItem, c: number): string => {
    if (i === null) return j === null ? "\\ddots" : "\\vdots";
    if (j === null) return "\\cdots";
    const v = m.at(i, j);
    // A phantom minus keeps non-negative numbers aligned with negative ones in a centred column.
    const pad = negativeCol[c] && !(v < 0) ? "\\phantom{-}" : "";
    return pad + latexNumber(v, style);
  };
  const body = rows.map((i) => cols.map((j, c) => cell(i, j, c)).join(" & ")).join(" \\\\ ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}

function entries(rows: number, cols: number, entry: (i: number, j: number) => string): string {
  const body = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => entry(i, j)).join(" & "),
  ).join(" \\\\[4pt] ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}

function transpose(m: LabelledMatrix): Pick<LabelledMatrix, "rows" | "cols" | "at"> {
  return { rows: m.cols, cols: m.rows, at: (i, j) => m.at(j, i) };
}

/** A number in LaTeX: 1.5e-05 as 1.5 \times 10^{-5}, ∞ and NaN as symbols. */
function latexNumber(v: number, style: NumberStyle): string {
  if (Number.isNaN(v)) return "\\mathrm{NaN}";
  if (!Number.isFinite(v)) return v > 0 ? "\\infty" : "-\\infty";
  const s = formatNumber(v, style);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (!m) return s;
  const exp = `${m[2] === "-" ? "-" : ""}${Number(m[3])}`;
  return `${m[1]} \\times 10^{${exp}}`;
}

/**
 * Shows LaTeX math: a string (wrapped in `$\displaystyle …$` unless it has its own delimiters) or a tensor
 * as its bmatrix (a Jacobian with its ∂f_i/∂x_j).
 * @example
 * latex("\\frac{\\partial L}{\\partial w} = x^\\top \\delta")
 * latex(jacobian(f, x))
 */
export function latex(source: string | TensorLike, options: LatexOptions = {}): Rich {
  if (typeof source === "string")
    return new Rich({ "text/latex": mathDelimited(source), "text/plain": source });
  const view = withLabels(toView(source, "latex"), options);
  return new Rich({
    "text/latex": mathDelimited(tensorLatex(view, options)),
    "text/plain": tensorText(view),
  });
}
