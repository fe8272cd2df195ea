/**
 * What a heatmap shows, computed once from a tensor: the cells (downsampled when large), their colours,
 * hover texts and labels. The SVG and the plotly figure are both drawn from this model, so they agree.
 */
import type { TensorView } from "./view.js";
import { labelledMatrix, type LabelOptions } from "./matrix.js";
import { blocks } from "./blocks.js";
import { colorScale, type ColorScale } from "./colors.js";
import { formatNumber, numberStyle, typographic } from "./numbers.js";

export interface HeatmapOptions extends LabelOptions {
  /** "auto" (default): diverging and centred on 0 when values have both signs, else sequential. */
  scale?: "auto" | "diverging" | "sequential";
  /**
   * Fixed ends of the colour range (plotly's names), so small multiples share one scale: values beyond take
   * the end colours and still show exactly in hover texts. Unset: the range comes from the values
   * (symmetric about 0 for a diverging scale). With "auto", diverging when zmin < 0 < zmax.
   */
  zmin?: number;
  zmax?: number;
  /** Most decimals in hover texts and cell values. Default 4. */
  precision?: number;
  /** At most this many cells along each axis; larger matrices are averaged in blocks. Default 32. */
  maxCells?: number;
  /** Write each value in its cell. Default: when at most 12 × 12 cells and not downsampled. */
  showValues?: boolean;
}

export interface HeatmapModel {
  readonly rows: number;
  readonly cols: number;
  /** Shown values, row-major (block means when downsampled). */
  readonly values: Float64Array;
  readonly colors: readonly string[];
  /** Hover text per cell: "∂f₁/∂x₂ = 0.5". */
  readonly hovers: readonly string[];
  /** Text written in the cells, when shown. */
  readonly cellTexts: readonly string[] | null;
  /** Axis labels per shown row / column, null where a label is skipped; null when the axis has none. */
  readonly rowLabels: readonly (string | null)[] | null;
  readonly colLabels: readonly (string | null)[] | null;
  /** Whether labels are plain indices (drawn muted) or names (∂f₁, W1). */
  readonly indexLabels: boolean;
  /** Jacobian labels read as mathematics (serif italic). */
  readonly mathLabels: boolean;
  readonly title?: string;
  /** "shape [2, 3] · float64", plus the downsampling when there is one. */
  readonly caption: string;
  readonly scale: ColorScale;
  /** Whether the colour range was fixed by zmin / zmax rather than taken from the values. */
  readonly fixedRange: boolean;
  readonly downsampled: boolean;
}

/**
 * Builds the heatmap model of a scalar, vector or matrix (or an n-D Jacobian with row and column labels).
 * @example heatmapModel({ shape: [1, 2], dtype: "float64", data: [-1, 1] }).scale.kind // "diverging"
 */
export function heatmapModel(view: TensorView, options: HeatmapOptions = {}): HeatmapModel {
  const maxCells = options.maxCells ?? 32;
  const m = labelledMatrix(view, options, "heatmap");
  const b = blocks(m.rows, m.cols, m.at, maxCells, maxCells);
  const scale = colorScale(b.values, options.scale ?? "auto", { zmin: options.zmin, zmax: options.zmax });
  const style = numberStyle(b.values, options.precision ?? 4);
  const fmt = (v: number) => typographic(formatNumber(v, style));
  const hovers: string[] = [];
  for (let i = 0; i < b.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      const v = fmt(b.values[i * b.cols + j]!);
      if (!b.aggregated) {
        hovers.push(`${m.cellName(i, j)} = ${v}`);
        continue;
      }
      const [r0, r1] = b.rowRange(i);
      const [c0, c1] = b.colRange(j);
      hovers.push(`${span(m.rowHeaders, r0, r1, "rows")} × ${span(m.colHeaders, c0, c1, "cols")}: mean ${v}`);
    }
  }
  const showValues = options.showValues ?? (!b.aggregated && b.rows <= 12 && b.cols <= 12);
  const thin = (n: number) => Math.max(1, Math.ceil(n / 24));
  const axisLabels = (headers: readonly string[] | null, count: number, start: (k: number) => number) =>
    headers
      ? Array.from({ length: count }, (_, k) => (k % thin(count) === 0 ? headers[start(k)]! : null))
      : null;
  const caption =
    `shape [${m.shape.join(", ")}] · ${m.dtype}` +
    (b.aggregated
      ? ` · shown as ${b.rows}×${b.cols} blocks (mean of up to ` +
        `${Math.ceil(m.rows / b.rows)}×${Math.ceil(m.cols / b.cols)} entries each)`
      : "");
  return {
    rows: b.rows,
    cols: b.cols,
    values: b.values,
    colors: Array.from(b.values, (v) => scale.color(v)),
    hovers,
    cellTexts: showValues ? Array.from(b.values, fmt) : null,
    rowLabels: axisLabels(m.rowHeaders, b.rows, (k) => b.rowRange(k)[0]),
    colLabels: axisLabels(m.colHeaders, b.cols, (k) => b.colRange(k)[0]),
    indexLabels: m.indexHeaders,
    mathLabels: m.jacobian !== undefined,
    ...(m.title !== undefined ? { title: m.title } : {}),
    caption,
    scale,
    fixedRange: options.zmin !== undefined || options.zmax !== undefined,
    downsampled: b.aggregated,
  };
}

/** "∂f₁…∂f₂₅" or "rows 0–24" for the source range [start, end) of a block. */
function span(headers: readonly string[] | null, start: number, end: number, axis: string): string {
  if (headers && end - start === 1) return headers[start]!;
  if (headers && !/^\d+$/.test(headers[start]!)) return `${headers[start]}…${headers[end - 1]}`;
  return end - start === 1 ? `${axis.slice(0, -1)} ${start}` : `${axis} ${start}–${end - 1}`;
}
