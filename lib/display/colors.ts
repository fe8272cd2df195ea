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

/**
 * The scale for a set of values: diverging and centred on 0 when they have both signs (or when asked),
 * sequential over [min, max] otherwise.
 * @example colorScale([-2, 1]).color(0) // "#f7f7f7"
 */
export function colorScale(
  values: Iterable<number>,
  kind: "auto" | "diverging" | "sequential" = "auto",
): ColorScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) [lo, hi] = [0, 1];
  const chosen = kind === "auto" ? (lo < 0 && hi > 0 ? "diverging" : "sequential") : kind;
  if (chosen === "diverging") {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return makeScale("diverging", -m, m, diverging);
  }
  if (lo === hi) [lo, hi] = lo === 0 ? [0, 1] : [Math.min(lo, 0), Math.max(hi, 0)];
  return makeScale("sequential", lo, hi, sequential);
}

function makeScale(kind: ColorScale["kind"], min: number, max: number, hex: string[]): ColorScale {
  const stops: ColorStops = hex.map((h, k) => [k / (hex.length - 1), h] as const);
  const rgb = hex.map(parseHex);
  return {
    kind,
    min,
    max,
    stops,
    color(v: number): string {
      if (Number.isNaN(v)) return missingColor;
      const t = Math.min(1, Math.max(0, (v - min) / (max - min)));
      const x = t * (rgb.length - 1);
      const k = Math.min(rgb.length - 2, Math.floor(x));
      const f = x - k;
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
