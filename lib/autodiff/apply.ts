/**
 * The single place where a primitive runs: forward-mode levels first (JAX style), then the tape.
 *
 * Forward mode: if some input is a dual, take the highest level L among the inputs, split every input
 * into (primal, tangent) at L (inputs without a tangent at L get a zero tangent), run the primitive on the
 * primals (recursively: lower levels are handled there) and its jvp rule on the tangents, and wrap both
 * as a dual at L. Because the highest level is always peeled first and levels only grow with nesting, a
 * tangent of an inner jvp never mixes with an outer one (no perturbation confusion).
 *
 * Reverse mode: if recording is on and an input requires grad, the output gets a tape node.
 */
import { Tensor } from "../tensor/tensor.js";
import type { Primitive } from "./primitive.js";
import { autodiffState } from "./state.js";

/**
 * Applies a primitive to tensors with autodiff bookkeeping.
 * @example apply(prims.exp, [x], undefined)
 */
export function apply<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
  let level = 0;
  for (let i = 0; i < inputs.length; i++) {
    const fw = inputs[i]._fw;
    if (fw !== null && fw.level > level) level = fw.level;
  }
  const out = level === 0 ? prim.forward(inputs, params) : applyDual(prim, inputs, params, level);
  if (autodiffState.gradEnabled) {
    for (let i = 0; i < inputs.length; i++)
      if (inputs[i].requiresGrad) {
        out.node = { prim, inputs, params, scope: autodiffState.scope };
        out.requiresGrad = true;
        break;
      }
  }
  return out;
}

function applyDual<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P, level: number): Tensor {
  const primals = new Array<Tensor>(inputs.length);
  const tangents = new Array<Tensor | null>(inputs.length);
  let any = false;
  for (let i = 0; i < inputs.length; i++) {
    const fw = inputs[i]._fw;
    if (fw !== null && fw.level === level) {
      primals[i] = fw.primal;
      tangents[i] = fw.tangent;
      any = true;
    } else {
      primals[i] = inputs[i];
      tangents[i] = null;
    }
  }
  const p = apply(prim, primals, params);
  const t = any ? prim.jvp(tangents, primals, p, params) : null;
  if (
    autodiffState.diagnoseTangents &&
    t !== null &&
    !allFinite(t) &&
    allFinite(p) &&
    tangents.every((d) => d === null || allFinite(d))
  )
    throw new RangeError(
      `jvp: ${prim.name} gave a non-finite tangent from finite inputs: ${prim.name} is not differentiable at that point`,
    );
  return makeDual(level, p, t);
}

/** No NaN or ±∞ in t. */
export function allFinite(t: Tensor): boolean {
  const d = t._data;
  for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return false;
  return true;
}

/**
 * A new tensor with the primal's values and, at `level`, the given tangent; the primal itself when the
 * tangent is null (a symbolic zero: nothing to carry).
 * @example makeDual(3, x, ones([n, ...x.shape]))
 */
export function makeDual(level: number, primal: Tensor, tangent: Tensor | null): Tensor {
  if (tangent === null) return primal;
  const d = new Tensor(primal._data, primal.shape, primal.dtype);
  d._fw = { level, primal, tangent };
  return d;
}
