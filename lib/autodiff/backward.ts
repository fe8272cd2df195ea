/**
 * The reverse pass: an iterative topological sort of the tape (no recursion: deep graphs cannot overflow
 * the stack), then each node's vjp in reverse order, summing cotangents where paths meet.
 *
 * Bookkeeping is kept tiny: a pass stamps the tensors it visits with its id and their position in the
 * order (`_pass`, `_slot`), so cotangents live in a plain array, not a Map. A pass started inside another
 * pass (a custom rule calling grad) saves the stamps it overwrites and restores them when it ends.
 */
import type { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { formatShape } from "../tensor/shape.js";
import { autodiffState, withGradMode } from "./state.js";
import { allFinite } from "./apply.js";

/**
 * Tensors of the tape behind `roots`, inputs before outputs (post-order DFS with an explicit stack).
 * Tensors in `stop` are included but not expanded. Only tensors that require grad are visited.
 * @example topoOrder([loss]) // [..., loss]
 */
export function topoOrder(roots: readonly Tensor[], stop?: ReadonlySet<Tensor>): Tensor[] {
  const seen = new Set<Tensor>();
  return sortFrom(roots, stop, (t) => (seen.has(t) ? false : (seen.add(t), true)));
}

/** The shared DFS: `visit(t)` returns true the first time it sees t. */
function sortFrom(
  roots: readonly Tensor[],
  stop: ReadonlySet<Tensor> | undefined,
  visit: (t: Tensor) => boolean,
) {
  const order: Tensor[] = [];
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const r of roots) {
    if (!r.requiresGrad || !visit(r)) continue;
    stack.push(r);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top];
      const node = t.node;
      const i = next[top];
      if (node !== null && i < node.inputs.length && (stop === undefined || !stop.has(t))) {
        next[top] = i + 1;
        const x = node.inputs[i];
        if (x.requiresGrad && visit(x)) {
          stack.push(x);
          next.push(0);
        }
      } else {
        t._slot = order.length;
        order.push(t);
        stack.pop();
        next.pop();
      }
    }
  }
  return order;
}

let lastPass = 0;
/** Ids of the passes currently running (more than one only when a rule runs a pass of its own). */
const activePasses: number[] = [];

/** A topological order stamped for one reverse pass. */
export interface MarkedGraph {
  readonly order: Tensor[];
  readonly pass: number;
  readonly saved: [Tensor, number, number][];
}

/**
 * Sorts the tape behind `roots` for a reverse pass (stopping at `stop`), stamping each tensor.
 * @example const g = markGraph([y]); g.order
 */
export function markGraph(roots: readonly Tensor[], stop?: ReadonlySet<Tensor>): MarkedGraph {
  const pass = ++lastPass;
  const saved: [Tensor, number, number][] = [];
  const nested = activePasses.length > 0;
  const order = sortFrom(roots, stop, (t) => {
    if (t._pass === pass) return false;
    if (nested && activePasses.includes(t._pass)) saved.push([t, t._pass, t._slot]);
    t._pass = pass;
    return true;
  });
  return { order, pass, saved };
}

export interface PassOptions {
  /** Record the pass itself onto the tape so its results can be differentiated again. */
  createGraph: boolean;
  /** Stop at these tensors and return their cotangents (in this order). */
  targets?: readonly Tensor[];
  /** Accumulate into `.grad` of every visited tensor (what `tensor.backward()` does). */
  accumulate: boolean;
  /** Name the op when a gradient turns NaN/∞ from finite inputs (default true; see reversePass). */
  checkFinite?: boolean;
}

/**
 * Runs vjp rules from `roots` (with cotangents `cts`, possibly batched) down the tape. Returns the
 * cotangent reaching each target (null where none arrives).
 *
 * Non-finite gradients: the pass itself does not scan every intermediate; it checks what it delivers
 * (the targets' cotangents, or the leaves' gradients). Only if one holds NaN/∞ is the pass run again in
 * diagnose mode, which checks each rule's output and names the op where finite numbers went in and
 * non-finite ones came out.
 * @example reversePass([y], [onesLike(y)], { createGraph: false, accumulate: true })
 */
export function reversePass(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: PassOptions,
  graph: MarkedGraph = markGraph(roots, opts.targets && new Set(opts.targets)),
): (Tensor | null)[] {
  const { order, cts, out } = runPass(roots, seeds, opts, graph, false);
  if (opts.checkFinite !== false) {
    let bad = out.some((g) => g !== null && !allFinite(g));
    if (opts.targets === undefined)
      for (let i = 0; i < order.length && !bad; i++) {
        const g = cts[i];
        if (order[i].node === null && g !== undefined && !allFinite(g)) bad = true;
      }
    // throws naming the op if one made finite numbers non-finite; otherwise the input was already bad
    if (bad)
      runPass(
        roots,
        seeds,
        { ...opts, createGraph: false },
        markGraph(roots, opts.targets && new Set(opts.targets)),
        true,
      );
  }
  if (opts.accumulate)
    withGradMode(opts.createGraph, () => {
      for (let i = 0; i < order.length; i++) {
        const t = order[i];
        const g = cts[i];
        if (g !== undefined) t.grad = t.grad === null ? g : ops.add(t.grad, g);
      }
    });
  return out;
}

function runPass(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: PassOptions,
  graph: MarkedGraph,
  diagnose: boolean,
): { order: Tensor[]; cts: (Tensor | undefined)[]; out: (Tensor | null)[] } {
  const { order, pass } = graph;
  const cts = new Array<Tensor | undefined>(order.length);
  const stopAt = opts.targets;
  const isTarget = stopAt === undefined ? null : new Set(stopAt);
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i];
    if (r._pass !== pass) continue;
    const prev = cts[r._slot];
    cts[r._slot] = prev === undefined ? seeds[i] : ops.add(prev, seeds[i]);
  }
  const prevMode = autodiffState.gradEnabled;
  autodiffState.gradEnabled = opts.createGraph;
  activePasses.push(pass);
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const ct = cts[i];
      if (ct === undefined) continue;
      const node = t.node;
      if (node === null || (isTarget !== null && isTarget.has(t))) continue;
      const inputs = node.inputs;
      const wants = new Array<boolean>(inputs.length);
      for (let j = 0; j < inputs.length; j++) wants[j] = inputs[j].requiresGrad;
      const gs = node.prim.vjp(ct, inputs, t, node.params, wants);
      for (let j = 0; j < inputs.length; j++) {
        const g = gs[j];
        const x = inputs[j];
        if (g === null || !wants[j] || x._pass !== pass) continue;
        if (diagnose && !allFinite(g) && allFinite(ct) && allFinite(x))
          throw new RangeError(nonFiniteMessage(node.prim.name, j, x, g));
        const prev = cts[x._slot];
        cts[x._slot] = prev === undefined ? g : ops.add(prev, g);
      }
    }
    // read the targets' cotangents before stamps are restored
    const out =
      stopAt === undefined ? [] : stopAt.map((t) => (t._pass === pass ? (cts[t._slot] ?? null) : null));
    return { order, cts, out };
  } finally {
    autodiffState.gradEnabled = prevMode;
    activePasses.pop();
    for (let k = graph.saved.length - 1; k >= 0; k--) {
      const [t, p, s] = graph.saved[k];
      t._pass = p;
      t._slot = s;
    }
  }
}

function nonFiniteMessage(op: string, j: number, x: Tensor, g: Tensor): string {
  const d = g._data;
  let k = 0;
  while (k < d.length && d[k] - d[k] === 0) k++;
  const xi = x.size === 1 ? x._data[0] : x._data[k % x.size];
  return (
    `backward: ${op} gave a ${Number.isNaN(d[k]) ? "NaN" : "infinite"} gradient for its input ${j} ` +
    `(shape ${formatShape(x.shape)}, value ${xi} there): ${op} is not differentiable at that point`
  );
}

/**
 * `y.backward(ct)`: accumulates `.grad` on every tensor of y's graph (leaves and intermediates).
 * @example loss.backward(); W.grad
 */
export function backward(y: Tensor, ct: Tensor | undefined, opts: { createGraph?: boolean } = {}): void {
  if (!y.requiresGrad)
    throw new Error(
      "backward: this tensor does not depend on any tensor with requiresGrad (create inputs with { requiresGrad: true })",
    );
  let seed = ct;
  if (seed === undefined) {
    if (y.size !== 1)
      throw new RangeError(
        `backward: output has shape ${formatShape(y.shape)}; pass its upstream gradient (same shape) or reduce it first, e.g. y.sum().backward()`,
      );
    seed = ops.scalarOf(1, y.dtype);
    if (y.shape.length > 0) seed = ops.reshape(seed, y.shape);
  } else if (formatShape(seed.shape) !== formatShape(y.shape))
    throw new RangeError(
      `backward: gradient has shape ${formatShape(seed.shape)}, output has ${formatShape(y.shape)}`,
    );
  reversePass([y], [seed], { createGraph: opts.createGraph ?? false, accumulate: true });
}
