/**
 * text/plain of a tensor, for `jupyter console`, logs and any frontend without HTML: NumPy's layout
 * (aligned columns, `...` in large tensors), or a labelled grid when the axes have names (Jacobians).
 */
import { withDefaults } from "./options.js";
import { toView } from "./coerce.js";
import type { TensorView } from "./view.js";
import { labelledMatrix, type LabelledMatrix } from "./matrix.js";
import { formatNumber, numberStyle } from "./numbers.js";
import { axisItems, sizeOf, stridesOf, type AxisItem } from "./summarise.js";

export interface TextOptions {
  /** Most decimals shown (fewer when the values need fewer). Default 4. */
  precision?: number;
  /** Summarise (show edges only) when the tensor has more elements than this. Default 1000 (NumPy's). */
  threshold?: number;
  /** Items kept at each end of a summarised axis. Default 3. */
  edgeItems?: number;
  /** Wrap rows of a vector beyond this many characters. Default 75. */
  lineWidth?: number;
}

const defaults = { precision: 4, threshold: 1000, edgeItems: 3, lineWidth: 75 };

/**
 * The text/plain of a tensor: `tensor([[1, 2], [3, 4]], shape=[2, 2], dtype=float64)` in NumPy's layout,
 * or, when its axes carry labels (a Jacobian), a grid with ∂f_i row and ∂x_j column headers.
 * @example tensorText({ shape: [2], dtype: "float64", data: [0.5, 1] })
 * // "tensor([0.5, 1.0], shape=[2], dtype=float64)"
 */
export function tensorText(tensorView: TensorView, options: TextOptions = {}): string {
  const view = toView(tensorView, "text");
  const o = withDefaults(defaults, options);
  const labels = view.labels;
  if (labels && (labels.kind === "jacobian" || labels.rows || labels.cols)) {
    return labelledGrid(labelledMatrix(view, {}, "text"), o);
  }
  return numpyRepr(view, o);
}

/**
 * A labelled matrix as an aligned text grid with a header line (title · shape · dtype).
 * @example gridText(labelledMatrix(view, { kind: "jacobian" }))
 */
export function gridText(m: LabelledMatrix, options: TextOptions = {}): string {
  return labelledGrid(m, withDefaults(defaults, options));
}

function labelledGrid(m: LabelledMatrix, o: Required<TextOptions>): string {
  const summarise = m.rows * m.cols > o.threshold;
  const rows = axisItems(m.rows, summarise ? 2 * o.edgeItems : m.rows, o.edgeItems);
  const cols = axisItems(m.cols, summarise ? 2 * o.edgeItems : m.cols, o.edgeItems);
  const shown = rows.flatMap((i) => cols.map((j) => (i === null || j === null ? NaN : m.at(i, j))));
  const style = numberStyle(
    shown.filter((v) => !Number.isNaN(v)),
    o.precision,
  );
  const cell = (i: AxisItem, j: AxisItem) =>
    i === null || j === null ? "..." : formatNumber(m.at(i, j), style);
  const head = (h: readonly string[] | null, k: AxisItem) => (k === null ? "..." : (h?.[k] ?? ""));
  const table: string[][] = [
    ["", ...cols.map((j) => head(m.colHeaders, j))],
    ...rows.map((i) => [head(m.rowHeaders, i), ...cols.map((j) => cell(i, j))]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => [...r[c]!].length)));
  const lines = table.map((r) =>
    r
      .map((s, c) => (c === 0 ? s.padEnd(widths[0]!) : s.padStart(widths[c]!)))
      .join("   ")
      .trimEnd(),
  );
  const header = [m.title, `shape [${m.shape.join(", ")}]`, m.dtype].filter(Boolean).join(" · ");
  return [header, ...lines].join("\n");
}

function numpyRepr(view: TensorView, o: Required<TextOptions>): string {
  const { shape, data } = view;
  const summarise = sizeOf(shape) > o.threshold;
  const items = shape.map((n) => axisItems(n, summarise ? 2 * o.edgeItems : n, o.edgeItems));
  const strides = stridesOf(shape);
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      shown.push(data[offset]!);
      return;
    }
    for (const i of items[axis]!) if (i !== null) collect(axis + 1, offset + i * strides[axis]!);
  };
  collect(0, 0);
  const style = numberStyle(shown, o.precision);
  const texts = shown.map((v) => formatNumber(v, style));
  const width = Math.max(0, ...texts.map((t) => t.length));
  const prefix = "tensor(";
  let k = 0;
  const block = (axis: number, indent: string): string => {
    if (axis === shape.length) return texts[k++]!.padStart(width);
    const parts = items[axis]!.map((i) => (i === null ? "..." : block(axis + 1, indent + " ")));
    if (axis === shape.length - 1) return wrapRow(parts, indent, o.lineWidth);
    const gap = ",\n" + "\n".repeat(shape.length - axis - 2) + indent + " ";
    return `[${parts.join(gap)}]`;
  };
  // An empty tensor reads as [] whatever its shape (NumPy does the same); the shape says the rest.
  const body =
    shape.length === 0 ? texts[0]! : sizeOf(shape) === 0 ? "[]" : block(0, " ".repeat(prefix.length));
  const name = view.name !== undefined ? `, name=${JSON.stringify(view.name)}` : "";
  return `${prefix}${body}, shape=[${shape.join(", ")}], dtype=${view.dtype}${name})`;
}

/** `[a, b, c]` broken into lines no wider than lineWidth, continuation lines aligned after the bracket. */
function wrapRow(parts: string[], indent: string, lineWidth: number): string {
  const lines: string[] = [];
  let line = "[";
  parts.forEach((p, idx) => {
    const piece = p + (idx < parts.length - 1 ? "," : "]");
    if (line !== "[" && indent.length + line.length + 1 + piece.length > lineWidth) {
      lines.push(line);
      line = " " + piece;
    } else {
      line += (line === "[" ? "" : " ") + piece;
    }
  });
  if (parts.length === 0) line = "[]";
  lines.push(line);
  return lines.join("\n" + indent);
}
