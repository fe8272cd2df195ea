/**
 * One number style per tensor, chosen from all the values shown (as NumPy does): the same number of
 * decimals everywhere so columns line up, scientific notation only when fixed notation would hide values.
 */

export interface NumberStyle {
  readonly notation: "fixed" | "scientific";
  /** Digits after the decimal point (of the mantissa, in scientific notation). */
  readonly decimals: number;
}

/** Fixed notation would lose small values or grow too wide beyond these magnitudes. */
const SCIENTIFIC_BELOW = 1e-4;
const SCIENTIFIC_FROM = 1e6;

/**
 * The style that shows every finite value in `values` with at most `precision` decimals, using no more
 * decimals than some value needs (0.5 and 0.25 give two decimals; integers give none).
 * @example numberStyle([0.5, 0.25, 1]) // { notation: "fixed", decimals: 2 }
 */
export function numberStyle(values: Iterable<number>, precision = 4): NumberStyle {
  let maxAbs = 0;
  let minNonzero = Infinity;
  const finite: number[] = [];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    finite.push(v);
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minNonzero) minNonzero = a;
  }
  const scientific = maxAbs >= SCIENTIFIC_FROM || minNonzero < SCIENTIFIC_BELOW;
  let decimals = 0;
  for (const v of finite) {
    const s = scientific ? v.toExponential(precision).split("e")[0]! : v.toFixed(precision);
    decimals = Math.max(decimals, decimalsNeeded(s));
    if (decimals === precision) break;
  }
  return { notation: scientific ? "scientific" : "fixed", decimals };
}

/** Digits after the point once trailing zeros are dropped: "0.2500" → 2. */
function decimalsNeeded(s: string): number {
  const dot = s.indexOf(".");
  if (dot < 0) return 0;
  let end = s.length;
  while (end > dot + 1 && s[end - 1] === "0") end--;
  return end - dot - 1;
}

/**
 * Formats one number in a style with ASCII characters (for text/plain: copy-pasteable): `nan`, `inf`,
 * `-inf`, and never `-0`.
 * @example formatNumber(-0.5, { notation: "fixed", decimals: 2 }) // "-0.50"
 */
export function formatNumber(v: number, style: NumberStyle): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (style.notation === "scientific") {
    const [mantissa, exp] = v.toExponential(style.decimals).split("e") as [string, string];
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${dropNegativeZero(mantissa)}e${sign}${digits}`;
  }
  return dropNegativeZero(v.toFixed(style.decimals));
}

/** "-0.00" → "0.00": a value that rounds to zero shows without a sign. */
function dropNegativeZero(s: string): string {
  return /^-[0.]+$/.test(s) ? s.slice(1) : s;
}

/**
 * The typographic form of a formatted number for HTML and SVG: a true minus sign (U+2212) and `∞`.
 * @example typographic("-1.50") // "−1.50"
 */
export function typographic(formatted: string): string {
  return formatted.replace(/^-/, "\u2212").replace(/e-/, "e\u2212").replace(/inf$/, "∞");
}
