/**
 * Shared pieces of the wasm kernel tests: seeded data and the classic error bound of a dot product.
 */
import { matmulReference, type ReferenceOptions } from "../../lib/wasm/reference.js";

/** mulberry32: a tiny seeded generator, so a failing case reproduces. Values in [-1, 1). */
export function randomArray(
  make: (n: number) => Float32Array | Float64Array,
  n: number,
  seed: number,
): Float32Array | Float64Array {
  const out = make(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Largest violation of |got − exact| ≤ γ·(|A|·|B|) elementwise, with γ = 2·k·u (u the unit roundoff of
 * the dtype): the standard forward error bound of a dot product in any summation order, so it holds for
 * every blocking and FMA or not. Returns the worst ratio error / bound (≤ 1 passes).
 */
export function worstErrorRatio(
  got: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  batch: number,
  m: number,
  k: number,
  n: number,
  options: ReferenceOptions,
  unitRoundoff: number,
): number {
  const exact = new Float64Array(batch * m * n);
  matmulReference(a, b, exact, batch, m, k, n, options);
  const absA = Float64Array.from(a, Math.abs);
  const absB = Float64Array.from(b, Math.abs);
  const bound = new Float64Array(batch * m * n);
  matmulReference(absA, absB, bound, batch, m, k, n, options);
  const gamma = 2 * Math.max(1, k) * unitRoundoff;
  let worst = 0;
  for (let i = 0; i < exact.length; i++) {
    const err = Math.abs(got[i] - exact[i]);
    // + tiny: an exact zero product with zero error is fine; NaN makes the ratio NaN and fails.
    worst = Math.max(worst, err / (gamma * bound[i] + 1e-300));
    if (Number.isNaN(got[i])) return NaN;
  }
  return worst;
}

export const U32 = 2 ** -24;
export const U64 = 2 ** -53;
