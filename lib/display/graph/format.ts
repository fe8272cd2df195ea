/**
 * Numbers and tensors as short strings for graph nodes and stepper panels. Pure functions.
 */

/**
 * A number with `digits` significant digits, trailing zeros dropped, exponent form when tiny or huge.
 * @example formatNumber(0.123456) // "0.123"
 * @example formatNumber(-2) // "-2"
 * @example formatNumber(0.0000123) // "1.23e-5"
 */
export function formatNumber(x: number, digits = 3): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
  if (x === 0) return "0";
  const ax = Math.abs(x);
  if (ax >= 1e-3 && ax < 1e5) {
    const s = x.toPrecision(digits);
    // toPrecision can still answer in exponent form (e.g. 12345 with 3 digits): use fixed instead.
    const fixed = s.includes("e") ? x.toFixed(0) : s;
    return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  }
  const [mantissa, exponent] = x.toExponential(digits - 1).split("e");
  const m = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
  return `${m}e${exponent.replace("+", "")}`;
}

/**
 * Values written out with nested brackets following the shape, e.g. `[[1, 2], [3, 4]]`.
 * @example nestedString([1, 2, 3, 4], [2, 2]) // "[[1, 2], [3, 4]]"
 */
export function nestedString(values: readonly number[], shape: readonly number[], digits = 3): string {
  if (shape.length === 0) return formatNumber(values[0], digits);
  // Build bottom-up (no recursion): group the innermost axis first, then the next, and so on.
  let parts = Array.from(values, (v) => formatNumber(v, digits));
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const n = shape[axis];
    const grouped: string[] = [];
    for (let i = 0; i < parts.length; i += n) grouped.push(`[${parts.slice(i, i + n).join(", ")}]`);
    parts = n === 0 ? ["[]"] : grouped;
  }
  return parts[0] ?? "[]";
}

/**
 * Mean and (population) standard deviation.
 * @example meanStd([1, 3]) // { mean: 2, std: 1 }
 */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(sq / n) };
}

/**
 * A one-line summary: every value when there are at most `maxEntries`, else mean and standard deviation.
 * @example summarize([0.5, -1], [2]) // "[0.5, -1]"
 * @example summarize(new Array(100).fill(1), [10, 10]) // "μ 1 σ 0"
 */
export function summarize(values: readonly number[], shape: readonly number[], maxEntries = 6): string {
  if (values.length <= maxEntries) return nestedString(values, shape);
  const { mean, std } = meanStd(values);
  return `μ ${formatNumber(mean)} σ ${formatNumber(std)}`;
}

/**
 * Shape as the lecture writes it: `2×3`, `3`, or `scalar`.
 * @example shapeString([2, 3]) // "2×3"
 */
export function shapeString(shape: readonly number[]): string {
  return shape.length === 0 ? "scalar" : shape.join("×");
}

const NARROW = new Set("il.,:;'|!()[]1 fjtrI");
const WIDE = new Set("mwMWσμ∂");

/**
 * An estimate of a string's rendered width in px, used to size graph nodes before layout (there is no
 * DOM to measure in the kernel). Errs wide so that text never overflows its box.
 * @example textWidth("[0.5, -1]", 12, { mono: true }) // 66.96
 */
export function textWidth(text: string, fontSize: number, options: { mono?: boolean; bold?: boolean } = {}) {
  if (options.mono) return text.length * fontSize * 0.62;
  let em = 0;
  for (const ch of text) {
    if (NARROW.has(ch)) em += 0.36;
    else if (WIDE.has(ch)) em += 0.92;
    else if (ch >= "A" && ch <= "Z") em += 0.74;
    else em += 0.63;
  }
  return em * fontSize * (options.bold ? 1.15 : 1);
}
