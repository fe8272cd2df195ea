/**
 * A tensor seen as a labelled matrix: the one model that the table, the LaTeX and the heatmap all draw,
 * so a Jacobian's ∂f_i / ∂x_j labels mean the same thing in every rendering.
 */
import type { AxisLabels, TensorView } from "./view.js";
import { commonBase, latexName, prettyName } from "./names.js";
import { sizeOf } from "./summarise.js";

export interface LabelledMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly dtype: string;
  /** The tensor's own shape (a vector is drawn as one row, a scalar as one cell). */
  readonly shape: readonly number[];
  /** The value in row i, column j. */
  at(i: number, j: number): number;
  /** Header text for each row and column in reading form (∂f₁, W1, 0, 1, …); null when none is drawn. */
  readonly rowHeaders: readonly string[] | null;
  readonly colHeaders: readonly string[] | null;
  /** Whether headers are plain indices (drawn muted) rather than names. */
  readonly indexHeaders: boolean;
  /** What a cell is, for hover text: "∂f₁/∂x₂", "[0, 1]", "cat · w1". */
  cellName(i: number, j: number): string;
  /** The title to show (user title, Jacobian ∂f/∂x, or the tensor's name), if any. */
  readonly title?: string;
  readonly jacobian?: {
    /** LaTeX of ∂f_i/∂x_j and of the whole ∂f/∂x. */
    entry(i: number, j: number): string;
    readonly whole: string;
  };
}

/** Display options that name the axes; they override labels carried by the tensor. */
export interface LabelOptions {
  /** Row names (a Jacobian's outputs). */
  rows?: readonly string[];
  /** Column names (a Jacobian's inputs). */
  cols?: readonly string[];
  title?: string;
  /** Treat the matrix as a Jacobian: headers ∂f_i, ∂x_j and hover ∂f_i/∂x_j. */
  kind?: "jacobian";
}

/**
 * Reads a tensor as a labelled matrix. Scalars are 1×1, vectors one row (a Jacobian of a scalar function is
 * a 1×n row, numerator layout), matrices as they are; an n-D Jacobian whose row and column labels multiply
 * to its size is flattened to rows × cols. Other n-D tensors are refused with the shape in the message.
 * @example labelledMatrix({ shape: [2, 2], dtype: "float64", data: [1, 2, 3, 4] }).at(1, 0) // 3
 */
export function labelledMatrix(
  view: TensorView,
  options: LabelOptions = {},
  what = "matrix",
): LabelledMatrix {
  const labels: AxisLabels = { ...view.labels, ...pickLabels(options) };
  const jacobian = labels.kind === "jacobian";
  const [rows, cols] = matrixShape(view, labels, what);
  const data = view.data;
  const at = (i: number, j: number): number => data[i * cols + j]!;

  let rowNames = labels.rows ?? (jacobian ? numbered("f", rows) : undefined);
  let colNames = labels.cols ?? (jacobian ? numbered("x", cols) : undefined);
  if (jacobian && view.shape.length <= 1 && !labels.rows) rowNames = ["f"];
  checkLength(rowNames, rows, "row", view, what);
  checkLength(colNames, cols, "column", view, what);
  const isVector = view.shape.length <= 1 && !jacobian;
  const indexHeaders = !rowNames && !colNames;
  if (indexHeaders && view.shape.length === 2) {
    rowNames = numbered("", rows);
    colNames = numbered("", cols);
  } else if (indexHeaders && view.shape.length === 1) {
    colNames = numbered("", cols);
  }
  const mark = jacobian ? (n: string) => `∂${prettyName(n)}` : prettyName;
  const rowHeaders = rowNames && !(isVector && indexHeaders) ? rowNames.map(mark) : null;
  const colHeaders = colNames && (view.shape.length > 0 || jacobian) ? colNames.map(mark) : null;

  const cellName = (i: number, j: number): string => {
    if (jacobian) return `${rowHeaders![i]}/${colHeaders![j]}`;
    if (view.shape.length === 0) return view.name ?? "value";
    if (indexHeaders) return view.shape.length === 1 ? `[${j}]` : `[${i}, ${j}]`;
    return [rowHeaders?.[i], colHeaders?.[j]].filter((s) => s !== undefined).join(" · ");
  };

  const f = jacobian ? commonBase(rowNames!, "f") : "";
  const x = jacobian ? commonBase(colNames!, "x") : "";
  const title = labels.title ?? (jacobian ? `∂${prettyName(f)}/∂${prettyName(x)}` : view.name);
  return {
    rows,
    cols,
    dtype: view.dtype,
    shape: view.shape,
    at,
    rowHeaders,
    colHeaders,
    indexHeaders,
    cellName,
    ...(title !== undefined ? { title } : {}),
    ...(jacobian
      ? {
          jacobian: {
            entry: (i: number, j: number) =>
              `\\frac{\\partial ${latexName(rowNames![i]!)}}{\\partial ${latexName(colNames![j]!)}}`,
            whole: `\\frac{\\partial ${latexName(f)}}{\\partial ${latexName(x)}}`,
          },
        }
      : {}),
  };
}

/** 1-based names as the lecture numbers them (f_1, f_2, …); with an empty base, 0-based indices. */
function numbered(base: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => (base ? `${base}_${i + 1}` : String(i)));
}

function matrixShape(view: TensorView, labels: AxisLabels, what: string): [number, number] {
  const s = view.shape;
  if (s.length === 0) return [1, 1];
  if (s.length === 1) return [1, s[0]!];
  if (s.length === 2) return [s[0]!, s[1]!];
  const m = labels.rows?.length;
  const n = labels.cols?.length;
  if (m !== undefined && n !== undefined && m * n === sizeOf(s)) return [m, n];
  throw new RangeError(
    `${what}: needs a scalar, vector or matrix, got shape [${s.join(", ")}]` +
      " (reshape it, or give row and column labels whose counts multiply to its size)",
  );
}

function checkLength(
  names: readonly string[] | undefined,
  n: number,
  axis: string,
  view: TensorView,
  what: string,
): void {
  if (names && names.length !== n) {
    throw new RangeError(
      `${what}: ${names.length} ${axis} labels for ${n} ${axis}s (shape [${view.shape.join(", ")}])`,
    );
  }
}

/** The label fields of an options object that are set (options objects also carry precision, limits…). */
function pickLabels(o: LabelOptions): AxisLabels {
  const { rows, cols, title, kind } = o;
  return Object.fromEntries(
    Object.entries({ rows, cols, title, kind }).filter(([, v]) => v !== undefined),
  ) as AxisLabels;
}

/**
 * The view with display labels merged in (options win over labels the tensor carries), so every
 * renderer of one bundle reads the same labels.
 * @example withLabels(J, { rows: ["loss"] }).labels?.rows // ["loss"]
 */
export function withLabels(view: TensorView, options: LabelOptions): TensorView {
  const extra = pickLabels(options);
  if (Object.keys(extra).length === 0) return view;
  return {
    shape: view.shape,
    dtype: view.dtype,
    data: view.data,
    ...(view.name !== undefined ? { name: view.name } : {}),
    labels: { ...view.labels, ...extra },
  };
}
