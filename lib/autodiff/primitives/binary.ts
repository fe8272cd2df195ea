/**
 * Element-wise binary primitives with NumPy broadcasting, comparisons, and `where`. In vjp rules the
 * product is summed back to each input's shape (`sumToShape`); in jvp rules tangents are lined up with the
 * output first (`align`), so extra batch dims never mix with data dims.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { binary, broadcastBinary, select, type BinaryKernel } from "../../tensor/kernels/elementwise.js";
import { broadcastShapes, sizeOf } from "../../tensor/shape.js";
import * as ops from "../../tensor/ops.js";
import { definePrimitive, type Primitive } from "../primitive.js";
import { addMaybe, align, sumToShape, toOut } from "../rules.js";

function kernelForward(name: string, k: BinaryKernel) {
  return (inputs: readonly Tensor[]): Tensor => {
    const a = inputs[0];
    const b = inputs[1];
    const shape = broadcastShapes(name, a.shape, b.shape);
    const out = allocate(a.dtype, sizeOf(shape));
    broadcastBinary(k, a._data, a.shape, b._data, b.shape, out, shape);
    return new Tensor(out, shape, a.dtype);
  };
}

/** a + b @example add(a, b) */
export const add = definePrimitive<void>({
  name: "add",
  forward: kernelForward("add", binary.add),
  vjp: (ct, [a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    return [w[0] ? sumToShape(ct, a.shape, nb) : null, w[1] ? sumToShape(ct, b.shape, nb) : null];
  },
  jvp: ([a_dot, b_dot], [a, b], y) => {
    if (a_dot !== null && b_dot !== null)
      return toOut(ops.add(align(a_dot, a.shape, y.shape), align(b_dot, b.shape, y.shape)), y.shape, y.shape);
    if (a_dot !== null) return toOut(a_dot, a.shape, y.shape);
    return b_dot === null ? null : toOut(b_dot, b.shape, y.shape);
  },
});

/** a − b @example sub(a, b) */
export const sub = definePrimitive<void>({
  name: "sub",
  forward: kernelForward("sub", binary.sub),
  vjp: (ct, [a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    return [w[0] ? sumToShape(ct, a.shape, nb) : null, w[1] ? sumToShape(ops.neg(ct), b.shape, nb) : null];
  },
  jvp: ([a_dot, b_dot], [a, b], y) => {
    if (a_dot !== null && b_dot !== null)
      return toOut(ops.sub(align(a_dot, a.shape, y.shape), align(b_dot, b.shape, y.shape)), y.shape, y.shape);
    if (a_dot !== null) return toOut(a_dot, a.shape, y.shape);
    return b_dot === null ? null : toOut(ops.neg(b_dot), b.shape, y.shape);
  },
});

/** a · b (element-wise) @example mul(a, b) */
export const mul = definePrimitive<void>({
  name: "mul",
  forward: kernelForward("mul", binary.mul),
  vjp: (ct, [a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    return [
      w[0] ? sumToShape(ops.mul(ct, b), a.shape, nb) : null,
      w[1] ? sumToShape(ops.mul(ct, a), b.shape, nb) : null,
    ];
  },
  jvp: ([a_dot, b_dot], [a, b], y) =>
    addMaybe(
      a_dot && ops.mul(align(a_dot, a.shape, y.shape), b),
      b_dot && ops.mul(a, align(b_dot, b.shape, y.shape)),
    ),
});

/** a / b:  ∂/∂a = 1/b,  ∂/∂b = −a/b² = −y/b @example div(a, b) */
export const div = definePrimitive<void>({
  name: "div",
  forward: kernelForward("div", binary.div),
  vjp: (ct, [a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    return [
      w[0] ? sumToShape(ops.div(ct, b), a.shape, nb) : null,
      w[1] ? sumToShape(ops.neg(ops.mul(ct, ops.div(y, b))), b.shape, nb) : null,
    ];
  },
  jvp: ([a_dot, b_dot], [a, b], y) =>
    addMaybe(
      a_dot && ops.div(align(a_dot, a.shape, y.shape), b),
      b_dot && ops.neg(ops.mul(align(b_dot, b.shape, y.shape), ops.div(y, b))),
    ),
});

/** ln a with ln 0 replaced by 0: the factor of ∂(a^b)/∂b, which is 0 where a = 0 (and y = 0). */
function safeLog(a: Tensor): Tensor {
  return ops.log(ops.where(ops.eq(a, 0), 1, a));
}

/** a^b:  ∂/∂a = b·a^(b−1),  ∂/∂b = y·ln a @example pow(a, 2) */
export const pow = definePrimitive<void>({
  name: "pow",
  forward: kernelForward("pow", binary.pow),
  vjp: (ct, [a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    return [
      w[0] ? sumToShape(ops.mul(ct, ops.mul(b, ops.pow(a, ops.sub(b, 1)))), a.shape, nb) : null,
      w[1] ? sumToShape(ops.mul(ct, ops.mul(y, safeLog(a))), b.shape, nb) : null,
    ];
  },
  jvp: ([a_dot, b_dot], [a, b], y) =>
    addMaybe(
      a_dot && ops.mul(align(a_dot, a.shape, y.shape), ops.mul(b, ops.pow(a, ops.sub(b, 1)))),
      b_dot && ops.mul(align(b_dot, b.shape, y.shape), ops.mul(y, safeLog(a))),
    ),
});

/** Where a = b the gradient is split evenly (as JAX does): a subgradient, and symmetric. */
function maxShare(a: Tensor, b: Tensor): Tensor {
  return ops.add(ops.gt(a, b), ops.mul(ops.eq(a, b), 0.5));
}

/** max(a, b) element-wise @example maximum(x, 0) */
export const maximum = definePrimitive<void>({
  name: "maximum",
  forward: kernelForward("maximum", binary.maximum),
  vjp: (ct, [a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    const s = maxShare(a, b);
    return [
      w[0] ? sumToShape(ops.mul(ct, s), a.shape, nb) : null,
      w[1] ? sumToShape(ops.mul(ct, ops.sub(1, s)), b.shape, nb) : null,
    ];
  },
  jvp: ([a_dot, b_dot], [a, b], y) => {
    const s = maxShare(a, b);
    const t = addMaybe(
      a_dot && ops.mul(align(a_dot, a.shape, y.shape), s),
      b_dot && ops.mul(align(b_dot, b.shape, y.shape), ops.sub(1, s)),
    );
    return t && toOut(t, y.shape, y.shape);
  },
});

function comparison(name: string, k: BinaryKernel): Primitive<void> {
  return definePrimitive<void>({
    name,
    forward: kernelForward(name, k),
    vjp: () => [null, null],
    jvp: () => null,
  });
}

/** a = b → 1, else 0 (no gradient) @example eq(a, b) */
export const eq = comparison("eq", binary.eq);
/** a ≠ b → 1, else 0 @example ne(a, b) */
export const ne = comparison("ne", binary.ne);
/** a < b → 1, else 0 @example lt(a, b) */
export const lt = comparison("lt", binary.lt);
/** a ≤ b → 1, else 0 @example le(a, b) */
export const le = comparison("le", binary.le);
/** a > b → 1, else 0 @example gt(a, b) */
export const gt = comparison("gt", binary.gt);
/** a ≥ b → 1, else 0 @example ge(a, b) */
export const ge = comparison("ge", binary.ge);

/** where(c, a, b): a where c ≠ 0, else b. The condition gets no gradient. @example where(c, a, b) */
export const where = definePrimitive<void>({
  name: "where",
  forward: ([c, a, b]) => {
    const shape = broadcastShapes("where", broadcastShapes("where", c.shape, a.shape), b.shape);
    const out = allocate(a.dtype, sizeOf(shape));
    select(c._data, c.shape, a._data, a.shape, b._data, b.shape, out, shape);
    return new Tensor(out, shape, a.dtype);
  },
  vjp: (ct, [c, a, b], y, _p, w) => {
    const nb = ct.shape.length - y.shape.length;
    return [
      null,
      w[1] ? sumToShape(ops.where(c, ct, 0), a.shape, nb) : null,
      w[2] ? sumToShape(ops.where(c, 0, ct), b.shape, nb) : null,
    ];
  },
  jvp: ([, a_dot, b_dot], [c, a, b], y) => {
    if (a_dot === null && b_dot === null) return null;
    const ta = a_dot === null ? 0 : align(a_dot, a.shape, y.shape);
    const tb = b_dot === null ? 0 : align(b_dot, b.shape, y.shape);
    const t = ops.where(c, ta, tb);
    return toOut(t, t.shape.slice(t.shape.length - y.shape.length), y.shape);
  },
});
