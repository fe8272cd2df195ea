/**
 * Colour scales, computed the same way for our SVG and handed to plotly as explicit stops, so the static
 * picture and the interactive one agree colour for colour.
 */

/** Stops as plotly's `colorscale`: [position in 0..1, "#rrggbb"]. */
export type ColorStops = readonly (readonly [number, string])[];

/** ColorBrewer RdBu (9 classes), blue for negative, white at 0, red for positive. */
const diverging = [
  "#2166ac",
  "#4393c3",
  "#92c5de",
  "#d1e5f0",
  "#f7f7f7",
  "#fddbc7",
  "#f4a582",
  "#d6604d",
  "#b2182b",
];
/** Viridis at 9 evenly spaced points: perceptually uniform and readable in grey. */
const sequential = [
  "#440154",
  "#472d7b",
  "#3b528b",
  "#2c728e",
  "#21918c",
  "#28ae80",
  "#5ec962",
  "#addc30",
  "#fde725",
];

export interface ColorScale {
  readonly kind: "diverging" | "sequential";
  /** The value range the scale spans; a diverging scale is symmetric about 0. */
  readonly min: number;
  readonly max: number;
  readonly stops: ColorStops;
  /** The colour of a value (values outside [min, max] take the end colours). */
  color(v: number): string;
}

/** The colour of cells holding NaN. */
export const missingColor = "#d9d9d9";

/** A fixed colour range (plotly's zmin / zmax); either end left out comes from the values. */
export interface ColorRange {
  zmin?: number | undefined;
  zmax?: number | undefined;
}

/**
 * The scale for a set of values: diverging and centred on 0 when they have both signs (or when asked),
 * sequential over [min, max] otherwise. With a fixed `range` the scale spans exactly [zmin, zmax] (values
 * outside take the end colours), so several figures share one scale; a diverging one keeps white at 0
 * when 0 lies inside the range, its two halves then spanning [zmin, 0] and [0, zmax].
 * @example colorScale([-2, 1]).color(0) // "#f7f7f7"
 * @example colorScale([0.2, 0.4], "auto", { zmin: -1, zmax: 1 }).color(1) // "#b2182b"
 */
export function colorScale(
  values: Iterable<number>,
  kind: "auto" | "diverging" | "sequential" = "auto",
  range: ColorRange = {},
): ColorScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) [lo, hi] = [0, 1];
  if (range.zmin !== undefined || range.zmax !== undefined) return fixedScale(lo, hi, kind, range);
  const chosen = kind === "auto" ? (lo < 0 && hi > 0 ? "diverging" : "sequential") : kind;
  if (chosen === "diverging") {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return makeScale("diverging", -m, m, evenly(diverging));
  }
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [Math.min(lo, 0), Math.max(hi, 0)];
  return makeScale("sequential", lo, hi, evenly(sequential));
}

function fixedScale(
  lo: number,
  hi: number,
  kind: ColorScale["kind"] | "auto",
  range: ColorRange,
): ColorScale {
  for (const [name, v] of Object.entries(range)) {
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v)))
      throw new RangeError(`heatmap: ${name} must be a finite number, got ${String(v)}`);
  }
  const min = range.zmin ?? Math.min(lo, range.zmax!);
  const max = range.zmax ?? Math.max(hi, range.zmin!);
  if (!(min < max)) {
    throw new RangeError(
      `heatmap: zmin must be less than zmax, got zmin = ${min} and zmax = ${max}` +
        (range.zmin === undefined || range.zmax === undefined
          ? " (the other end taken from the values)"
          : ""),
    );
  }
  const chosen = kind === "auto" ? (min < 0 && max > 0 ? "diverging" : "sequential") : kind;
  if (chosen === "sequential") return makeScale("sequential", min, max, evenly(sequential));
  // White stays at 0: the blue half spans [min, 0], the red half [0, max].
  const mid = min < 0 && max > 0 ? -min / (max - min) : 0.5;
  const half = (diverging.length - 1) / 2;
  const stops: ColorStops = diverging.map(
    (h, k) => [k <= half ? (k / half) * mid : mid + ((k - half) / half) * (1 - mid), h] as const,
  );
  return makeScale("diverging", min, max, stops);
}

/** Colours spread evenly over 0..1. */
function evenly(hex: readonly string[]): ColorStops {
  return hex.map((h, k) => [k / (hex.length - 1), h] as const);
}

/** Piecewise-linear interpolation in RGB between the stops, exactly as plotly reads a colorscale. */
function makeScale(kind: ColorScale["kind"], min: number, max: number, stops: ColorStops): ColorScale {
  const rgb = stops.map(([, h]) => parseHex(h));
  return {
    kind,
    min,
    max,
    stops,
    color(v: number): string {
      if (Number.isNaN(v)) return missingColor;
      const t = Math.min(1, Math.max(0, (v - min) / (max - min)));
      let k = 0;
      while (k < stops.length - 2 && t > stops[k + 1]![0]) k++;
      const [t0] = stops[k]!;
      const [t1] = stops[k + 1]!;
      const f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
      const a = rgb[k]!;
      const b = rgb[k + 1]!;
      return toHex(a.map((c, n) => c + (b[n]! - c) * f) as [number, number, number]);
    },
  };
}

/**
 * A text colour that stays readable on a background (dark on light cells, white on dark ones), by the
 * WCAG relative luminance.
 * @example textColorOn("#fde725") // "#1f2328"
 */
export function textColorOn(background: string): string {
  const [r, g, b] = parseHex(background).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.33 ? "#1f2328" : "#ffffff";
}

/**
 * The red, green and blue channels (0–255) of a "#rrggbb" colour.
 * @example parseHex("#2166ac") // [33, 102, 172]
 */
export function parseHex(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex(rgb: [number, number, number]): string {
  return "#" + rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}
