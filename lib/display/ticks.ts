/** Axis ticks at round numbers (1, 2, 5 × 10^k), for colour bars and plot axes. */
import { formatNumber, numberStyle, typographic } from "./numbers.js";

/**
 * About `count` round tick values covering [lo, hi] (all inside it).
 * @example niceTicks(0, 1, 5) // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((f) => f * mag >= raw) ?? 10) * mag;
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  // Multiply rather than accumulate, and clean the binary noise (0.30000000000000004 → 0.3).
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/**
 * Tick labels in one shared style (same decimals), with a true minus sign.
 * @example tickLabels([0, 0.5, 1]) // ["0.0", "0.5", "1.0"]
 */
export function tickLabels(ticks: readonly number[]): string[] {
  const style = numberStyle(ticks, 3);
  return ticks.map((t) => typographic(formatNumber(t, style)));
}

/**
 * Ticks on a log axis: the powers of ten inside [lo, hi] (both > 0), thinned to about `count`.
 * @example logTicks(0.01, 10) // [0.01, 0.1, 1, 10]
 */
export function logTicks(lo: number, hi: number, count = 6): number[] {
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  const every = Math.max(1, Math.ceil((b - a + 1) / count));
  const ticks: number[] = [];
  for (let e = a; e <= b; e += every) ticks.push(Number(`1e${e}`));
  return ticks.length > 0 ? ticks : [lo, hi];
}
