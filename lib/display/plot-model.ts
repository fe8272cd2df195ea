/**
 * What a line plot shows, computed once from the user's series: points (downsampled when long), colours,
 * axis ranges and ticks. The SVG and the plotly figure are both drawn from this model.
 */
import type { TensorView } from "./view.js";
import { isTensorView, toView } from "./coerce.js";
import { logTicks, niceTicks } from "./ticks.js";

/** One line: its y values, optional x values (default 0, 1, 2, …) and a legend name. */
export interface SeriesInput {
  y: ArrayLike<number> | TensorView;
  x?: ArrayLike<number> | TensorView;
  name?: string;
}

/** What plot() accepts: one series (numbers, a 1-D tensor, or {x, y, name}), several, or a 2-D tensor (one line per row). */
export type PlotInput =
  ArrayLike<number> | TensorView | SeriesInput | readonly (ArrayLike<number> | TensorView | SeriesInput)[];

export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Logarithmic y axis (values must be > 0): loss curves often read better this way. */
  logY?: boolean;
  /** Figure size in px. Defaults 600 × 340; a legend too long to sit beside the plot adds rows below it. */
  width?: number;
  height?: number;
  /** Longer series are reduced to this many points, keeping each stretch's min and max. Default 2000. */
  maxPoints?: number;
}

export interface PlotSeries {
  readonly name: string;
  readonly color: string;
  /** Points kept (non-finite y are gaps, kept as NaN so the line breaks there). */
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Number of points before downsampling. */
  readonly length: number;
}

export interface PlotModel {
  readonly series: readonly PlotSeries[];
  readonly xRange: readonly [number, number];
  /** In data units (for logY, the positive range; drawing happens in log10). */
  readonly yRange: readonly [number, number];
  readonly xTicks: readonly number[];
  readonly yTicks: readonly number[];
  readonly logY: boolean;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width: number;
  readonly height: number;
  readonly downsampled: boolean;
  /** Draw a marker at each point (short series). */
  readonly markers: boolean;
}

/** Tableau 10: distinct, colour-blind aware, calm on a slide. */
export const palette = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

/**
 * Normalises plot() input and computes ranges and ticks.
 * @example plotModel([3, 2, 1.5]).series[0].y // [3, 2, 1.5]
 */
export function plotModel(input: PlotInput, options: PlotOptions = {}): PlotModel {
  const raw = seriesList(input);
  if (raw.length === 0) throw new RangeError("plot: no series given");
  const maxPoints = Math.max(4, options.maxPoints ?? 2000);
  const logY = options.logY ?? false;
  let downsampled = false;
  const series = raw.map((s, k): PlotSeries => {
    const y = Array.from(values(s.y));
    const x = s.x ? Array.from(values(s.x)) : y.map((_, i) => i);
    const name = s.name ?? (raw.length === 1 ? "y" : `series ${k + 1}`);
    if (x.length !== y.length) {
      throw new RangeError(`plot: series '${name}' has ${x.length} x values but ${y.length} y values`);
    }
    if (logY) {
      const bad = y.findIndex((v) => Number.isFinite(v) && v <= 0);
      if (bad >= 0)
        throw new RangeError(
          `plot: logY needs values > 0, but series '${name}' has ${y[bad]} at index ${bad}`,
        );
    }
    const kept = y.length > maxPoints ? minMaxIndices(y, maxPoints) : null;
    if (kept) downsampled = true;
    return {
      name,
      color: palette[k % palette.length]!,
      x: kept ? kept.map((i) => x[i]!) : x,
      y: (kept ? kept.map((i) => y[i]!) : y).map((v) => (Number.isFinite(v) ? v : NaN)),
      length: y.length,
    };
  });
  const xs = series.flatMap((s) => s.x.filter(Number.isFinite));
  const ys = series.flatMap((s) => s.y.filter(Number.isFinite));
  const markers = series.every((s) => s.y.length <= 40);
  // Markers are drawn whole: leave them a little room at both ends of the x axis.
  const xRange = padRange(range(xs), markers ? 0.03 : 0);
  const yRange = logY ? logRange(range(ys)) : padRange(range(ys), 0.05);
  return {
    series,
    xRange: [xRange[0], xRange[1]],
    yRange,
    xTicks: niceTicks(xRange[0], xRange[1], 6),
    yTicks: logY ? logTicks(yRange[0], yRange[1]) : niceTicks(yRange[0], yRange[1], 5),
    logY,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.xLabel !== undefined ? { xLabel: options.xLabel } : {}),
    ...(options.yLabel !== undefined ? { yLabel: options.yLabel } : {}),
    width: options.width ?? 600,
    height: options.height ?? 340,
    downsampled,
    markers,
  };
}

function seriesList(input: PlotInput): SeriesInput[] {
  if (isTensorView(input)) return tensorSeries(input);
  if (isSeries(input)) return [input];
  if (isNumbers(input)) return [{ y: input }];
  return Array.from(input as readonly (ArrayLike<number> | TensorView | SeriesInput)[]).flatMap((s) =>
    isTensorView(s) ? tensorSeries(s) : isSeries(s) ? [s] : [{ y: s }],
  );
}

/** The numbers of a series axis: a tensor's data (any shape, row-major) or the array itself. */
function values(a: ArrayLike<number> | TensorView): ArrayLike<number> {
  return isTensorView(a) ? toView(a, "plot").data : a;
}

function isSeries(x: unknown): x is SeriesInput {
  return typeof x === "object" && x !== null && !isTensorView(x) && "y" in x;
}

function isNumbers(x: unknown): x is ArrayLike<number> {
  if (x instanceof Float64Array || x instanceof Float32Array) return true;
  return Array.isArray(x) && (x.length === 0 || typeof x[0] === "number");
}

/** A vector is one line; a matrix is one line per row (named by its row labels, if any). */
function tensorSeries(t: TensorView): SeriesInput[] {
  const v = toView(t, "plot");
  if (v.shape.length <= 1) return [{ y: v.data, ...(v.name !== undefined ? { name: v.name } : {}) }];
  if (v.shape.length !== 2)
    throw new RangeError(
      `plot: needs a vector or a matrix (one line per row), got shape [${v.shape.join(", ")}]`,
    );
  const [r, c] = v.shape as [number, number];
  return Array.from({ length: r }, (_, i) => ({
    y: Array.from({ length: c }, (_, j) => v.data[i * c + j]!),
    name: v.labels?.rows?.[i] ?? `row ${i}`,
  }));
}

/**
 * Indices that keep the shape of a long series: the first and last points, and the min and max of each
 * of maxPoints/2 equal stretches, in order.
 */
function minMaxIndices(y: readonly number[], maxPoints: number): number[] {
  const buckets = Math.floor(maxPoints / 2);
  const size = y.length / buckets;
  const kept = new Set<number>([0, y.length - 1]);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.floor((b + 1) * size);
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      if (!Number.isFinite(y[i]!)) continue;
      if (!(y[i]! >= y[lo]!)) lo = i;
      if (!(y[i]! <= y[hi]!)) hi = i;
    }
    kept.add(lo).add(hi);
  }
  return [...kept].sort((a, b) => a - b);
}

function range(vs: readonly number[]): [number, number] {
  if (vs.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vs) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Room of `fraction` of the span on both sides, and a non-empty span for constants. */
function padRange([lo, hi]: [number, number], fraction: number): [number, number] {
  if (lo === hi) return lo === 0 ? [-1, 1] : [lo - Math.abs(lo) / 2, hi + Math.abs(hi) / 2];
  const p = (hi - lo) * fraction;
  return [lo - p, hi + p];
}

function logRange([lo, hi]: [number, number]): [number, number] {
  if (!(lo > 0)) return [0.1, 1];
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  const p = b > a ? (b - a) * 0.05 : 0.5;
  return [10 ** (a - p), 10 ** (b + p)];
}
