/**
 * Small helpers shared by the derivative rules. They make rules batch-polymorphic: a cotangent or tangent
 * has shape [...batch, ...shape], so these measure shapes from the right and keep the batch dims.
 */
import type { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { sameShape, type Shape } from "../tensor/shape.js";

/** The leading batch dims of g relative to a tensor of rank `rank`. */
export function batchOf(g: Tensor, rank: number): number[] {
  return g.shape.slice(0, g.shape.length - rank) as number[];
}

/**
 * Sums a broadcast result g ([...batch, ...broadcastShape]) back to [...batch, ...shape]: the inverse of
 * broadcasting, which every binary op's vjp needs.
 */
export function sumToShape(g: Tensor, shape: Shape, nb: number): Tensor {
  const gs = g.shape;
  const rg = gs.length - nb;
  if (rg === shape.length) {
    let same = true;
    for (let i = 0; i < rg; i++) if (gs[nb + i] !== shape[i]) same = false;
    if (same) return g;
  }
  const batch = gs.slice(0, nb);
  const target = [...batch, ...shape];
  const lead = rg - shape.length;
  if (lead < 0) return ops.broadcastTo(alignRank(g, nb, shape.length), target);
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(nb + i);
  for (let i = 0; i < shape.length; i++)
    if (shape[i] === 1 && gs[nb + lead + i] !== 1) axes.push(nb + lead + i);
  const s = axes.length > 0 ? ops.sum(g, axes, true) : g;
  return ops.reshape(s, target);
}

/** Inserts unit dims after the batch dims so that t's non-batch part has rank `rank`. */
function alignRank(t: Tensor, nb: number, rank: number): Tensor {
  const extra = rank - (t.shape.length - nb);
  if (extra <= 0) return t;
  return ops.reshape(t, [...t.shape.slice(0, nb), ...new Array<number>(extra).fill(1), ...t.shape.slice(nb)]);
}

/**
 * A tangent of an input (shape [...batch, ...inShape]) lined up with the output's rank so that it
 * broadcasts against primal tensors without mixing batch dims into data dims.
 */
export function align(t: Tensor, inShape: Shape, outShape: Shape): Tensor {
  return alignRank(t, t.shape.length - inShape.length, outShape.length);
}

/** A tangent (aligned or not) broadcast to exactly [...batch, ...outShape]. */
export function toOut(t: Tensor, inShape: Shape, outShape: Shape): Tensor {
  const nb = t.shape.length - inShape.length;
  if (nb === 0 && sameShape(t.shape, outShape)) return t;
  const a = alignRank(t, nb, outShape.length);
  const target = [...t.shape.slice(0, nb), ...outShape];
  return sameShape(a.shape, target) ? a : ops.broadcastTo(a, target);
}

/** a + b where null means zero. */
export function addMaybe(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return ops.add(a, b);
}

/** [0, 1, ..., nb-1, ...axes + nb]: a permutation or axis list shifted past nb batch dims. */
export function shiftAxes(axes: readonly number[], nb: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < nb; i++) out.push(i);
  for (const a of axes) out.push(a + nb);
  return out;
}
