/**
 * The computation graph behind a tensor, as plain data, and the backward pass through it, step by step.
 *
 * Display code (lib/display/graph, lib/display/stepper) draws only from these records, never from live
 * tensors, so a picture is the same in a live notebook, an export and with scripts off.
 *
 * The tape (see primitive.ts) is walked iteratively, so a graph of any depth is fine. By default the
 * reshapes that only add or drop axes of size 1 (matmul of a matrix and a vector makes the vector a column
 * and drops that axis from the result) are merged away: such a reshape keeps the values in the same
 * row-major order, so every flattened Jacobian and gradient is unchanged, and the graph shows one node per
 * op the user wrote. Reshapes that regroup values (flatten, [6] → [2, 3]) stay as nodes.
 *
 * Likewise a composite op (sigmoid, softmax, mean, crossEntropy, …: its primitives share a tape `scope`)
 * is one node by default, named after its outermost scope, with its outside inputs as inputs. Its local
 * Jacobian and products are pulled back through its primitives, so the chain rule stays exact: each
 * product is the next node's upstream gradient and the last ones equal `backward()`'s. `{ composites:
 * "expand" }` (or `{ raw: true }`) shows the primitives instead.
 */
import { Tensor } from "../tensor/tensor.js";
import { add } from "../tensor/ops.js";
import { withGradMode } from "./state.js";

/** One tensor of the graph: a leaf (an input, a parameter, a constant) or the output of one primitive op. */
export interface TraceNode {
  /** Index in `Trace.nodes`. Nodes are in topological order: every input comes before the ops using it. */
  readonly id: number;
  /**
   * The primitive's name ("matmul", "tanh", …), the composite's ("sigmoid", "crossEntropy") when its
   * primitives are grouped into one node, or "leaf" for a tensor that no recorded op produced.
   */
  readonly op: string;
  /** The user's name for the tensor (`tensor(…, { name })` or `.named()`), if any. */
  readonly name?: string;
  readonly shape: readonly number[];
  readonly dtype: "float64" | "float32";
  /** Row-major values at trace time (a copy: later changes to the tensor do not show). */
  readonly value: readonly number[];
  /** The tensor's `.grad` at trace time, if it had one. */
  readonly grad?: readonly number[];
  /** Whether a gradient flows to this tensor (it is, or depends on, a tensor with `requiresGrad`). */
  readonly requiresGrad: boolean;
  /** Ids of the op's tensor inputs in argument order (empty for leaves). */
  readonly inputs: readonly number[];
  /** The op's non-tensor arguments (axis, keepdims, exponent, …), for labels. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** For a composite op drawn as one node (sigmoid, softmax, …): its primitives, inputs first. */
  readonly primitives?: readonly string[];
}

/** An input edge: tensor `from` is argument number `arg` of the op that produced `to`. */
export interface TraceEdge {
  readonly from: number;
  readonly to: number;
  readonly arg: number;
}

/** The computation graph behind `nodes[output]`. */
export interface Trace {
  readonly nodes: readonly TraceNode[];
  /** One edge per op argument, ordered by `to`, then by `arg`. */
  readonly edges: readonly TraceEdge[];
  /** Id of the traced tensor (always the last node). */
  readonly output: number;
}

/**
 * How the cotangent of one op's output is pulled back to one of its inputs: the local Jacobian
 * ∂out/∂in and the vector–Jacobian product that leaves the op along this edge.
 */
export interface Pullback {
  /** Id of the input node the product flows to. */
  readonly input: number;
  /** Argument position of that input in the op. */
  readonly arg: number;
  /**
   * The local Jacobian ∂out/∂in, row-major with `size(out)` rows and `size(in)` columns (numerator layout,
   * entry (i, j) = ∂out_i/∂in_j), or undefined when larger than the trace's `maxJacobian` entries.
   */
  readonly jacobian?: readonly number[];
  /** upstream · jacobian, the gradient contribution sent to the input, in the input's shape. */
  readonly product: readonly number[];
}

/** One step of the backward pass: a node whose gradient ∂L/∂node is now complete. */
export interface BackpropStep {
  readonly node: number;
  /** ∂L/∂node in the node's shape: the sum of the products that arrived from the ops using it. */
  readonly upstream: readonly number[];
  /** The pullbacks this node's op sends on, one per input that needs a gradient (none for leaves). */
  readonly pullbacks: readonly Pullback[];
}

/** A trace of a scalar loss together with its backward pass, in reverse topological order. */
export interface BackpropTrace extends Trace {
  /** The first step is the loss itself (upstream 1); leaves come last among their consumers. */
  readonly steps: readonly BackpropStep[];
}

/**
 * Pulls the cotangent `upstream` (in the node's shape, row-major) back through the node's op to its input
 * number `arg`: the vector–Jacobian product upstream · ∂node/∂input, in the input's shape.
 */
export type NodeVjp = (node: TraceNode, upstream: Float64Array, arg: number) => ArrayLike<number>;

/**
 * The local Jacobian ∂node/∂input number `arg`, row-major [size(node), size(input)]. Optional: without it,
 * `backpropSteps` pulls the basis cotangents back one at a time with the NodeVjp.
 */
export type NodeJacobian = (node: TraceNode, arg: number) => ArrayLike<number>;

export interface BackpropOptions {
  /** Local Jacobians with more entries than this are left out (the product is still computed). Default 4096. */
  maxJacobian?: number;
}

const sizeOfShape = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The backward pass through a trace of a scalar, one step per node that needs a gradient, each node after
 * every op that uses it (a reverse topological order; a leaf comes as soon as its gradient is complete, so
 * W2 is finished right after the op that uses it). Local Jacobians are pulled back row by row with `vjp`
 * from the basis cotangents, exactly as `jacrev` builds them.
 * @example backpropSteps(t, (node, ct, arg) => myVjp(node, ct, arg))[0].upstream // [1]
 */
export function backpropSteps(
  trace: Trace,
  vjp: NodeVjp,
  options: BackpropOptions = {},
  jacobianOf?: NodeJacobian,
): BackpropStep[] {
  const { nodes, output } = trace;
  const maxJacobian = options.maxJacobian ?? 4096;
  const out = nodes[output];
  if (sizeOfShape(out.shape) !== 1) {
    throw new RangeError(
      `backprop: the loss must be a scalar, got shape [${out.shape.join(", ")}] (reduce it with sum or mean)`,
    );
  }
  if (!out.requiresGrad)
    throw new TypeError("backprop: the loss does not depend on any tensor with requiresGrad");

  // Pending consumers per node: a node's gradient is complete once every op using it has sent its product.
  const pending = new Array<number>(nodes.length).fill(0);
  for (const node of nodes)
    if (node.requiresGrad) for (const i of node.inputs) if (nodes[i].requiresGrad) pending[i]++;
  const cotangent = new Map<number, Float64Array>([[output, new Float64Array([1])]]);
  const ready = [output];
  const steps: BackpropStep[] = [];
  while (ready.length > 0) {
    // Leaves first (their step only reports the finished gradient), then the latest op.
    ready.sort((a, b) => Number(nodes[a].inputs.length > 0) - Number(nodes[b].inputs.length > 0) || b - a);
    const id = ready.shift()!;
    const node = nodes[id];
    const upstream = cotangent.get(id)!;
    const pullbacks: Pullback[] = [];
    node.inputs.forEach((input, arg) => {
      const source = nodes[input];
      if (!source.requiresGrad) return;
      const product = Float64Array.from(vjp(node, upstream, arg));
      const inSize = sizeOfShape(source.shape);
      if (product.length !== inSize) {
        throw new RangeError(
          `backprop: ${node.op} sent ${product.length} values to an input of size ${inSize}`,
        );
      }
      const fits = sizeOfShape(node.shape) * inSize <= maxJacobian;
      const jacobian = fits ? jacobianWith(jacobianOf, node, arg, inSize, vjp) : undefined;
      pullbacks.push({ input, arg, product: Array.from(product), ...(jacobian ? { jacobian } : {}) });
      const sum = cotangent.get(input);
      if (sum) for (let k = 0; k < sum.length; k++) sum[k] += product[k];
      else cotangent.set(input, product.slice());
      if (--pending[input] === 0) ready.push(input);
    });
    steps.push({ node: id, upstream: Array.from(upstream), pullbacks });
  }
  return steps;
}

/** The batched Jacobian when it is offered and works, else row by row (same numbers, more calls). */
function jacobianWith(
  jacobianOf: NodeJacobian | undefined,
  node: TraceNode,
  arg: number,
  inSize: number,
  vjp: NodeVjp,
): number[] {
  if (jacobianOf) {
    try {
      const J = Array.from(jacobianOf(node, arg));
      if (J.length === sizeOfShape(node.shape) * inSize) return J;
    } catch {
      // A rule that is not batch-polymorphic: fall through to one pullback per row.
    }
  }
  return localJacobian(node, arg, inSize, vjp);
}

/** ∂node/∂input row by row: row i is the pullback of the basis cotangent e_i. */
function localJacobian(node: TraceNode, arg: number, inSize: number, vjp: NodeVjp): number[] {
  const outSize = sizeOfShape(node.shape);
  const jacobian = new Array<number>(outSize * inSize);
  const basis = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    basis.fill(0);
    basis[i] = 1;
    const row = vjp(node, basis, arg);
    for (let j = 0; j < inSize; j++) jacobian[i * inSize + j] = row[j];
  }
  return jacobian;
}

/**
 * True for a trace record (what `trace(y)` returns), false for anything else (e.g. a tensor).
 * @example isTrace(trace(y)) // true
 */
export function isTrace(x: unknown): x is Trace {
  if (typeof x !== "object" || x === null) return false;
  const t = x as Partial<Trace>;
  return Array.isArray(t.nodes) && Array.isArray(t.edges) && typeof t.output === "number";
}

export interface TraceOptions {
  /** Keep every primitive, including the reshapes that ops insert (default false: merged away). Implies `composites: "expand"`. */
  raw?: boolean;
  /**
   * "group" (default): a composite op (sigmoid, softmax, mean, crossEntropy, …) is one node whose local
   * Jacobian is the composite's; "expand": one node per primitive inside it.
   */
  composites?: "group" | "expand";
}

/** One node of the trace and the taped tensors that compute it. */
interface Entry {
  /** The tensor shown (shape, values, name, grad): the op's output, or the reshape merged into it. */
  shown: Tensor;
  /** The taped tensor whose value this node is (the composite's result for a group); null for leaves. */
  op: Tensor | null;
  /** A composite's primitives, inputs before uses, ending with `op`; undefined for one primitive. */
  members?: readonly Tensor[];
  /** The tensors the node's op takes: the primitive's inputs, or a composite's distinct outside inputs. */
  inputs: readonly Tensor[];
  /** The composite's name (outermost scope), for a group. */
  composite?: string;
}

/** Every tensor behind `y`, inputs before the ops using them (iterative depth-first post-order). */
function postOrder(y: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([y]);
  const stack: { t: Tensor; next: number }[] = [{ t: y, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.t.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const input = inputs[top.next++];
      if (!seen.has(input)) {
        seen.add(input);
        stack.push({ t: input, next: 0 });
      }
    } else {
      stack.pop();
      order.push(top.t);
    }
  }
  return order;
}

/** Whether two shapes differ only by axes of size 1 ([3] and [3, 1]; not [2, 3] and [6]). */
function onlyUnitDims(a: readonly number[], b: readonly number[]): boolean {
  const x = a.filter((d) => d !== 1);
  const y = b.filter((d) => d !== 1);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}

/**
 * An unnamed constant (no tape node, no gradient): used only inside one composite call it is part of the
 * composite (sigmoid's 0.5, logsumexp's detached max, crossEntropy's one-hot targets), not an input of it.
 * Naming a tensor keeps it as a card.
 */
const isConstant = (t: Tensor): boolean => t.node === null && !t.requiresGrad && t.name === undefined;

/** One call of a composite op: its primitives (in `order`), its result, its outside inputs. */
interface Group {
  readonly name: string;
  readonly members: Tensor[];
  readonly exit: Tensor;
  readonly inputs: Tensor[];
}

/**
 * The composite calls behind `y`. Tape nodes carry the scope they were made in (primitive.ts), not which
 * call: so the primitives of one call are found as a connected set of nodes sharing the outermost scope
 * name, cut at user-named tensors. A set must have one result (the composite returns one tensor) and at
 * least two primitives to become a node; otherwise its primitives stay as they are. Known limit: the same
 * composite applied directly to its own unnamed result (sigmoid(sigmoid(x))) reads as one call.
 */
function compositeGroups(order: readonly Tensor[], y: Tensor): Map<Tensor, Group> {
  const outer = (t: Tensor) => (t.node?.scope ? t.node.scope.split("/")[0] : null);
  const parent = new Map<Tensor, Tensor>();
  const find = (t: Tensor): Tensor => {
    let r = t;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(t, r);
    return r;
  };
  for (const t of order) if (outer(t) !== null) parent.set(t, t);
  for (const t of order) {
    const s = outer(t);
    if (s === null) continue;
    for (const i of t.node!.inputs) if (i.name === undefined && outer(i) === s) parent.set(find(i), find(t));
  }
  const sets = new Map<Tensor, Tensor[]>();
  for (const t of order) if (parent.has(t)) sets.set(find(t), [...(sets.get(find(t)) ?? []), t]);
  const consumers = new Map<Tensor, Tensor[]>();
  for (const t of order)
    for (const i of t.node?.inputs ?? []) consumers.set(i, [...(consumers.get(i) ?? []), t]);
  const groupOf = new Map<Tensor, Group>();
  for (const members of sets.values()) {
    const inside = new Set(members);
    const exits = members.filter(
      (m) => m === y || m.name !== undefined || (consumers.get(m) ?? []).some((c) => !inside.has(c)),
    );
    if (exits.length !== 1 || members.length < 2) continue;
    const inputs: Tensor[] = [];
    for (const m of members)
      for (const i of m.node!.inputs)
        if (!inside.has(i) && !isConstant(i) && !inputs.includes(i)) inputs.push(i);
    const group = { name: outer(exits[0])!, members, exit: exits[0], inputs };
    for (const m of members) groupOf.set(m, group);
  }
  return groupOf;
}

/** The trace's entries and, for every taped tensor, the entry it shows as. */
function entriesOf(y: Tensor, options: TraceOptions): { entries: Entry[]; entryOf: Map<Tensor, number> } {
  const raw = options.raw ?? false;
  const order = postOrder(y);
  const groups =
    raw || options.composites === "expand" ? new Map<Tensor, Group>() : compositeGroups(order, y);
  const consumers = new Map<Tensor, number>();
  const users = new Map<Tensor, Set<Group | Tensor>>();
  for (const t of order)
    for (const i of t.node?.inputs ?? []) {
      consumers.set(i, (consumers.get(i) ?? 0) + 1);
      users.set(i, (users.get(i) ?? new Set()).add(groups.get(t) ?? t));
    }
  // A constant used only inside one composite call is part of it, not a node of its own.
  const internal = (t: Tensor) => {
    const u = users.get(t);
    return isConstant(t) && u !== undefined && u.size === 1 && !([...u][0] instanceof Tensor);
  };
  const entries: Entry[] = [];
  const entryOf = new Map<Tensor, number>();
  for (const t of order) {
    const group = groups.get(t);
    if (group) {
      if (t !== group.exit) continue;
      entryOf.set(t, entries.length);
      entries.push({ shown: t, op: t, members: group.members, inputs: group.inputs, composite: group.name });
      continue;
    }
    if (t !== y && internal(t)) continue;
    const node = t.node;
    if (!raw && node?.prim.name === "reshape" && onlyUnitDims(node.inputs[0].shape, t.shape)) {
      const input = node.inputs[0];
      const e = entryOf.get(input)!;
      const inner = entries[e];
      // Dropping unit axes from an unnamed op's only use (matmul's [2, 1] result back to [2]): show that
      // op with the reshaped result, under the reshape's name if the user gave one.
      const mergeable = inner.op !== null && inner.shown === input && input.name === undefined;
      if (mergeable && t.shape.length < input.shape.length && consumers.get(input) === 1) {
        inner.shown = t;
        entryOf.set(t, e);
        continue;
      }
      // Adding or moving unit axes (a vector made a column for matmul): its users point at its input.
      if (t.name === undefined) {
        entryOf.set(t, e);
        continue;
      }
    }
    entryOf.set(t, entries.length);
    entries.push({ shown: t, op: node ? t : null, inputs: node?.inputs ?? [] });
  }
  return { entries, entryOf };
}

function plainParams(params: unknown): Record<string, unknown> | undefined {
  if (typeof params !== "object" || params === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const plain =
      typeof v === "number" ||
      typeof v === "string" ||
      typeof v === "boolean" ||
      (Array.isArray(v) && v.every((x) => typeof x === "number"));
    if (plain) out[k] = Array.isArray(v) ? [...v] : v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function traceOf(y: Tensor, options: TraceOptions): { trace: Trace; entries: Entry[] } {
  if (!(y instanceof Tensor)) throw new TypeError(`trace: expected a tensor, got ${describe(y)}`);
  const { entries, entryOf } = entriesOf(y, options);
  const nodes: TraceNode[] = entries.map((e, id) => {
    const t = e.shown;
    const tape = e.op?.node;
    const params = e.composite === undefined ? plainParams(tape?.params) : undefined;
    return {
      id,
      op: e.composite ?? (tape ? tape.prim.name : "leaf"),
      ...(t.name !== undefined ? { name: t.name } : {}),
      shape: [...t.shape],
      dtype: t.dtype,
      value: Array.from(t._data),
      ...(t.grad ? { grad: Array.from(t.grad._data) } : {}),
      requiresGrad: t.requiresGrad,
      inputs: e.inputs.map((i) => entryOf.get(i)!),
      ...(params ? { params } : {}),
      ...(e.members ? { primitives: e.members.map((m) => m.node!.prim.name) } : {}),
    };
  });
  const edges: TraceEdge[] = [];
  for (const n of nodes) n.inputs.forEach((from, arg) => edges.push({ from, to: n.id, arg }));
  return { trace: { nodes, edges, output: entryOf.get(y)! }, entries };
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
}

/**
 * The computation graph behind `y` as plain data: one node per op (a composite such as sigmoid is one
 * node unless `{ composites: "expand" }`) and per leaf tensor, in a deterministic topological order
 * (depth-first from `y`, inputs in argument order), with values and, after `backward()`, grads copied at
 * call time.
 * @example
 * const W = tensor([[1, 2]], { requiresGrad: true, name: "W" });
 * trace(sigmoid(matmul(W, tensor([3, 4])))).nodes.map((n) => n.op) // ["leaf", "leaf", "matmul", "sigmoid"]
 * trace(sigmoid(W), { composites: "expand" }).nodes.map((n) => n.op) // ["leaf", "mul", "tanh", "mul", "add"]
 */
export function trace(y: Tensor, options: TraceOptions = {}): Trace {
  return traceOf(y, options).trace;
}

/**
 * The cotangent `ct` of an entry's result pulled back to its input number `arg` (null: zero). One
 * primitive: its vjp rule. A composite: every primitive of the group in reverse order, summing the
 * cotangents of tensors used twice, exactly as `backward()` does inside the composite; so the composite's
 * product equals the product of its primitives' local Jacobians. `ct` may carry leading batch axes.
 */
function pullEntry(e: Entry, ct: Tensor, arg: number): Tensor | null {
  const target = e.inputs[arg];
  return withGradMode(false, () => {
    if (!e.members) {
      const { prim, inputs, params } = e.op!.node!;
      return prim.vjp(
        ct,
        inputs,
        e.op!,
        params,
        inputs.map((_, i) => i === arg),
      )[arg];
    }
    const inside = new Set(e.members);
    const cts = new Map<Tensor, Tensor>([[e.op!, ct]]);
    for (let k = e.members.length - 1; k >= 0; k--) {
      const m = e.members[k];
      const g = cts.get(m);
      if (!g) continue;
      const { prim, inputs, params } = m.node!;
      const wants = inputs.map((i) => inside.has(i) || i === target);
      if (!wants.some(Boolean)) continue;
      const gs = prim.vjp(g, inputs, m, params, wants);
      inputs.forEach((input, i) => {
        const gi = gs[i];
        if (!wants[i] || !gi) return;
        const sum = cts.get(input);
        cts.set(input, sum ? add(sum, gi) : gi);
      });
    }
    return cts.get(target) ?? null;
  });
}

/** A cotangent tensor holding `values` in the dtype of `like`, shaped `shape`. */
function cotangent(values: ArrayLike<number>, shape: readonly number[], like: Tensor): Tensor {
  const data = like.dtype === "float64" ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, shape, like.dtype);
}

/** Pulls cotangents back through the taped primitive(s) behind each trace node. */
function tapeVjp(entries: readonly Entry[]): NodeVjp {
  return (node, upstream, arg) => {
    const e = entries[node.id];
    const g = pullEntry(e, cotangent(upstream, e.op!.shape, e.op!), arg);
    // A null cotangent is a symbolic zero.
    return g ? g._data : new Float64Array(e.inputs[arg].size);
  };
}

/**
 * Local Jacobians in one batched pullback: the rules are batch-polymorphic (primitive.ts), so the
 * cotangent eye(m) shaped [m, ...out] comes back as [m, ...in], which is the Jacobian row-major.
 */
function tapeJacobian(entries: readonly Entry[]): NodeJacobian {
  return (node, arg) => {
    const e = entries[node.id];
    const t = e.op!;
    const m = t.size;
    const eye = new Float64Array(m * m);
    for (let i = 0; i < m; i++) eye[i * m + i] = 1;
    const g = pullEntry(e, cotangent(eye, [m, ...t.shape], t), arg);
    const n = e.inputs[arg].size;
    if (g === null) return new Float64Array(m * n);
    if (g.size !== m * n)
      throw new RangeError(`trace: ${node.op}'s batched vjp gave ${g.size} values, expected ${m * n}`);
    return g._data;
  };
}

/**
 * The trace of a scalar loss with its backward pass computed step by step, through the same vjp rules that
 * `loss.backward()` uses (so the last gradients equal `.grad`).
 * @example backpropTrace(loss).steps[0].upstream // [1]
 */
export function backpropTrace(loss: Tensor, options: BackpropOptions & TraceOptions = {}): BackpropTrace {
  const { trace: t, entries } = traceOf(loss, options);
  return { ...t, steps: backpropSteps(t, tapeVjp(entries), options, tapeJacobian(entries)) };
}

/**
 * True for a trace that carries its backward pass (what `backpropTrace(loss)` returns).
 * @example isBackpropTrace(backpropTrace(loss)) // true
 */
export function isBackpropTrace(x: unknown): x is BackpropTrace {
  return isTrace(x) && Array.isArray((x as Partial<BackpropTrace>).steps);
}
