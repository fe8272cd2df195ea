/**
 * The functional transforms: grad, valueAndGrad, vjp, jvp, jacrev, jacfwd, jacobian, hessian, noGrad.
 * None has derivative code: they seed the reverse pass (vjp rules) or the forward pass (jvp rules) with a
 * cotangent, a tangent, or a whole identity basis at once (rules are batch-polymorphic, see primitive.ts).
 *
 * Reverse-mode variables: each call wraps its inputs in a fresh `identity` tensor that requires grad and
 * pulls back to exactly those tensors, so nested grad(grad(f)) never confuses the inner and the outer
 * variable. The pass records itself onto the tape (createGraph) only when its result could be
 * differentiated again: when an input is itself on a tape, when the graph reaches some other tensor that
 * requires grad (a parameter captured by f), or when the seed cotangent is on a tape (a vjp of a
 * pullback). Forward mode needs no such decision: rules run on dual tensors and carry tangents anyway.
 *
 * Batching, instead of a vmap: derivative rules accept cotangents/tangents with extra leading dims
 * (see primitive.ts), so jacrev seeds eye(m) shaped [m, ...outShape] and jacfwd seeds the identity
 * shaped [n, ...inShape]; each is one pass.
 */
import { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { eye, zeros } from "../tensor/create.js";
import { formatShape } from "../tensor/shape.js";
import type { AxisLabels } from "../display/view.js";
import { allFinite, makeDual } from "./apply.js";
import { markGraph, reversePass } from "./backward.js";
import { autodiffState, withGradMode } from "./state.js";

/** One tensor or an array of tensors: what transforms differentiate with respect to. */
export type Args = Tensor | readonly Tensor[];
/** Gradient structure mirrors the argument structure. */
export type GradOf<X extends Args> = X extends Tensor ? Tensor : Tensor[];

function listOf(op: string, x: unknown): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor)) return x as Tensor[];
  throw new TypeError(`${op}: x must be a Tensor or a non-empty array of Tensors`);
}

function outputsOf(op: string, y: unknown): Tensor[] {
  if (y instanceof Tensor) return [y];
  if (Array.isArray(y) && y.length > 0 && y.every((t) => t instanceof Tensor)) return y as Tensor[];
  throw new TypeError(
    `${op}: f must return a Tensor (or an array of Tensors), got ${y === null ? "null" : typeof y}`,
  );
}

/** Fresh reverse-mode variables standing for xs (linked to xs on any outer tape or forward level). */
function variables(xs: readonly Tensor[]): Tensor[] {
  return xs.map((x) => {
    const v = ops.identity(x);
    v.requiresGrad = true;
    v.name = x.name;
    return v;
  });
}

/**
 * Cotangents reaching `vars` from `ys` seeded with `cts`. createGraph defaults to "when needed" (see the
 * header comment).
 */
function pullback(
  ys: readonly Tensor[],
  cts: readonly Tensor[],
  vars: readonly Tensor[],
  createGraph?: boolean,
) {
  const targets = new Set(vars);
  const roots: Tensor[] = [];
  const seeds: Tensor[] = [];
  ys.forEach((y, i) => {
    if (y.requiresGrad) {
      roots.push(y);
      seeds.push(cts[i]);
    }
  });
  const graph = markGraph(roots, targets);
  let cg = createGraph;
  if (cg === undefined) {
    cg = false;
    for (const t of graph.order) if (targets.has(t) ? t.node !== null : t.node === null) cg = true;
    // a seed that is itself on a tape (vjp of a pullback) must stay connected
    for (const c of seeds) if (c.requiresGrad) cg = true;
    cg = cg && autodiffState.gradEnabled;
  }
  return reversePass(roots, seeds, { createGraph: cg, targets: vars, accumulate: false }, graph);
}

function callRecording<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export interface GradOptions {
  /** Record the backward pass so the result can be differentiated again (default: automatic). */
  createGraph?: boolean;
}

/**
 * The gradient function of a scalar function: grad(f)(x) = ∂f/∂x, with the shape of x (an array of
 * gradients when x is an array). Extra arguments are passed through to f.
 * @example grad((x) => x.mul(x).sum())(tensor([1, 2])) // [2, 4]
 */
export function grad<X extends Args, R extends unknown[]>(
  f: (x: X, ...rest: R) => Tensor,
  opts: GradOptions = {},
): (x: X, ...rest: R) => GradOf<X> {
  const vg = valueAndGrad(f, opts);
  return (x, ...rest) => vg(x, ...rest)[1];
}

/**
 * Like grad, but also returns f's value: [f(x), ∂f/∂x].
 * @example const [loss, g] = valueAndGrad(lossFn)(W)
 */
export function valueAndGrad<X extends Args, R extends unknown[]>(
  f: (x: X, ...rest: R) => Tensor,
  opts: GradOptions = {},
): (x: X, ...rest: R) => [Tensor, GradOf<X>] {
  return (x, ...rest) => {
    const xs = listOf("grad", x);
    const vars = variables(xs);
    const y = callRecording(() => f((x instanceof Tensor ? vars[0] : vars) as X, ...rest));
    if (!(y instanceof Tensor)) throw new TypeError(`grad: f must return a Tensor, got ${typeof y}`);
    if (y.size !== 1)
      throw new RangeError(
        `grad: f must return a single number (size 1), got shape ${formatShape(y.shape)}; use jacobian for vector outputs`,
      );
    const seed = ops.reshape(ops.scalarOf(1, y.dtype), y.shape);
    const gs = pullback([y], [seed], vars, opts.createGraph).map(
      (g, i) => g ?? ops.zerosOf(xs[i].shape, xs[i].dtype),
    );
    return [y, (x instanceof Tensor ? gs[0] : gs) as GradOf<X>];
  };
}

/**
 * Reverse mode at a point: returns f(x) and the pullback ct ↦ ctᵀ·J (a vector–Jacobian product). The
 * pullback can be called many times; ct may carry extra leading batch dims.
 * @example const [y, back] = vjp((x) => x.tanh(), x); back(onesLike(y))
 */
export function vjp<X extends Args>(f: (x: X) => Tensor, x: X): [Tensor, (ct: Tensor) => GradOf<X>] {
  const xs = listOf("vjp", x);
  const vars = variables(xs);
  const y = callRecording(() => f((x instanceof Tensor ? vars[0] : vars) as X));
  outputsOf("vjp", y);
  const back = (ct: Tensor): GradOf<X> => {
    ops.asTensor("vjp", ct, "cotangent");
    const tail = ct.shape.slice(ct.shape.length - y.shape.length);
    if (ct.shape.length < y.shape.length || formatShape(tail) !== formatShape(y.shape))
      throw new RangeError(
        `vjp: cotangent has shape ${formatShape(ct.shape)}, f(x) has ${formatShape(y.shape)}`,
      );
    const batch = ct.shape.slice(0, ct.shape.length - y.shape.length);
    const gs = pullback([y], [ct], vars).map(
      (g, i) => g ?? ops.zerosOf([...batch, ...xs[i].shape], xs[i].dtype),
    );
    return (x instanceof Tensor ? gs[0] : gs) as GradOf<X>;
  };
  return [y, back];
}

/** The tangent of y at a forward level, or null (zero). */
function tangentAt(y: Tensor, level: number): Tensor | null {
  return y._fw !== null && y._fw.level === level ? y._fw.tangent : null;
}

/** y without its tangent at `level`. */
function primalAt(y: Tensor, level: number): Tensor {
  return y._fw !== null && y._fw.level === level ? y._fw.primal : y;
}

/**
 * Forward mode at a point: returns f(x) and the Jacobian–vector product J·v, pushed through f alongside
 * the values (no tape). v has x's structure and shapes.
 * @example const [y, yDot] = jvp((x) => x.sin(), tensor([0]), tensor([1])) // yDot = cos(0)·1
 */
export function jvp<X extends Args>(f: (x: X) => Tensor, x: X, v: X): [Tensor, Tensor] {
  const xs = listOf("jvp", x);
  const vs = listOf("jvp", v);
  if (vs.length !== xs.length) throw new RangeError(`jvp: ${xs.length} inputs but ${vs.length} tangents`);
  xs.forEach((xi, i) => {
    if (formatShape(xi.shape) !== formatShape(vs[i].shape) && !endsWith(vs[i].shape, xi.shape))
      throw new RangeError(
        `jvp: tangent ${i} has shape ${formatShape(vs[i].shape)}, input has ${formatShape(xi.shape)}`,
      );
    if (xi.dtype !== vs[i].dtype)
      throw new TypeError(`jvp: tangent ${i} is ${vs[i].dtype}, input is ${xi.dtype}`);
  });
  const level = autodiffState.nextLevel++;
  const duals = xs.map((xi, i) => makeDual(level, xi, vs[i]));
  const y = outputsOf("jvp", f((x instanceof Tensor ? duals[0] : duals) as X))[0];
  const t = tangentAt(y, level);
  if (t !== null && !allFinite(t) && allFinite(y) && vs.every(allFinite)) diagnoseForward(() => jvp(f, x, v));
  const batch = vs[0].shape.slice(0, vs[0].shape.length - xs[0].shape.length);
  return [primalAt(y, level), t ?? ops.zerosOf([...batch, ...y.shape], y.dtype)];
}

/**
 * Re-runs a forward-mode computation whose result came out NaN/∞ with every rule's output checked, so
 * the error names the op (apply.ts throws); returns quietly if no single op is to blame.
 */
function diagnoseForward(run: () => unknown): void {
  if (autodiffState.diagnoseTangents) return;
  autodiffState.diagnoseTangents = true;
  try {
    run();
  } finally {
    autodiffState.diagnoseTangents = false;
  }
}

function endsWith(s: readonly number[], tail: readonly number[]): boolean {
  return s.length >= tail.length && formatShape(s.slice(s.length - tail.length)) === formatShape(tail);
}

export interface JacobianOptions {
  /** "rev": one batched reverse pass; "fwd": one batched forward pass; "auto": fwd when n < m. */
  mode?: "rev" | "fwd" | "auto";
  /** Names of the input entries (columns), e.g. ["x", "y"]; default x_1..x_n. */
  inputNames?: readonly string[];
  /** Names of the output entries (rows), e.g. ["f", "g"]; default f_1..f_m. */
  outputNames?: readonly string[];
}

/** Jacobian blocks: one per (output, input) pair, shaped [...outShape, ...inShape]. */
type Blocks = Tensor[][];

/** f evaluated on fresh reverse-mode variables: the first half of jacrev. */
function recordForward(f: (x: Args) => unknown, x: Args) {
  const xs = listOf("jacrev", x);
  const vars = variables(xs);
  const ys = outputsOf(
    "jacrev",
    callRecording(() => f(x instanceof Tensor ? vars[0] : vars)),
  );
  return { xs, vars, ys };
}

/** The second half: one batched backward pass per output, seeded with the identity. */
function jacrevBlocks({ xs, vars, ys }: ReturnType<typeof recordForward>): Blocks {
  return ys.map((y) => {
    const m = y.size;
    const basis = ops.reshape(eye(m, { dtype: y.dtype }), [m, ...y.shape]);
    const gs = pullback([y], [basis], vars);
    return xs.map((xi, i) => {
      const g = gs[i];
      const shape = [...y.shape, ...xi.shape];
      return g === null ? zeros(shape, { dtype: y.dtype }) : ops.reshape(g, shape);
    });
  });
}

/** Rows off..off+n of the N×N identity as a tangent for an input of `shape`: [N, ...shape]. */
function basisBlock(N: number, off: number, shape: readonly number[], dtype: Tensor["dtype"]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const e = zeros([N, n], { dtype });
  for (let j = 0; j < n; j++) e._data[(off + j) * n + j] = 1;
  return ops.reshape(e, [N, ...shape]);
}

function jacfwdBlocks(f: (x: Args) => unknown, x: Args): Blocks {
  const xs = listOf("jacfwd", x);
  const N = xs.reduce((s, xi) => s + xi.size, 0);
  const offs: number[] = [];
  xs.reduce((o, xi) => (offs.push(o), o + xi.size), 0);
  const level = autodiffState.nextLevel++;
  const duals = xs.map((xi, i) => makeDual(level, xi, basisBlock(N, offs[i], xi.shape, xi.dtype)));
  const ys = outputsOf("jacfwd", f(x instanceof Tensor ? duals[0] : duals));
  for (const y of ys) {
    const t = tangentAt(y, level);
    if (t !== null && !allFinite(t) && allFinite(y)) diagnoseForward(() => jacfwdBlocks(f, x));
  }
  return ys.map((y) => {
    const t = tangentAt(y, level); // [N, ...y.shape]
    const r = y.shape.length;
    return xs.map((xi, i) => {
      const shape = [...y.shape, ...xi.shape];
      if (t === null) return zeros(shape, { dtype: y.dtype });
      const rows = ops.sliceRaw(t, {
        starts: [offs[i], ...y.shape.map(() => 0)],
        steps: [1, ...y.shape.map(() => 1)],
        sizes: [xi.size, ...y.shape],
      });
      // [n_i, ...outShape] → [...outShape, n_i] → [...outShape, ...inShape]
      const moved = r === 0 ? rows : ops.transpose(rows, [...y.shape.map((_, d) => d + 1), 0]);
      return ops.reshape(moved, shape);
    });
  });
}

/**
 * The Jacobian's title from the names given: ∂f/∂x by default, ∂(f, g)/∂(x, y) for several names (the
 * notation of a Jacobian of a map of several variables), ∂f/∂x for one.
 * @example jacobianTitle(["f", "g"], ["x", "y"]) // "∂(f, g)/∂(x, y)"
 */
export function jacobianTitle(outputNames?: readonly string[], inputNames?: readonly string[]): string {
  const group = (names: readonly string[] | undefined, fallback: string) =>
    names === undefined || names.length === 0
      ? fallback
      : names.length === 1
        ? names[0]
        : `(${names.join(", ")})`;
  return `∂${group(outputNames, "f")}/∂${group(inputNames, "x")}`;
}

function labelled(J: Tensor, opts: JacobianOptions): Tensor {
  if (J.shape.length !== 2) return J;
  const [m, n] = J.shape;
  const names = (given: readonly string[] | undefined, base: string, k: number) => {
    if (given === undefined) return Array.from({ length: k }, (_, i) => `${base}_${i + 1}`);
    if (given.length !== k)
      throw new RangeError(
        `jacobian: ${base === "x" ? "inputNames" : "outputNames"} has ${given.length} names for ${k} ${base === "x" ? "columns (inputs)" : "rows (outputs)"}`,
      );
    return given.slice();
  };
  const labels: AxisLabels = {
    kind: "jacobian",
    rows: names(opts.outputNames, "f", m),
    cols: names(opts.inputNames, "x", n),
    title: jacobianTitle(opts.outputNames, opts.inputNames),
  };
  // J is a fresh tensor made by this transform, so labelling it cannot leak onto a user's tensor.
  J.labels = labels;
  return J;
}

function shapeResult(
  blocks: Blocks,
  x: Args,
  yIsArray: boolean,
  opts: JacobianOptions,
): Tensor | Tensor[] | Tensor[][] {
  const lab = blocks.map((row) => row.map((J) => labelled(J, opts)));
  const xArr = !(x instanceof Tensor);
  if (!yIsArray) return xArr ? lab[0] : lab[0][0];
  return xArr ? lab : lab.map((row) => row[0]);
}

type JacFn = (x: Args) => unknown;
/** Any one-argument function (the overloads say what goes in and out). */
type AnyFn = (x: never) => unknown;

function jacobianWith(kind: "rev" | "fwd" | "auto", name: string, f: JacFn, x: Args, opts: JacobianOptions) {
  const mode = opts.mode ?? kind;
  if (mode !== "rev" && mode !== "fwd" && mode !== "auto")
    throw new RangeError(`${name}: mode must be "rev", "fwd" or "auto", got ${JSON.stringify(mode)}`);
  let yIsArray = false;
  const g: JacFn = (z) => {
    const y = f(z);
    yIsArray = Array.isArray(y);
    return y;
  };
  let blocks: Blocks;
  if (mode === "fwd") blocks = jacfwdBlocks(g, x);
  else {
    // "auto" records the forward pass as for reverse mode and keeps it unless the Jacobian is tall
    // (more outputs than inputs): then forward mode is cheaper and f runs once more.
    const rec = recordForward(g, x);
    const n = rec.xs.reduce((s, xi) => s + xi.size, 0);
    const m = rec.ys.reduce((s, y) => s + y.size, 0);
    blocks = mode === "auto" && n < m ? jacfwdBlocks(g, x) : jacrevBlocks(rec);
  }
  return shapeResult(blocks, x, yIsArray, opts);
}

/** Jacobian result: one tensor, or blocks per input (x an array) and/or per output (f returns an array). */
export type JacobianResult = Tensor | Tensor[] | Tensor[][];

/**
 * The Jacobian of f at x in numerator layout: shape [...outShape, ...inShape], entry (i, j) = ∂f_i/∂x_j.
 * Matrices carry row/column labels for display. Without x, returns the Jacobian function.
 * @example jacobian((x) => x.sigmoid(), tensor([0, 1]), { inputNames: ["a", "b"] })
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor, opts?: JacobianOptions): Tensor;
export function jacobian(f: (x: Tensor[]) => Tensor, x: readonly Tensor[], opts?: JacobianOptions): Tensor[];
export function jacobian(
  f: (x: Tensor) => Tensor,
  x?: undefined,
  opts?: JacobianOptions,
): (x: Tensor) => Tensor;
export function jacobian(fn: AnyFn, x?: Args, opts: JacobianOptions = {}): unknown {
  const f = fn as JacFn;
  if (x === undefined) return (z: Args) => jacobianWith("auto", "jacobian", f, z, opts);
  return jacobianWith("auto", "jacobian", f, x, opts);
}

/**
 * Reverse-mode Jacobian: all m basis cotangents pulled back in ONE batched backward pass.
 * @example jacrev((x) => W.matmul(x).add(b), x) // equals W
 */
export function jacrev(f: (x: Tensor) => Tensor, x: Tensor, opts?: JacobianOptions): Tensor;
export function jacrev(f: (x: Tensor[]) => Tensor, x: readonly Tensor[], opts?: JacobianOptions): Tensor[];
export function jacrev(
  f: (x: Tensor) => Tensor,
  x?: undefined,
  opts?: JacobianOptions,
): (x: Tensor) => Tensor;
export function jacrev(fn: AnyFn, x?: Args, opts: JacobianOptions = {}): unknown {
  const f = fn as JacFn;
  const o = { ...opts, mode: "rev" as const };
  if (x === undefined) return (z: Args) => jacobianWith("rev", "jacrev", f, z, o);
  return jacobianWith("rev", "jacrev", f, x, o);
}

/**
 * Forward-mode Jacobian: all n basis tangents pushed through f in ONE batched forward pass.
 * @example jacfwd((x) => x.tanh(), tensor([0, 1]))
 */
export function jacfwd(f: (x: Tensor) => Tensor, x: Tensor, opts?: JacobianOptions): Tensor;
export function jacfwd(f: (x: Tensor[]) => Tensor, x: readonly Tensor[], opts?: JacobianOptions): Tensor[];
export function jacfwd(
  f: (x: Tensor) => Tensor,
  x?: undefined,
  opts?: JacobianOptions,
): (x: Tensor) => Tensor;
export function jacfwd(fn: AnyFn, x?: Args, opts: JacobianOptions = {}): unknown {
  const f = fn as JacFn;
  const o = { ...opts, mode: "fwd" as const };
  if (x === undefined) return (z: Args) => jacobianWith("fwd", "jacfwd", f, z, o);
  return jacobianWith("fwd", "jacfwd", f, x, o);
}

/**
 * The Hessian of a scalar function: jacfwd(jacrev(f)) (forward over reverse), shape [...xShape, ...xShape].
 * Without x, returns the Hessian function.
 * @example hessian((x) => x.pow(3).sum(), tensor([1, 2])) // diag(6x)
 */
export function hessian(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  opts?: { inputNames?: readonly string[] },
): Tensor;
export function hessian(
  f: (x: Tensor) => Tensor,
  x?: undefined,
  opts?: { inputNames?: readonly string[] },
): (x: Tensor) => Tensor;
export function hessian(
  f: (x: Tensor) => Tensor,
  x?: Tensor,
  opts: { inputNames?: readonly string[] } = {},
): unknown {
  const h = (z: Tensor): Tensor => {
    ops.asTensor("hessian", z, "x");
    const scalarF = (v: Args): Tensor => {
      const y = f(v as Tensor);
      if (!(y instanceof Tensor) || y.size !== 1)
        throw new RangeError(
          `hessian: f must return a single number (size 1)${y instanceof Tensor ? `, got shape ${formatShape(y.shape)}` : ""}`,
        );
      return y;
    };
    const gradF = (w: Args) => jacobianWith("rev", "hessian", scalarF, w, { mode: "rev" }) as Tensor;
    const H = jacobianWith("fwd", "hessian", gradF, z, { mode: "fwd" }) as Tensor;
    const out = ops.reshape(H, [...z.shape, ...z.shape]);
    if (out.shape.length === 2) {
      const n = out.shape[0];
      const names =
        opts.inputNames?.length === n
          ? opts.inputNames.slice()
          : Array.from({ length: n }, (_, i) => `x_${i + 1}`);
      out.labels = { rows: names, cols: names, title: "∂²f/∂x∂x" };
    }
    return out;
  };
  return x === undefined ? h : h(x);
}

/**
 * Runs fn without recording onto the tape (values only; forward-mode still works).
 * @example const y = noGrad(() => model.forward(x))
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** @internal Exposed for customGrad and gradcheck. */
export { pullback as pullbackTo, variables as makeVariables, tangentAt, primalAt };
