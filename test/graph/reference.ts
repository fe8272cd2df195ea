/**
 * A tiny float64 reference of a few ops, independent of gradlab's autodiff: it builds traces by hand (in
 * topological order) and pulls cotangents back with textbook formulas. Tests check it against central
 * differences, then use it to test the trace-driven renderers before and beside the real tape.
 */
import type { NodeVjp, Trace, TraceEdge, TraceNode } from "../../lib/autodiff/trace.js";

type Values = number[];
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

interface RefOp {
  forward(inputs: readonly TraceNode[]): { value: Values; shape: number[] };
  /** Cotangent of input `arg` given the output's cotangent `ct`. */
  vjp(inputs: readonly TraceNode[], out: TraceNode, ct: Float64Array, arg: number): Values;
}

const unary = (f: (x: number) => number, df: (x: number, y: number) => number): RefOp => ({
  forward: ([a]) => ({ value: a.value.map(f), shape: [...a.shape] }),
  vjp: ([a], out, ct) => a.value.map((x, i) => ct[i] * df(x, out.value[i])),
});

/** matmul of [m,k] @ [k] or [m,k] @ [k,n]. */
const matmul: RefOp = {
  forward([a, b]) {
    const [m, k] = a.shape;
    const n = b.shape.length === 1 ? 1 : b.shape[1];
    const value = new Array<number>(m * n).fill(0);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++)
        for (let p = 0; p < k; p++) value[i * n + j] += a.value[i * k + p] * b.value[p * n + j];
    return { value, shape: b.shape.length === 1 ? [m] : [m, n] };
  },
  vjp([a, b], _out, ct, arg) {
    const [m, k] = a.shape;
    const n = b.shape.length === 1 ? 1 : b.shape[1];
    if (arg === 0) {
      const g = new Array<number>(m * k).fill(0);
      for (let i = 0; i < m; i++)
        for (let p = 0; p < k; p++)
          for (let j = 0; j < n; j++) g[i * k + p] += ct[i * n + j] * b.value[p * n + j];
      return g;
    }
    const g = new Array<number>(k * n).fill(0);
    for (let p = 0; p < k; p++)
      for (let j = 0; j < n; j++)
        for (let i = 0; i < m; i++) g[p * n + j] += a.value[i * k + p] * ct[i * n + j];
    return g;
  },
};

const binary = (
  f: (x: number, y: number) => number,
  da: (x: number, y: number) => number,
  db: (x: number, y: number) => number,
): RefOp => ({
  forward: ([a, b]) => ({ value: a.value.map((x, i) => f(x, b.value[i])), shape: [...a.shape] }),
  vjp: ([a, b], _out, ct, arg) =>
    a.value.map((x, i) => ct[i] * (arg === 0 ? da(x, b.value[i]) : db(x, b.value[i]))),
});

export const REF_OPS: Record<string, RefOp> = {
  matmul,
  add: binary(
    (x, y) => x + y,
    () => 1,
    () => 1,
  ),
  sub: binary(
    (x, y) => x - y,
    () => 1,
    () => -1,
  ),
  mul: binary(
    (x, y) => x * y,
    (_x, y) => y,
    (x) => x,
  ),
  tanh: unary(Math.tanh, (_x, y) => 1 - y * y),
  sigmoid: unary(
    (x) => 1 / (1 + Math.exp(-x)),
    (_x, y) => y * (1 - y),
  ),
  square: unary(
    (x) => x * x,
    (x) => 2 * x,
  ),
  sum: {
    forward: ([a]) => ({ value: [a.value.reduce((s, x) => s + x, 0)], shape: [] }),
    vjp: ([a], _out, ct) => a.value.map(() => ct[0]),
  },
  mean: {
    forward: ([a]) => ({ value: [a.value.reduce((s, x) => s + x, 0) / a.value.length], shape: [] }),
    vjp: ([a], _out, ct) => a.value.map(() => ct[0] / a.value.length),
  },
};

/** Builds a trace node by node (each op after its inputs). */
export class RefGraph {
  readonly nodes: TraceNode[] = [];

  leaf(value: Values, shape: number[], options: { name?: string; requiresGrad?: boolean } = {}): number {
    if (value.length !== size(shape)) throw new Error("leaf: size mismatch");
    const id = this.nodes.length;
    this.nodes.push({
      id,
      op: "leaf",
      ...(options.name !== undefined ? { name: options.name } : {}),
      shape,
      dtype: "float64",
      value,
      requiresGrad: options.requiresGrad ?? false,
      inputs: [],
    });
    return id;
  }

  op(op: string, inputs: number[], name?: string): number {
    const nodes = inputs.map((i) => this.nodes[i]);
    const { value, shape } = REF_OPS[op].forward(nodes);
    const id = this.nodes.length;
    this.nodes.push({
      id,
      op,
      ...(name !== undefined ? { name } : {}),
      shape,
      dtype: "float64",
      value,
      requiresGrad: nodes.some((n) => n.requiresGrad),
      inputs,
    });
    return id;
  }

  trace(output = this.nodes.length - 1): Trace {
    const edges: TraceEdge[] = [];
    for (const n of this.nodes) n.inputs.forEach((from, arg) => edges.push({ from, to: n.id, arg }));
    return { nodes: this.nodes, edges, output };
  }
}

/** The reference vjp for a trace built by RefGraph. */
export function refVjp(trace: Trace): NodeVjp {
  return (node, ct, arg) =>
    REF_OPS[node.op].vjp(
      node.inputs.map((i) => trace.nodes[i]),
      node,
      ct,
      arg,
    );
}

/** Re-evaluates a RefGraph trace with one leaf's values replaced (for finite differences). */
export function evaluate(trace: Trace, leaf: number, values: Values): number[] {
  const nodes: TraceNode[] = [];
  for (const n of trace.nodes) {
    if (n.inputs.length === 0) nodes.push(n.id === leaf ? { ...n, value: values } : n);
    else nodes.push({ ...n, ...REF_OPS[n.op].forward(n.inputs.map((i) => nodes[i])) });
  }
  return [...nodes[trace.output].value];
}

/**
 * The lecture's fully connected net: 3 inputs, 2 hidden tanh neurons, 1 output, squared error to a target.
 * Returns the trace of the loss and the ids of the named tensors.
 */
export function net321() {
  const g = new RefGraph();
  const W1 = g.leaf([0.2, -0.4, 0.1, 0.5, 0.3, -0.2], [2, 3], { name: "W1", requiresGrad: true });
  const x = g.leaf([1, 2, -1], [3], { name: "x", requiresGrad: true });
  const a = g.op("matmul", [W1, x]);
  const b1 = g.leaf([0.1, -0.1], [2], { name: "b1", requiresGrad: true });
  const z = g.op("add", [a, b1], "z");
  const h = g.op("tanh", [z], "h");
  const W2 = g.leaf([0.7, -0.6], [1, 2], { name: "W2", requiresGrad: true });
  const c = g.op("matmul", [W2, h]);
  const b2 = g.leaf([0.05], [1], { name: "b2", requiresGrad: true });
  const y = g.op("add", [c, b2], "y");
  const t = g.leaf([0.5], [1], { name: "t" });
  const d = g.op("sub", [y, t]);
  const sq = g.op("square", [d]);
  g.op("sum", [sq], "L");
  return { trace: g.trace(), ids: { W1, x, b1, z, h, W2, b2, y, t } };
}
