/**
 * Element-wise unary primitives. Each record: forward (a kernel), vjp (ct ↦ ct·f'(x)), jvp (x_dot ↦
 * f'(x)·x_dot), with f' written in differentiable ops so higher derivatives come for free.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { unary, type UnaryKernel } from "../../tensor/kernels/elementwise.js";
import * as ops from "../../tensor/ops.js";
import { definePrimitive, type Primitive } from "../primitive.js";

function kernelForward(k: UnaryKernel) {
  return (inputs: readonly Tensor[]): Tensor => {
    const x = inputs[0];
    const out = allocate(x.dtype, x.size);
    k(x._data, out);
    return new Tensor(out, x.shape, x.dtype);
  };
}

/** A unary primitive from its kernel and its derivative as a product: d(x, y, g) = g·f'(x). */
function elementwise(
  name: string,
  k: UnaryKernel,
  times: (x: Tensor, y: Tensor, g: Tensor) => Tensor,
): Primitive<void> {
  return definePrimitive<void>({
    name,
    forward: kernelForward(k),
    vjp: (ct, [x], y) => [times(x, y, ct)],
    jvp: ([x_dot], [x], y) => (x_dot === null ? null : times(x, y, x_dot)),
  });
}

/** −x @example neg(x) */
export const neg = elementwise("neg", unary.neg, (_x, _y, g) => ops.neg(g));
/** eˣ: d/dx = eˣ = y @example exp(x) */
export const exp = elementwise("exp", unary.exp, (_x, y, g) => ops.mul(g, y));
/** ln x: d/dx = 1/x @example log(x) */
export const log = elementwise("log", unary.log, (x, _y, g) => ops.div(g, x));
/** ln(1+x): d/dx = 1/(1+x) @example log1p(x) */
export const log1p = elementwise("log1p", unary.log1p, (x, _y, g) => ops.div(g, ops.add(x, 1)));
/** √x: d/dx = 1/(2√x) (infinite at 0: backward reports it) @example sqrt(x) */
export const sqrt = elementwise("sqrt", unary.sqrt, (_x, y, g) => ops.div(g, ops.mul(y, 2)));
/** |x|: d/dx = sign(x) (0 at 0) @example abs(x) */
export const abs = elementwise("abs", unary.abs, (x, _y, g) => ops.mul(g, ops.sign(x)));
/** sin x: d/dx = cos x @example sin(x) */
export const sin = elementwise("sin", unary.sin, (x, _y, g) => ops.mul(g, ops.cos(x)));
/** cos x: d/dx = −sin x @example cos(x) */
export const cos = elementwise("cos", unary.cos, (x, _y, g) => ops.neg(ops.mul(g, ops.sin(x))));
/** tanh x: d/dx = 1 − tanh²x = 1 − y² @example tanh(x) */
export const tanh = elementwise("tanh", unary.tanh, (_x, y, g) => ops.mul(g, ops.sub(1, ops.mul(y, y))));

/** sign x ∈ {−1, 0, 1}: piecewise constant, so no gradient flows. @example sign(x) */
export const sign = definePrimitive<void>({
  name: "sign",
  forward: kernelForward(unary.sign),
  vjp: () => [null],
  jvp: () => null,
});

/** Identity (shares storage): marks a fresh variable for grad/jacobian without touching the caller's tensor. @example grad(f)(x) wraps x in one */
export const identity = definePrimitive<void>({
  name: "identity",
  forward: ([x]) => new Tensor(x._data, x.shape, x.dtype),
  vjp: (ct) => [ct],
  jvp: ([x_dot]) => x_dot,
});
