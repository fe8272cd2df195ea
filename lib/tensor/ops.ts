/**
 * The primitive ops as functions: argument checks with clear errors, then `apply(primitive, ...)`.
 * Numbers are accepted wherever a tensor operand is and become scalars of the other operand's dtype.
 */
import { Tensor } from "./tensor.js";
import { allocate, checkDType, type DType } from "./dtype.js";
import {
  checkShape,
  formatShape,
  normalizeAxes,
  normalizeAxis,
  sameShape,
  sizeOf,
  type Shape,
} from "./shape.js";
import { apply } from "../autodiff/apply.js";
import * as P from "../autodiff/primitives/index.js";
import type { SliceParams } from "../autodiff/primitives/layout.js";

/** A tensor or a plain number (broadcast as a scalar). */
export type Operand = Tensor | number;

/** @internal A scalar tensor. */
export function scalarOf(v: number, dtype: DType): Tensor {
  const d = allocate(dtype, 1);
  d[0] = v;
  return new Tensor(d, [], dtype);
}

/** @internal A zero tensor of a shape. */
export function zerosOf(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape, dtype);
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return "an array (wrap it with tensor(...))";
  return x === null ? "null" : typeof x;
}

/** @internal Checks that x is a Tensor. */
export function asTensor(op: string, x: unknown, what = "argument"): Tensor {
  if (x instanceof Tensor) return x;
  throw new TypeError(`${op}: ${what} must be a Tensor, got ${describe(x)}`);
}

function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === "number") {
    if (typeof b === "number") return [scalarOf(a, "float64"), scalarOf(b, "float64")];
    return [scalarOf(a, asTensor(op, b).dtype), b];
  }
  asTensor(op, a, "first operand");
  if (typeof b === "number") return [a, scalarOf(b, a.dtype)];
  asTensor(op, b, "second operand");
  if (a.dtype !== b.dtype)
    throw new TypeError(
      `${op}: dtype mismatch: ${formatShape(a.shape)} ${a.dtype} and ${formatShape(b.shape)} ${b.dtype}; convert one with .astype("${a.dtype}")`,
    );
  return [a, b];
}

/** Element-wise a + b with broadcasting. @example add(tensor([1, 2]), 1) // [2, 3] */
export function add(a: Operand, b: Operand): Tensor {
  return apply(P.add, operands("add", a, b), undefined);
}
/** Element-wise a − b. @example sub(tensor([3]), tensor([1])) // [2] */
export function sub(a: Operand, b: Operand): Tensor {
  return apply(P.sub, operands("sub", a, b), undefined);
}
/** Element-wise a · b. @example mul(tensor([2, 3]), 2) // [4, 6] */
export function mul(a: Operand, b: Operand): Tensor {
  return apply(P.mul, operands("mul", a, b), undefined);
}
/** Element-wise a / b. @example div(tensor([1]), 4) // [0.25] */
export function div(a: Operand, b: Operand): Tensor {
  return apply(P.div, operands("div", a, b), undefined);
}
/** Element-wise a^b. @example pow(tensor([3]), 2) // [9] */
export function pow(a: Operand, b: Operand): Tensor {
  return apply(P.pow, operands("pow", a, b), undefined);
}
/** Element-wise max(a, b) (ties split the gradient evenly). @example maximum(tensor([-1, 2]), 0) // [0, 2] */
export function maximum(a: Operand, b: Operand): Tensor {
  return apply(P.maximum, operands("maximum", a, b), undefined);
}
/** 1 where a = b, else 0. @example eq(tensor([1, 2]), 2) // [0, 1] */
export function eq(a: Operand, b: Operand): Tensor {
  return apply(P.eq, operands("eq", a, b), undefined);
}
/** 1 where a ≠ b, else 0. @example ne(tensor([1, 2]), 2) // [1, 0] */
export function ne(a: Operand, b: Operand): Tensor {
  return apply(P.ne, operands("ne", a, b), undefined);
}
/** 1 where a < b, else 0. @example lt(tensor([1, 2]), 2) // [1, 0] */
export function lt(a: Operand, b: Operand): Tensor {
  return apply(P.lt, operands("lt", a, b), undefined);
}
/** 1 where a ≤ b, else 0. @example le(tensor([1, 2]), 2) // [1, 1] */
export function le(a: Operand, b: Operand): Tensor {
  return apply(P.le, operands("le", a, b), undefined);
}
/** 1 where a > b, else 0. @example gt(tensor([1, 2]), 1) // [0, 1] */
export function gt(a: Operand, b: Operand): Tensor {
  return apply(P.gt, operands("gt", a, b), undefined);
}
/** 1 where a ≥ b, else 0. @example ge(tensor([1, 2]), 2) // [0, 1] */
export function ge(a: Operand, b: Operand): Tensor {
  return apply(P.ge, operands("ge", a, b), undefined);
}

/**
 * where(cond, a, b): a where cond ≠ 0, else b (all broadcast). cond gets no gradient.
 * @example where(gt(x, 0), x, 0) // relu
 */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  asTensor("where", cond, "condition");
  const [x, y] = operands("where", a, b);
  return apply(P.where, [cond, x, y], undefined);
}

function unaryOp(op: string, prim: (typeof P)["exp"], x: Tensor): Tensor {
  return apply(prim, [asTensor(op, x)], undefined);
}

/** −x. @example neg(tensor([1])) // [-1] */
export function neg(x: Tensor): Tensor {
  return unaryOp("neg", P.neg, x);
}
/** eˣ. @example exp(tensor([0])) // [1] */
export function exp(x: Tensor): Tensor {
  return unaryOp("exp", P.exp, x);
}
/** Natural log. @example log(tensor([1])) // [0] */
export function log(x: Tensor): Tensor {
  return unaryOp("log", P.log, x);
}
/** ln(1 + x), accurate near 0. @example log1p(tensor([0])) // [0] */
export function log1p(x: Tensor): Tensor {
  return unaryOp("log1p", P.log1p, x);
}
/** Square root. @example sqrt(tensor([4])) // [2] */
export function sqrt(x: Tensor): Tensor {
  return unaryOp("sqrt", P.sqrt, x);
}
/** |x|. @example abs(tensor([-2])) // [2] */
export function abs(x: Tensor): Tensor {
  return unaryOp("abs", P.abs, x);
}
/** sign(x) ∈ {−1, 0, 1} (no gradient). @example sign(tensor([-2, 0])) // [-1, 0] */
export function sign(x: Tensor): Tensor {
  return unaryOp("sign", P.sign, x);
}
/** sin x. @example sin(tensor([0])) // [0] */
export function sin(x: Tensor): Tensor {
  return unaryOp("sin", P.sin, x);
}
/** cos x. @example cos(tensor([0])) // [1] */
export function cos(x: Tensor): Tensor {
  return unaryOp("cos", P.cos, x);
}
/** tanh x. @example tanh(tensor([0])) // [0] */
export function tanh(x: Tensor): Tensor {
  return unaryOp("tanh", P.tanh, x);
}

/**
 * Sum over `axis` (a number, a list, or all when omitted), keeping reduced axes as size 1 if `keepdims`.
 * @example sum(tensor([[1, 2], [3, 4]]), 0) // [4, 6]
 */
export function sum(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  asTensor("sum", x);
  return apply(P.sum, [x], { axes: normalizeAxes("sum", axis, x.shape.length), keepdims });
}

/**
 * Max over `axis` (all when omitted); ties share the gradient.
 * @example max(tensor([[1, 5], [3, 4]]), 1) // [5, 4]
 */
export function max(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  asTensor("max", x);
  if (x.size === 0) throw new RangeError(`max: empty tensor ${formatShape(x.shape)} has no maximum`);
  return apply(P.max, [x], { axes: normalizeAxes("max", axis, x.shape.length), keepdims });
}

/**
 * Same values in a new shape; one entry may be −1 (inferred).
 * @example reshape(arange(6), [2, -1]).shape // [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  asTensor("reshape", x);
  // fast path: a fully specified shape of the right size (what rules and matmul produce)
  let n = 1;
  let plain = true;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!(d >= 0 && Number.isInteger(d))) plain = false;
    n *= d;
  }
  if (plain && n === x.size) {
    if (sameShape(shape, x.shape)) return x;
    return apply(P.reshape, [x], { shape: shape.slice() });
  }
  const s = shape.slice();
  const free = s.indexOf(-1);
  if (free >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== free));
    if (rest === 0 || x.size % rest !== 0)
      throw new RangeError(`reshape: cannot reshape ${formatShape(x.shape)} into ${formatShape(shape)}`);
    s[free] = x.size / rest;
  }
  checkShape("reshape", s);
  if (sizeOf(s) !== x.size)
    throw new RangeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)} (${sizeOf(s)} elements)`,
    );
  if (sameShape(s, x.shape)) return x;
  return apply(P.reshape, [x], { shape: s });
}

/**
 * Permutes axes (default: reverses them, so a matrix is transposed).
 * @example transpose(tensor([[1, 2, 3]])).shape // [3, 1]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  asTensor("transpose", x);
  const r = x.shape.length;
  const p = perm
    ? perm.map((a) => normalizeAxis("transpose", a, r))
    : Array.from({ length: r }, (_, i) => r - 1 - i);
  if (p.length !== r || new Set(p).size !== r)
    throw new RangeError(
      `transpose: [${perm?.join(",")}] is not a permutation of the ${r} axes of ${formatShape(x.shape)}`,
    );
  if (p.every((a, i) => a === i)) return x;
  return apply(P.transpose, [x], { perm: p });
}

/**
 * Broadcasts to a shape (NumPy rules).
 * @example broadcastTo(tensor([1, 2]), [3, 2]).shape // [3, 2]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  asTensor("broadcastTo", x);
  checkShape("broadcastTo", shape);
  if (sameShape(x.shape, shape)) return x;
  const off = shape.length - x.shape.length;
  const ok = off >= 0 && x.shape.every((d, i) => d === 1 || d === shape[i + off]);
  if (!ok)
    throw new RangeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  return apply(P.broadcastTo, [x], { shape: shape.slice() });
}

/** @internal The slice primitive with explicit starts/steps/sizes (see `slice` for the friendly form). */
export function sliceRaw(x: Tensor, p: SliceParams): Tensor {
  return apply(P.slice, [x], p);
}

/** @internal Zero tensor of `shape` with x written at the slice positions (the slice's transpose). */
export function pad(x: Tensor, p: SliceParams, shape: readonly number[]): Tensor {
  return apply(P.pad, [x], { starts: p.starts, steps: p.steps, sizes: p.sizes, shape });
}

/**
 * Joins tensors along an existing axis.
 * @example concat([tensor([1]), tensor([2, 3])]) // [1, 2, 3]
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!xs || typeof xs.length !== "number" || xs.length === 0)
    throw new TypeError("concat: expected a non-empty array of tensors");
  xs.forEach((x, i) => asTensor("concat", x, `element ${i}`));
  const r = xs[0].shape.length;
  if (r === 0) throw new RangeError("concat: cannot concatenate scalars; use stack");
  const a = normalizeAxis("concat", axis, r);
  for (const x of xs) {
    if (x.dtype !== xs[0].dtype) throw new TypeError(`concat: dtype mismatch: ${xs[0].dtype} and ${x.dtype}`);
    if (x.shape.length !== r || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i]))
      throw new RangeError(
        `concat: shapes ${xs.map((y) => formatShape(y.shape)).join(", ")} differ outside axis ${axis}`,
      );
  }
  if (xs.length === 1) return xs[0];
  return apply(P.concat, xs, { axis: a });
}

/** Converts to another dtype (differentiable). @example cast(x, "float32") */
export function cast(x: Tensor, dtype: DType): Tensor {
  asTensor("astype", x);
  checkDType("astype", dtype);
  if (x.dtype === dtype) return x;
  return apply(P.cast, [x], { dtype });
}

/** @internal The matmul primitive with transpose flags (tensors of rank ≥ 2). */
export function matmulT(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  return apply(P.matmul, [a, b], { ta, tb });
}

/**
 * Matrix product with NumPy semantics: batched over leading axes; a 1-D left operand is a row vector, a
 * 1-D right operand a column vector (and that axis is dropped from the result).
 * @example matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])) // [3, 7]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return matmulWith(a, b, false);
}

/**
 * a @ bᵀ (last two axes of b swapped) without copying b; what a linear layer computes with W stored
 * [out, in].
 * @example matmulTransposed(x, W) // x @ Wᵀ
 */
export function matmulTransposed(a: Tensor, b: Tensor): Tensor {
  return matmulWith(a, b, true);
}

function matmulWith(a: Tensor, b: Tensor, tb: boolean): Tensor {
  asTensor("matmul", a, "left operand");
  asTensor("matmul", b, "right operand");
  if (a.dtype !== b.dtype) throw new TypeError(`matmul: dtype mismatch: ${a.dtype} and ${b.dtype}`);
  if (a.shape.length === 0 || b.shape.length === 0)
    throw new RangeError(
      `matmul: ${formatShape(a.shape)} @ ${formatShape(b.shape)}: scalars are not matrices; use mul`,
    );
  const ka = a.shape[a.shape.length - 1];
  const rb = b.shape.length;
  const kb = rb === 1 ? b.shape[0] : tb ? b.shape[rb - 1] : b.shape[rb - 2];
  if (ka !== kb)
    throw new RangeError(
      `matmul: ${formatShape(a.shape)} @ ${formatShape(b.shape)}${tb ? "ᵀ" : ""}: inner dimensions ${ka} and ${kb} differ`,
    );
  const av = keepName(a, a.shape.length === 1 ? reshape(a, [1, ka]) : a);
  const bv = keepName(b, rb === 1 ? reshape(b, tb ? [1, kb] : [kb, 1]) : b);
  const y = apply(P.matmul, [av, bv], { ta: false, tb });
  if (a.shape.length === 1 && rb === 1) return reshape(y, []);
  if (a.shape.length === 1) return reshape(y, [...y.shape.slice(0, -2), y.shape[y.shape.length - 1]]);
  if (rb === 1) return reshape(y, y.shape.slice(0, -1));
  return y;
}

/**
 * A vector operand's untaped reshape (no gradient needed, so no node links it back) keeps the user's name,
 * so graphs label it "x" rather than an anonymous constant. A taped reshape stays unnamed: the trace
 * merges it into its input.
 */
function keepName(original: Tensor, view: Tensor): Tensor {
  if (view !== original && view.node === null && view.name === undefined) view.name = original.name;
  return view;
}

/** @internal A fresh differentiable alias of x (a new variable for grad/jacobian). */
export function identity(x: Tensor): Tensor {
  return apply(P.identity, [x], undefined);
}
