/**
 * What each step of the stepper shows, computed once from a backprop trace: which node is current and
 * which are done, the matrices (upstream gradient, local Jacobians, products) and the chain-rule lines in
 * LaTeX. The HTML and text renderers only draw this model.
 */
import type { BackpropStep, BackpropTrace, TraceNode } from "../../autodiff/trace.js";
import type { Highlight } from "../graph/overlay.js";
import { summarize } from "../graph/format.js";
import { opLabel } from "../graph/node-label.js";
import { tensorLatex } from "../latex.js";
import { formatNumber, numberStyle } from "../numbers.js";
import { elementNames, partial, symbol, texSymbol } from "./symbols.js";

/** A matrix to show as a table (and heatmap): values row-major in `shape`. */
export interface MatrixPart {
  /** Plain-text title, e.g. "∂L/∂h". */
  readonly title: string;
  readonly values: readonly number[];
  readonly shape: readonly number[];
  /** Row and column names (Jacobians: output and input elements). */
  readonly rows?: readonly string[];
  readonly cols?: readonly string[];
  readonly jacobian?: boolean;
  /** What the matrix is, in words: "upstream gradient", "local Jacobian", … */
  readonly role: string;
}

export interface PullbackView {
  readonly input: number;
  readonly inputSymbol: string;
  /** Missing when the Jacobian was too large to compute (its size is in `jacobianShape`). */
  readonly jacobian?: MatrixPart;
  readonly jacobianShape: readonly [number, number];
  readonly product: MatrixPart;
  /** The input is used by more than one op: this product is one term of its gradient. */
  readonly accumulates: boolean;
  /** The chain rule for this edge, in LaTeX. */
  readonly tex: Formula;
}

export interface StepView {
  readonly phase: "forward" | "backward";
  readonly node: number;
  /** One-line headline in plain text. */
  readonly title: string;
  readonly highlight: Highlight;
  /** Formulas shown above the matrices (the chain rule, with numbers when small), in LaTeX. */
  readonly tex: readonly Formula[];
  /** Backward: ∂L/∂node. Forward: the node's value. */
  readonly main: MatrixPart;
  /** Forward: the op's input values. */
  readonly inputs: readonly MatrixPart[];
  readonly pullbacks: readonly PullbackView[];
}

export interface ModelOptions {
  /** Show the forward pass (one step per op) before the backward pass. */
  forward?: boolean;
  /** Largest vector (entries) written out with numbers in a LaTeX line. Default 4. */
  texEntries?: number;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Numbers of a tensor in LaTeX: a scalar, or a row vector / matrix (flattened rows for rank > 2). */
function texValues(values: readonly number[], shape: readonly number[]): string {
  if (values.length === 1) return formatNumber(values[0], numberStyle(values, 3));
  const view = {
    shape: shape.length === 1 ? [1, shape[0]] : [...shape],
    dtype: "float64" as const,
    data: values,
  };
  return tensorLatex(view, { precision: 3 });
}

/** A formula broken into lines: `lhs rel r0`, then `= r1`, `= r2`, … (one right side per line). */
export type Formula = readonly string[];

function aligned(lhs: string, rhs: readonly string[], rel = "="): Formula {
  return rhs.map((r, i) => (i === 0 ? `${lhs} ${rel} ${r}` : `= ${r}`));
}

function isVectorLike(shape: readonly number[]): boolean {
  return shape.filter((d) => d !== 1).length <= 1;
}

interface Ctx {
  readonly trace: BackpropTrace;
  readonly max: number;
  /** How many ops that need a gradient use each node (edges, so x·x counts twice). */
  readonly uses: readonly number[];
  readonly sources: ReadonlyMap<number, { node: number; arg: number }[]>;
  /** ∂L/∂node of every node with a step. */
  readonly upstream: ReadonlyMap<number, readonly number[]>;
  /** With a forward pass the graph's data rows are written per step: backward steps show them all. */
  readonly allData?: ReadonlyMap<number, string>;
}

function vectorPart(
  ctx: Ctx,
  node: TraceNode,
  values: readonly number[],
  title: string,
  role: string,
): MatrixPart {
  const names = elementNames(symbol(ctx.trace, node), node.shape);
  const vector = node.shape.length <= 1 && values.length > 1;
  return { title, values, shape: node.shape, role, ...(vector ? { cols: names } : {}) };
}

function pullbackView(ctx: Ctx, step: BackpropStep, p: BackpropStep["pullbacks"][number]): PullbackView {
  const { trace } = ctx;
  const node = trace.nodes[step.node];
  const input = trace.nodes[p.input];
  const [v, u] = [texSymbol(trace, node), texSymbol(trace, input)];
  const [vs, us] = [symbol(trace, node), symbol(trace, input)];
  const L = texSymbol(trace, trace.nodes[trace.output]);
  const Ls = symbol(trace, trace.nodes[trace.output]);
  const outSize = sizeOf(node.shape);
  const inSize = sizeOf(input.shape);
  const accumulates = ctx.uses[p.input] > 1;
  const jacobian: MatrixPart | undefined = p.jacobian && {
    title: `∂${vs}/∂${us}`,
    values: p.jacobian,
    shape: [outSize, inSize],
    rows: elementNames(vs, node.shape),
    cols: elementNames(us, input.shape),
    jacobian: true,
    role: "local Jacobian",
  };
  const product = vectorPart(
    ctx,
    input,
    p.product,
    `∂${Ls}/∂${us}`,
    accumulates ? "product (one term)" : "product",
  );
  // Flattened, the chain rule is a row vector times a matrix; say "vec" when a side is not a vector.
  const flat = !isVectorLike(node.shape) || !isVectorLike(input.shape);
  const vecU = flat && !isVectorLike(input.shape) ? `\\operatorname{vec}\\,${u}` : u;
  const vecV = flat && !isVectorLike(node.shape) ? `\\operatorname{vec}\\,${v}` : v;
  const rhs = [`${partial(L, vecV)}\\,${partial(vecV, vecU)}`];
  if (p.jacobian && outSize <= ctx.max && inSize <= ctx.max) {
    const J =
      outSize === 1 && inSize === 1
        ? texValues(p.jacobian, [])
        : tensorLatex({ shape: [outSize, inSize], dtype: "float64", data: p.jacobian }, { precision: 3 });
    // Side by side, two matrices read as a product; a scalar factor needs a visible dot.
    const times = outSize === 1 || inSize === 1 ? " \\cdot " : "\\,";
    rhs.push(`${texValues(step.upstream, [outSize])}${times}${J}`, texValues(p.product, [inSize]));
  }
  const tex = aligned(partial(L, vecU), rhs, accumulates ? "\\mathrel{+}=" : "=");
  return {
    input: p.input,
    inputSymbol: us,
    ...(jacobian ? { jacobian } : {}),
    jacobianShape: [outSize, inSize],
    product,
    accumulates,
    tex,
  };
}

/** The multivariate chain rule for a node used by several ops: its gradient is the sum of their terms. */
function sumTex(ctx: Ctx, step: BackpropStep): Formula | undefined {
  const { trace } = ctx;
  const sources = ctx.sources.get(step.node) ?? [];
  const node = trace.nodes[step.node];
  const L = texSymbol(trace, trace.nodes[trace.output]);
  const u = texSymbol(trace, node);
  const small = step.upstream.length <= ctx.max;
  if (step.node === trace.output) return [`${partial(L, L)} = 1`];
  if (sources.length < 2) {
    return node.inputs.length === 0 && small
      ? [`${partial(L, u)} = ${texValues(step.upstream, node.shape)}`]
      : undefined;
  }
  const terms = sources.map((s) => {
    const v = texSymbol(trace, trace.nodes[s.node]);
    return `${partial(L, v)}\\,${partial(v, u)}`;
  });
  return aligned(partial(L, u), [
    terms.join(" + "),
    ...(small ? [texValues(step.upstream, node.shape)] : []),
  ]);
}

function backwardTitle(ctx: Ctx, step: BackpropStep, k: number): string {
  const { trace } = ctx;
  const node = trace.nodes[step.node];
  const s = symbol(trace, node);
  const L = symbol(trace, trace.nodes[trace.output]);
  if (k === 0) return `Start at the loss: ∂${L}/∂${L} = 1, then backward through ${opLabel(node, trace)}`;
  if (node.inputs.length === 0) return `∂${L}/∂${s} is complete: this is ${s}.grad`;
  const to = step.pullbacks.map((p) => symbol(trace, trace.nodes[p.input])).join(" and ");
  return `Backward through ${opLabel(node, trace)}: ∂${L}/∂${s} flows on to ${to}`;
}

function backwardStep(ctx: Ctx, step: BackpropStep, k: number, done: number[]): StepView {
  const { trace } = ctx;
  const node = trace.nodes[step.node];
  const L = symbol(trace, trace.nodes[trace.output]);
  const grads = new Map<number, string>();
  for (const id of [...done, step.node]) {
    const n = trace.nodes[id];
    grads.set(id, summarize(ctx.upstream.get(id)!, n.shape));
  }
  const sum = sumTex(ctx, step);
  const pullbacks = step.pullbacks.map((p) => pullbackView(ctx, step, p));
  return {
    phase: "backward",
    node: step.node,
    title: backwardTitle(ctx, step, k),
    highlight: {
      current: step.node,
      done: [...done],
      flow: step.pullbacks.map((p) => ({ from: p.input, to: step.node })),
      direction: "backward",
      grads,
      ...(ctx.allData ? { data: ctx.allData } : {}),
    },
    tex: [...(sum ? [sum] : []), ...pullbacks.map((p) => p.tex)],
    main: vectorPart(
      ctx,
      node,
      step.upstream,
      `∂${L}/∂${symbol(trace, node)}`,
      node.inputs.length === 0 ? "gradient (complete)" : "upstream gradient",
    ),
    inputs: [],
    pullbacks,
  };
}

function forwardStep(ctx: Ctx, node: TraceNode, computed: number[]): StepView {
  const { trace } = ctx;
  const s = symbol(trace, node);
  const args = node.inputs.map((i) => symbol(trace, trace.nodes[i]));
  const texArgs = node.inputs.map((i) => texSymbol(trace, trace.nodes[i])).join(", ");
  const value = node.value.length <= ctx.max ? ` = ${texValues(node.value, node.shape)}` : "";
  const data = new Map<number, string>();
  for (const n of trace.nodes) {
    if (n.inputs.length === 0 || computed.includes(n.id) || n.id === node.id)
      data.set(n.id, summarize(n.value, n.shape));
  }
  return {
    phase: "forward",
    node: node.id,
    title: `Forward: ${s} = ${opLabel(node, trace)}(${args.join(", ")})`,
    highlight: {
      current: node.id,
      done: [...computed],
      flow: node.inputs.map((i) => ({ from: i, to: node.id })),
      direction: "forward",
      data,
    },
    tex: [[`${texSymbol(trace, node)} = \\operatorname{${node.op}}(${texArgs})${value}`]],
    main: vectorPart(ctx, node, node.value, s, "value"),
    inputs: node.inputs.map((i) => {
      const n = trace.nodes[i];
      return vectorPart(ctx, n, n.value, symbol(trace, n), "input");
    }),
    pullbacks: [],
  };
}

/**
 * The steps of a stepper: optionally the forward pass (one step per op, in topological order), then the
 * backward pass (one step per node that needs a gradient, in the trace's step order).
 * @example stepViews(backpropTrace(loss)).length
 */
export function stepViews(trace: BackpropTrace, options: ModelOptions = {}): StepView[] {
  const uses = new Array<number>(trace.nodes.length).fill(0);
  const sources = new Map<number, { node: number; arg: number }[]>();
  for (const e of trace.edges) {
    if (!trace.nodes[e.to].requiresGrad || !trace.nodes[e.from].requiresGrad) continue;
    uses[e.from]++;
    sources.set(e.from, [...(sources.get(e.from) ?? []), { node: e.to, arg: e.arg }]);
  }
  const upstream = new Map(trace.steps.map((s) => [s.node, s.upstream]));
  const allData = options.forward
    ? new Map(trace.nodes.map((n) => [n.id, summarize(n.value, n.shape)]))
    : undefined;
  const ctx: Ctx = {
    trace,
    max: options.texEntries ?? 4,
    uses,
    sources,
    upstream,
    ...(allData ? { allData } : {}),
  };
  const views: StepView[] = [];
  if (options.forward) {
    const computed: number[] = [];
    for (const node of trace.nodes) {
      if (node.inputs.length === 0) continue;
      views.push(forwardStep(ctx, node, computed));
      computed.push(node.id);
    }
  }
  const done: number[] = [];
  trace.steps.forEach((step, k) => {
    views.push(backwardStep(ctx, step, k, done));
    done.push(step.node);
  });
  return views;
}
