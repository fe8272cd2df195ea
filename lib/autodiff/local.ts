/**
 * One node of the tape, seen on its own: what a graph picture or a backprop stepper shows. The chain rule
 * at a node: the upstream gradient `ct` arrives, meets the node's local Jacobian, and leaves as the
 * product (one product per input).
 */
import type { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { eye } from "../tensor/create.js";
import { formatShape } from "../tensor/shape.js";
import { withGradMode } from "./state.js";

/**
 * The tensors a tensor was computed from (empty for a leaf).
 * @example parentsOf(a.add(b)) // [a, b]
 */
export function parentsOf(t: Tensor): readonly Tensor[] {
  return t.node === null ? [] : t.node.inputs;
}

/**
 * The primitive's name that produced t ("add", "matmul", ...), or null for a leaf.
 * @example opOf(x.tanh()) // "tanh"
 */
export function opOf(t: Tensor): string | null {
  return t.node === null ? null : t.node.prim.name;
}

/**
 * The product leaving node t for each input: ct · ∂t/∂inputs[i] (null where the input needs none, e.g.
 * the condition of `where`). `ct` has t's shape (or extra leading batch dims).
 * @example pullbackNode(y, onesLike(y)) // [grad wrt first input, grad wrt second input]
 */
export function pullbackNode(t: Tensor, ct: Tensor): (Tensor | null)[] {
  const node = t.node;
  if (node === null) throw new Error("pullbackNode: t is a leaf (it has no node)");
  const tail = ct.shape.slice(ct.shape.length - t.shape.length);
  if (ct.shape.length < t.shape.length || formatShape(tail) !== formatShape(t.shape))
    throw new RangeError(
      `pullbackNode: ct has shape ${formatShape(ct.shape)}, t has ${formatShape(t.shape)}`,
    );
  return withGradMode(false, () =>
    node.prim.vjp(
      ct,
      node.inputs,
      t,
      node.params,
      node.inputs.map(() => true),
    ),
  );
}

/**
 * The local Jacobian ∂t/∂inputs[i] of one node, shape [...t.shape, ...inputs[i].shape], computed by
 * pulling back the identity basis through the node's own vjp rule (one batched call). null if the input
 * gets no gradient (a comparison, a condition).
 * @example localJacobian(x.tanh(), 0) // diag(1 − tanh²x)
 */
export function localJacobian(t: Tensor, i: number): Tensor | null {
  const node = t.node;
  if (node === null) throw new Error("localJacobian: t is a leaf (it has no node)");
  const x = node.inputs[i];
  if (x === undefined) throw new RangeError(`localJacobian: node ${node.prim.name} has no input ${i}`);
  const m = t.size;
  const basis = ops.reshape(eye(m, { dtype: t.dtype }), [m, ...t.shape]);
  const g = pullbackNode(t, basis)[i];
  return g === null ? null : ops.reshape(g, [...t.shape, ...x.shape]);
}

/**
 * Clears `.grad` of tensors and of the parameters of modules (anything with `parameters()`).
 * @example zeroGrad(model, extraTensor)
 */
export function zeroGrad(...items: (Tensor | { parameters(): Tensor[] })[]): void {
  for (const it of items) {
    if ("parameters" in it && typeof it.parameters === "function")
      for (const p of it.parameters()) p.grad = null;
    else (it as Tensor).grad = null;
  }
}
