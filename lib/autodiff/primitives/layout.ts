/**
 * Primitives that move data without arithmetic: reshape, transpose, broadcastTo, slice and its inverse
 * pad, concat, cast. Their rules are the inverse movement of the cotangent (vjp) or the same movement of
 * the tangent (jvp), extended over leading batch dims.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocate, type DType } from "../../tensor/dtype.js";
import * as layout from "../../tensor/kernels/layout.js";
import { broadcastTo as broadcastKernel } from "../../tensor/kernels/elementwise.js";
import { sizeOf, type Shape } from "../../tensor/shape.js";
import * as ops from "../../tensor/ops.js";
import { definePrimitive } from "../primitive.js";
import { shiftAxes, sumToShape, toOut } from "../rules.js";

const nbOf = (g: Tensor, rank: number) => g.shape.length - rank;
const batch = (g: Tensor, rank: number) => g.shape.slice(0, g.shape.length - rank);

/** Same values, new shape (storage is shared: tensors are immutable). @example reshape(x, [2, 3]) */
export const reshape = definePrimitive<{ readonly shape: Shape }>({
  name: "reshape",
  forward: ([x], p) => new Tensor(x._data, p.shape, x.dtype),
  vjp: (ct, [x], y) => [ops.reshape(ct, [...batch(ct, y.shape.length), ...x.shape])],
  jvp: ([x_dot], [x], _y, p) => x_dot && ops.reshape(x_dot, [...batch(x_dot, x.shape.length), ...p.shape]),
});

/** Output axis d is input axis perm[d]. @example transpose(x, [1, 0]) */
export const transpose = definePrimitive<{ readonly perm: readonly number[] }>({
  name: "transpose",
  forward: ([x], p) => {
    const out = allocate(x.dtype, x.size);
    layout.transpose(x._data, x.shape, p.perm, out);
    return new Tensor(
      out,
      p.perm.map((a) => x.shape[a]),
      x.dtype,
    );
  },
  vjp: (ct, [x], _y, p) => {
    const inv = new Array<number>(p.perm.length);
    p.perm.forEach((a, d) => (inv[a] = d));
    return [ops.transpose(ct, shiftAxes(inv, nbOf(ct, x.shape.length)))];
  },
  jvp: ([x_dot], [x], _y, p) => x_dot && ops.transpose(x_dot, shiftAxes(p.perm, nbOf(x_dot, x.shape.length))),
});

/** Broadcast to a larger shape (NumPy rules); the vjp sums the copies back. @example broadcastTo(x, [4, 3]) */
export const broadcastTo = definePrimitive<{ readonly shape: Shape }>({
  name: "broadcastTo",
  forward: ([x], p) => {
    const out = allocate(x.dtype, sizeOf(p.shape));
    broadcastKernel(x._data, x.shape, out, p.shape);
    return new Tensor(out, p.shape, x.dtype);
  },
  vjp: (ct, [x], y) => [sumToShape(ct, x.shape, nbOf(ct, y.shape.length))],
  jvp: ([x_dot], [x], _y, p) => x_dot && toOut(x_dot, x.shape, p.shape),
});

export interface SliceParams {
  /** First index per axis. */
  readonly starts: readonly number[];
  /** Step per axis (≥ 1). */
  readonly steps: readonly number[];
  /** Number of elements taken per axis: the output shape. */
  readonly sizes: readonly number[];
}

function batchSlice(p: SliceParams, b: readonly number[]): SliceParams {
  return {
    starts: [...b.map(() => 0), ...p.starts],
    steps: [...b.map(() => 1), ...p.steps],
    sizes: [...b, ...p.sizes],
  };
}

/** Strided slice x[start : start+size*step : step] per axis. Its vjp is `pad`. @example slice(x, null, [0, 2]) */
export const slice = definePrimitive<SliceParams>({
  name: "slice",
  forward: ([x], p) => {
    const out = allocate(x.dtype, sizeOf(p.sizes));
    layout.slice(x._data, x.shape, p.starts, p.steps, out, p.sizes);
    return new Tensor(out, p.sizes, x.dtype);
  },
  vjp: (ct, [x], y, p) => {
    const b = batch(ct, y.shape.length);
    return [ops.pad(ct, batchSlice(p, b), [...b, ...x.shape])];
  },
  jvp: ([x_dot], [x], _y, p) => x_dot && ops.sliceRaw(x_dot, batchSlice(p, batch(x_dot, x.shape.length))),
});

/** The inverse of slice: a zero tensor of `shape` with x written at the sliced positions. @example the vjp of slice */
export const pad = definePrimitive<SliceParams & { readonly shape: Shape }>({
  name: "pad",
  forward: ([x], p) => {
    const out = allocate(x.dtype, sizeOf(p.shape));
    layout.pad(x._data, x.shape, p.starts, p.steps, out, p.shape);
    return new Tensor(out, p.shape, x.dtype);
  },
  vjp: (ct, _x, y, p) => [ops.sliceRaw(ct, batchSlice(p, batch(ct, y.shape.length)))],
  jvp: ([x_dot], [x], _y, p) => {
    if (x_dot === null) return null;
    const b = batch(x_dot, x.shape.length);
    return ops.pad(x_dot, batchSlice(p, b), [...b, ...p.shape]);
  },
});

/** Joins tensors along an axis; the vjp slices the cotangent back into pieces. @example concat([a, b], 0) */
export const concat = definePrimitive<{ readonly axis: number }>({
  name: "concat",
  forward: (xs, p) => {
    const shape = xs[0].shape.slice();
    shape[p.axis] = xs.reduce((s, x) => s + x.shape[p.axis], 0);
    const out = allocate(xs[0].dtype, sizeOf(shape));
    layout.concat(
      xs.map((x) => x._data),
      xs.map((x) => x.shape),
      p.axis,
      out,
    );
    return new Tensor(out, shape, xs[0].dtype);
  },
  vjp: (ct, xs, y, p, wants) => {
    const b = batch(ct, y.shape.length);
    let off = 0;
    return xs.map((x, i) => {
      const start = off;
      off += x.shape[p.axis];
      if (!wants[i]) return null;
      const starts = x.shape.map((_, d) => (d === p.axis ? start : 0));
      return ops.sliceRaw(ct, batchSlice({ starts, steps: x.shape.map(() => 1), sizes: x.shape }, b));
    });
  },
  jvp: (dots, xs, _y, p) => {
    const some = dots.find((d) => d !== null);
    if (!some) return null;
    const i0 = dots.indexOf(some);
    const b = batch(some, xs[i0].shape.length);
    const parts = dots.map((d, i) => d ?? ops.zerosOf([...b, ...xs[i].shape], xs[i].dtype));
    return ops.concat(parts, p.axis + b.length);
  },
});

/** Converts between float64 and float32. @example x.astype("float32") */
export const cast = definePrimitive<{ readonly dtype: DType }>({
  name: "cast",
  forward: ([x], p) => {
    const out = allocate(p.dtype, x.size);
    out.set(x._data);
    return new Tensor(out, x.shape, p.dtype);
  },
  vjp: (ct, [x]) => [ops.cast(ct, x.dtype)],
  jvp: ([x_dot], _x, _y, p) => x_dot && ops.cast(x_dot, p.dtype),
});
