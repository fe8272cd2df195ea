/**
 * Reductions over axes: plain loops on typed arrays (replaceable, issue 9). A set of axes is reduced one
 * contiguous run at a time, each run seen as [outer, reduced, inner] so the loops stay simple.
 */
import { allocate, type Storage } from "../dtype.js";
import type { Shape } from "../shape.js";

type RunKernel = (x: Storage, out: Storage, outer: number, red: number, inner: number) => void;

function sumRun(x: Storage, out: Storage, outer: number, red: number, inner: number): void {
  if (inner === 1) {
    for (let o = 0, p = 0; o < outer; o++) {
      let s = 0;
      for (let r = 0; r < red; r++, p++) s += x[p];
      out[o] = s;
    }
    return;
  }
  out.fill(0);
  for (let o = 0, p = 0; o < outer; o++) {
    const ob = o * inner;
    for (let r = 0; r < red; r++) for (let i = 0; i < inner; i++, p++) out[ob + i] += x[p];
  }
}

function maxRun(x: Storage, out: Storage, outer: number, red: number, inner: number): void {
  out.fill(-Infinity);
  for (let o = 0, p = 0; o < outer; o++) {
    const ob = o * inner;
    for (let r = 0; r < red; r++)
      for (let i = 0; i < inner; i++, p++) {
        const v = x[p];
        // NaN wins, as in Math.max
        if (v > out[ob + i] || v !== v) out[ob + i] = v;
      }
  }
}

function reduce(run: RunKernel, x: Storage, shape: Shape, axes: readonly number[], out: Storage): void {
  if (axes.length === 0) return void out.set(x);
  // split sorted axes into contiguous runs, reduce the last run first (shape keeps size-1 dims)
  const dims = shape.slice();
  let cur: Storage = x;
  let j = axes.length - 1;
  while (j >= 0) {
    const q = axes[j];
    let p = q;
    while (j > 0 && axes[j - 1] === p - 1) {
      j--;
      p--;
    }
    j--;
    let outer = 1;
    let red = 1;
    let inner = 1;
    for (let d = 0; d < p; d++) outer *= dims[d];
    for (let d = p; d <= q; d++) red *= dims[d];
    for (let d = q + 1; d < dims.length; d++) inner *= dims[d];
    const dst = j < 0 ? out : allocate(out instanceof Float32Array ? "float32" : "float64", outer * inner);
    run(cur, dst, outer, red, inner);
    for (let d = p; d <= q; d++) dims[d] = 1;
    cur = dst;
  }
}

/**
 * out = sum of x over `axes` (sorted, distinct); out has the reduced size.
 * @example sumAxes(x, [2, 3], [1], out) // row sums
 */
export function sumAxes(x: Storage, shape: Shape, axes: readonly number[], out: Storage): void {
  reduce(sumRun, x, shape, axes, out);
}

/**
 * out = max of x over `axes` (sorted, distinct); NaN propagates; an empty reduction gives -Infinity.
 * @example maxAxes(x, [2, 3], [0], out) // column maxima
 */
export function maxAxes(x: Storage, shape: Shape, axes: readonly number[], out: Storage): void {
  reduce(maxRun, x, shape, axes, out);
}
