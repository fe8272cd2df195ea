/**
 * Reductions over axes. Params hold the axes (sorted, non-negative, of the primal) and keepdims; rules
 * shift the axes past any batch dims of the cotangent or tangent.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { maxAxes, sumAxes } from "../../tensor/kernels/reduce.js";
import { reducedShape, sizeOf } from "../../tensor/shape.js";
import * as ops from "../../tensor/ops.js";
import { definePrimitive } from "../primitive.js";

export interface ReduceParams {
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

/** ct of the reduced output, given back its reduced axes as size-1 dims (batch dims kept in front). */
function keepDims(ct: Tensor, x: Tensor, p: ReduceParams): Tensor {
  if (p.keepdims) return ct;
  const nb = ct.shape.length - (x.shape.length - p.axes.length);
  return ops.reshape(ct, [...ct.shape.slice(0, nb), ...reducedShape(x.shape, p.axes, true)]);
}

/** Σ over axes: ∂/∂x is all ones, so the cotangent is broadcast back over the reduced axes. @example sum(x, 0) */
export const sum = definePrimitive<ReduceParams>({
  name: "sum",
  forward: ([x], p) => {
    const shape = reducedShape(x.shape, p.axes, p.keepdims);
    const out = allocate(x.dtype, sizeOf(shape));
    sumAxes(x._data, x.shape, p.axes, out);
    return new Tensor(out, shape, x.dtype);
  },
  vjp: (ct, [x], _y, p) => {
    const g = keepDims(ct, x, p);
    const nb = g.shape.length - x.shape.length;
    return [ops.broadcastTo(g, [...g.shape.slice(0, nb), ...x.shape])];
  },
  jvp: ([x_dot], [x], _y, p) => {
    if (x_dot === null) return null;
    const nb = x_dot.shape.length - x.shape.length;
    return ops.sum(
      x_dot,
      p.axes.map((a) => a + nb),
      p.keepdims,
    );
  },
});

/** Weights of the arg-max entries: 1/count where x equals the max (ties share), 0 elsewhere. */
function argmaxWeights(x: Tensor, y: Tensor, p: ReduceParams): Tensor {
  const yk = p.keepdims ? y : ops.reshape(y, reducedShape(x.shape, p.axes, true));
  const mask = ops.eq(x, yk);
  return ops.div(mask, ops.sum(mask, p.axes, true));
}

/** max over axes: the gradient goes to the entries that attain the max (split evenly on ties). @example max(x, -1) */
export const max = definePrimitive<ReduceParams>({
  name: "max",
  forward: ([x], p) => {
    const shape = reducedShape(x.shape, p.axes, p.keepdims);
    const out = allocate(x.dtype, sizeOf(shape));
    maxAxes(x._data, x.shape, p.axes, out);
    return new Tensor(out, shape, x.dtype);
  },
  vjp: (ct, [x], y, p) => [ops.mul(keepDims(ct, x, p), argmaxWeights(x, y, p))],
  jvp: ([x_dot], [x], y, p) => {
    if (x_dot === null) return null;
    const nb = x_dot.shape.length - x.shape.length;
    return ops.sum(
      ops.mul(x_dot, argmaxWeights(x, y, p)),
      p.axes.map((a) => a + nb),
      p.keepdims,
    );
  },
});
