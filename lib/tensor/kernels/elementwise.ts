/**
 * Element-wise kernels: plain loops on typed arrays (replaceable by WebAssembly, issue 9). One small
 * function per operation so each loop stays monomorphic and fast.
 */
import type { Storage } from "../dtype.js";
import { wasmUnary, wasmUnaryPays } from "../../wasm/index.js";
import { broadcastStrides, type Shape } from "../shape.js";

/** out[i] = f(x[i]) for every i. */
export type UnaryKernel = (x: Storage, out: Storage) => void;

/**
 * One contiguous run of a binary op: out[o+i] = f(a[ai + i*as], b[bi + i*bs]), steps 0 or 1.
 * A step of 0 repeats a value: that is how broadcasting reaches the inner loop.
 */
export type BinaryKernel = (
  a: Storage,
  ai: number,
  as: number,
  b: Storage,
  bi: number,
  bs: number,
  out: Storage,
  o: number,
  n: number,
) => void;

/** Unary kernels by op name. @example unary.exp(x, out) */
export const unary = {
  neg(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = -x[i];
  },
  exp(x: Storage, out: Storage) {
    if (wasmUnaryPays(x.length)) return wasmUnary("exp", x, out);
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]);
  },
  log(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
  },
  log1p(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.log1p(x[i]);
  },
  sqrt(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]);
  },
  abs(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]);
  },
  sign(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.sign(x[i]);
  },
  sin(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.sin(x[i]);
  },
  cos(x: Storage, out: Storage) {
    for (let i = 0; i < x.length; i++) out[i] = Math.cos(x[i]);
  },
  tanh(x: Storage, out: Storage) {
    if (wasmUnaryPays(x.length)) return wasmUnary("tanh", x, out);
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]);
  },
  copy(x: Storage, out: Storage) {
    out.set(x);
  },
} satisfies Record<string, UnaryKernel>;

/** Binary kernels by op name (comparisons give 1 or 0). @example binary.add(a, 0, 1, b, 0, 0, out, 0, n) */
export const binary = {
  add(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] + b[bi];
  },
  sub(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] - b[bi];
  },
  mul(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] * b[bi];
  },
  div(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] / b[bi];
  },
  pow(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = Math.pow(a[ai], b[bi]);
  },
  maximum(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = Math.max(a[ai], b[bi]);
  },
  eq(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] === b[bi] ? 1 : 0;
  },
  ne(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] !== b[bi] ? 1 : 0;
  },
  lt(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] < b[bi] ? 1 : 0;
  },
  le(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] <= b[bi] ? 1 : 0;
  },
  gt(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] > b[bi] ? 1 : 0;
  },
  ge(
    a: Storage,
    ai: number,
    as: number,
    b: Storage,
    bi: number,
    bs: number,
    o: Storage,
    oi: number,
    n: number,
  ) {
    for (let i = 0; i < n; i++, ai += as, bi += bs) o[oi + i] = a[ai] >= b[bi] ? 1 : 0;
  },
} satisfies Record<string, BinaryKernel>;

/**
 * Runs a binary kernel over broadcast operands: the innermost dimension is one kernel call, outer
 * dimensions are walked with a counter (no recursion, no index arithmetic per element).
 * @example broadcastBinary(binary.add, a, [2, 3], b, [3], out, [2, 3])
 */
export function broadcastBinary(
  f: BinaryKernel,
  a: Storage,
  aShape: Shape,
  b: Storage,
  bShape: Shape,
  out: Storage,
  outShape: Shape,
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) return f(a, 0, 1, b, 0, 1, out, 0, n);
  if (b.length === 1 && a.length === n) return f(a, 0, 1, b, 0, 0, out, 0, n);
  if (a.length === 1 && b.length === n) return f(a, 0, 0, b, 0, 1, out, 0, n);
  const r = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[r - 1];
  const ia = sa[r - 1] === 0 ? 0 : 1;
  const ib = sb[r - 1] === 0 ? 0 : 1;
  const idx = new Array<number>(r).fill(0);
  let pa = 0;
  let pb = 0;
  for (let o = 0; o < n; o += inner) {
    f(a, pa, ia, b, pb, ib, out, o, inner);
    // advance the outer counter (dimensions r-2 .. 0)
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++;
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < outShape[d]) break;
      pa -= sa[d] * outShape[d];
      pb -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/**
 * Copies x (shape `shape`) broadcast into out (shape `outShape`).
 * @example broadcastTo(x, [3], out, [2, 3])
 */
export function broadcastTo(x: Storage, shape: Shape, out: Storage, outShape: Shape): void {
  const n = out.length;
  if (n === 0) return;
  if (x.length === 1) return void out.fill(x[0]);
  const r = outShape.length;
  const sx = broadcastStrides(shape, outShape);
  const inner = outShape[r - 1];
  const step = sx[r - 1] === 0 ? 0 : 1;
  const idx = new Array<number>(r).fill(0);
  let px = 0;
  for (let o = 0; o < n; o += inner) {
    if (step === 1) out.set(x.subarray(px, px + inner), o);
    else out.fill(x[px], o, o + inner);
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++;
      px += sx[d];
      if (idx[d] < outShape[d]) break;
      px -= sx[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/**
 * where: out[i] = cond[i] !== 0 ? a[i] : b[i], all three broadcast to outShape.
 * @example select(c, [3], a, [3], b, [], out, [3])
 */
export function select(
  c: Storage,
  cShape: Shape,
  a: Storage,
  aShape: Shape,
  b: Storage,
  bShape: Shape,
  out: Storage,
  outShape: Shape,
): void {
  const n = out.length;
  if (c.length === n && a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? a[i] : b[i];
    return;
  }
  const r = outShape.length;
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(r).fill(0);
  let pc = 0;
  let pa = 0;
  let pb = 0;
  for (let o = 0; o < n; o++) {
    out[o] = c[pc] !== 0 ? a[pa] : b[pb];
    for (let d = r - 1; d >= 0; d--) {
      idx[d]++;
      pc += sc[d];
      pa += sa[d];
      pb += sb[d];
      if (idx[d] < outShape[d]) break;
      pc -= sc[d] * outShape[d];
      pa -= sa[d] * outShape[d];
      pb -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}
