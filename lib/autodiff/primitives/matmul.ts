/**
 * Batched matrix product C = op(A) @ op(B) on tensors of rank ≥ 2, where op transposes the last two axes
 * when the flag `ta`/`tb` is set (so backward passes need no transpose copies). Leading axes broadcast
 * (NumPy). Vector cases are reshapes around this primitive (see `matmul` in lib/tensor/ops.ts).
 *
 *   vjp:  Ā = C̄ · op(B)ᵀ,  B̄ = op(A)ᵀ · C̄      (then un-transposed and summed to the input shapes)
 *   jvp:  Ċ = op(Ȧ) · op(B) + op(A) · op(Ḃ)
 *
 * A cotangent C̄ with extra leading batch dims just broadcasts through the batched product.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { matmul as matmulKernel, matmulBatched } from "../../tensor/kernels/matmul.js";
import { broadcastShapes, formatShape, sizeOf, stridesOf } from "../../tensor/shape.js";
import * as ops from "../../tensor/ops.js";
import { definePrimitive } from "../primitive.js";
import { addMaybe, align, sumToShape } from "../rules.js";

export interface MatmulParams {
  /** A is used transposed (last two axes). */
  readonly ta: boolean;
  /** B is used transposed (last two axes). */
  readonly tb: boolean;
}

/** m, k, n and the broadcast batch shape of op(A) @ op(B), or a clear error. @example matmulDims([2, 3], [3, 4], { ta: false, tb: false }) */
export function matmulDims(a: readonly number[], b: readonly number[], p: MatmulParams) {
  const ra = a.length;
  const rb = b.length;
  const m = p.ta ? a[ra - 1] : a[ra - 2];
  const k = p.ta ? a[ra - 2] : a[ra - 1];
  const k2 = p.tb ? b[rb - 1] : b[rb - 2];
  const n = p.tb ? b[rb - 2] : b[rb - 1];
  if (k !== k2)
    throw new RangeError(`matmul: ${showShapes(a, b, p)}: inner dimensions ${k} and ${k2} differ`);
  if (ra === 2 && rb === 2) return { m, k, n, batchShape: [] as number[] };
  let batchShape: number[];
  try {
    batchShape = broadcastShapes("matmul", a.slice(0, ra - 2), b.slice(0, rb - 2));
  } catch {
    throw new RangeError(`matmul: ${showShapes(a, b, p)}: batch dimensions do not broadcast`);
  }
  return { m, k, n, batchShape };
}

function showShapes(a: readonly number[], b: readonly number[], p: MatmulParams): string {
  return `${formatShape(a)}${p.ta ? "ᵀ" : ""} @ ${formatShape(b)}${p.tb ? "ᵀ" : ""}`;
}

/** Block index of each output batch entry in a (broadcast) batch of matrices. */
function blockIndex(shape: readonly number[], batchShape: readonly number[]): Int32Array {
  const count = sizeOf(batchShape);
  const own = shape.slice(0, shape.length - 2);
  const idx = new Int32Array(count);
  if (sizeOf(own) === 1) return idx;
  const st = stridesOf(own);
  const off = batchShape.length - own.length;
  const bst = stridesOf(batchShape);
  for (let t = 0; t < count; t++) {
    let r = t;
    let j = 0;
    for (let d = 0; d < batchShape.length; d++) {
      const i = Math.floor(r / bst[d]);
      r -= i * bst[d];
      const od = d - off;
      if (od >= 0 && own[od] !== 1) j += i * st[od];
    }
    idx[t] = j;
  }
  return idx;
}

/** The matmul primitive (see the header). @example matmul(A, B) // applies it */
export const matmul = definePrimitive<MatmulParams>({
  name: "matmul",
  forward: ([a, b], p) => {
    const { m, k, n, batchShape } = matmulDims(a.shape, b.shape, p);
    const shape = batchShape.length === 0 ? [m, n] : [...batchShape, m, n];
    const out = allocate(a.dtype, sizeOf(shape));
    const T = sizeOf(batchShape);
    const aShared = a.shape.length === 2;
    const bShared = b.shape.length === 2;
    if (batchShape.length === 0) matmulKernel(a._data, b._data, out, m, k, n, p.ta, p.tb);
    else if (bShared && !p.ta)
      // every A block times the same B: one product [T·m, k] @ op(B)
      matmulKernel(a._data, b._data, out, T * m, k, n, false, p.tb);
    else if (aShared && n === 1)
      // the same A times T column vectors: [T, k] @ op(A)ᵀ gives the T results as rows
      matmulKernel(b._data, a._data, out, T, k, m, false, !p.ta);
    else
      matmulBatched(
        a._data,
        b._data,
        out,
        blockIndex(a.shape, batchShape),
        blockIndex(b.shape, batchShape),
        m,
        k,
        n,
        p.ta,
        p.tb,
      );
    return new Tensor(out, shape, a.dtype);
  },
  vjp: (ct, [a, b], y, p, wants) => {
    const nb = ct.shape.length - y.shape.length;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (wants[0]) ga = p.ta ? ops.matmulT(b, ct, p.tb, true) : ops.matmulT(ct, b, false, !p.tb);
    if (wants[1]) gb = p.tb ? ops.matmulT(ct, a, true, p.ta) : ops.matmulT(a, ct, !p.ta, false);
    return [ga && sumToShape(ga, a.shape, nb), gb && sumToShape(gb, b.shape, nb)];
  },
  jvp: ([a_dot, b_dot], [a, b], y, p) =>
    addMaybe(
      a_dot && ops.matmulT(align(a_dot, a.shape, y.shape), b, p.ta, p.tb),
      b_dot && ops.matmulT(a, align(b_dot, b.shape, y.shape), p.ta, p.tb),
    ),
});
