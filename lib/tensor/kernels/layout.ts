/**
 * Data movement: transpose, strided slice, its inverse (pad into zeros) and concatenation. Plain loops
 * with an index counter (no recursion).
 */
import type { Storage } from "../dtype.js";
import { stridesOf, type Shape } from "../shape.js";

/**
 * out = x with axes permuted: out axis d is x axis perm[d].
 * @example transpose(x, [2, 3], [1, 0], out)
 */
export function transpose(x: Storage, shape: Shape, perm: readonly number[], out: Storage): void {
  const r = shape.length;
  if (r === 2 && perm[0] === 1) {
    const m = shape[0];
    const n = shape[1];
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = x[i * n + j];
    return;
  }
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => xs[p]);
  walk(outShape, st, (o, p) => (out[o] = x[p]));
}

/**
 * out = x[starts[d] : … : steps[d]] with out's shape `outShape` (steps ≥ 1).
 * @example slice(x, [4], [1], [2], out, [2]) // x[1], x[3]
 */
export function slice(
  x: Storage,
  shape: Shape,
  starts: readonly number[],
  steps: readonly number[],
  out: Storage,
  outShape: Shape,
): void {
  const xs = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += starts[d] * xs[d];
  const st = xs.map((s, d) => s * steps[d]);
  walk(outShape, st, (o, p) => (out[o] = x[base + p]), 0);
}

/**
 * The inverse of slice: out (zero-filled, shape `shape`) receives x at the sliced positions.
 * @example pad(g, [2], [1], [2], out, [4])
 */
export function pad(
  x: Storage,
  xShape: Shape,
  starts: readonly number[],
  steps: readonly number[],
  out: Storage,
  shape: Shape,
): void {
  const os = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += starts[d] * os[d];
  const st = os.map((s, d) => s * steps[d]);
  walk(xShape, st, (i, p) => (out[base + p] = x[i]), 0);
}

/**
 * Concatenates blocks along `axis`: each part i has shapes[i], all equal except on `axis`.
 * @example concat([a, b], [[2, 1], [2, 2]], 1, out)
 */
export function concat(
  parts: readonly Storage[],
  shapes: readonly Shape[],
  axis: number,
  out: Storage,
): void {
  const s0 = shapes[0];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= s0[d];
  let inner = 1;
  for (let d = axis + 1; d < s0.length; d++) inner *= s0[d];
  const chunks = shapes.map((s) => s[axis] * inner);
  const row = chunks.reduce((x, y) => x + y, 0);
  for (let i = 0; i < parts.length; i++) {
    const c = chunks[i];
    let off = 0;
    for (let j = 0; j < i; j++) off += chunks[j];
    const src = parts[i];
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * c, o * c + c), o * row + off);
  }
}

/** Visits the elements of `shape` in row-major order: f(sequential index, Σ idx[d]*strides[d]). */
function walk(shape: Shape, strides: readonly number[], f: (i: number, p: number) => void, _base = 0): void {
  const r = shape.length;
  let n = 1;
  for (let d = 0; d < r; d++) n *= shape[d];
  if (n === 0) return;
  const idx = new Array<number>(r).fill(0);
  let p = 0;
  for (let i = 0; i < n; i++) {
    f(i, p);
    for (let d = r - 1; d >= 0; d--) {
      idx[d]++;
      p += strides[d];
      if (idx[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
