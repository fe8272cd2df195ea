/**
 * A primitive is one record: its name, its forward computation on values, and its two derivative rules.
 *
 * HOW THE TAPE LOOKS (for readers, and for `trace`/`stepper` code that walks it)
 * -------------------------------------------------------------------------------
 * Every tensor produced by a primitive while recording is on (some input has `requiresGrad`) carries
 *   `t.node = { prim, inputs, params, scope }`
 *   - `prim.name`   the primitive's name: "add", "matmul", "tanh", "sum", "reshape", ...
 *   - `inputs`      the input tensors, in order (the tape's edges point from `t` to them)
 *   - `params`      plain data fixed at call time (axes, keepdims, shapes, permutation, transpose flags)
 *   - `scope`       the composite op it was made inside ("sigmoid", "crossEntropy/logSoftmax") or null,
 *                   so a picture can draw a composite as one box (its primitives share the scope)
 * Leaves (tensors made by `tensor(...)`, parameters) have `node === null`. `parentsOf(t)` returns the
 * inputs. Names: `tensor(.., { name: "W1" })` or `.named("W1")` set `t.name`.
 *
 * THE CHAIN RULE AT ONE NODE
 * --------------------------
 * The upstream gradient `ct` (cotangent, shape of `t`) arrives at the node, meets its local Jacobian and
 * leaves as the product:  ct_i = ct · ∂t/∂inputs[i]  =  prim.vjp(ct, inputs, t, params, wants)[i].
 * `pullbackNode(t, ct)` does exactly that; `localJacobian(t, i)` returns ∂t/∂inputs[i] as a matrix-shaped
 * tensor [...t.shape, ...inputs[i].shape] (both in lib/autodiff/local.ts). After `y.backward()`, every
 * tensor of the graph (leaves AND intermediates, as in micrograd) holds in `.grad` the total upstream
 * gradient that reached it, i.e. the sum of the products sent by its consumers.
 *
 * Adding a primitive: write one record here-style (forward from a kernel, vjp, jvp with differentiable
 * ops and batch-polymorphic shapes), export it from primitives/index.ts, and give it an op function in
 * lib/tensor/ops.ts and a row in test/lib/ops.test.ts. Composites need only the op function.
 *
 * RULES ARE BATCH-POLYMORPHIC
 * ---------------------------
 * A cotangent may carry extra leading batch dimensions: shape [...batch, ...t.shape]; a tangent likewise
 * [...batch, ...x.shape]. Rules only use broadcasting, negative axes and shapes measured from the right,
 * so `jacrev` pulls back all m basis cotangents (eye(m)) in ONE backward pass and `jacfwd` pushes all n
 * basis tangents in ONE forward pass. Rules are written with differentiable ops, so every rule can itself
 * be differentiated (grad of grad, Hessians).
 */
import type { Tensor } from "../tensor/tensor.js";

export interface Primitive<P = unknown> {
  /** Name from the math, shown in graphs and errors. */
  readonly name: string;
  /** Values only: a fresh tensor computed from the inputs' data. No autodiff happens here. */
  forward(inputs: readonly Tensor[], params: P): Tensor;
  /**
   * Reverse mode: the output's cotangent → one cotangent per input (null: zero, or not wanted).
   * `wants[i]` says whether input i needs one (skip the work otherwise).
   */
  vjp(
    ct: Tensor,
    inputs: readonly Tensor[],
    out: Tensor,
    params: P,
    wants: readonly boolean[],
  ): (Tensor | null)[];
  /** Forward mode: the inputs' tangents (null: zero) → the output's tangent (null: zero). */
  jvp(tangents: readonly (Tensor | null)[], inputs: readonly Tensor[], out: Tensor, params: P): Tensor | null;
}

/** What a non-leaf tensor remembers: which primitive made it, from which inputs, with which params. */
export interface Node<P = unknown> {
  readonly prim: Primitive<P>;
  readonly inputs: readonly Tensor[];
  readonly params: P;
  /** The composite op(s) this node was made inside, e.g. "sigmoid" or "crossEntropy/logSoftmax"; null at top level. */
  readonly scope: string | null;
}

/** A forward-mode dual: at `level`, this tensor's value is `primal` and its tangent is `tangent`. */
export interface Dual {
  readonly level: number;
  readonly primal: Tensor;
  readonly tangent: Tensor;
}

/**
 * Declares a primitive record (identity function that keeps the record's type).
 * @example const neg = definePrimitive({ name: "neg", forward, vjp, jvp })
 */
export function definePrimitive<P>(p: Primitive<P>): Primitive<P> {
  return p;
}
