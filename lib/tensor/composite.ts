/**
 * Composite ops: each is a line or two of primitives and has NO derivative code of its own (tinygrad's
 * lesson). Their gradients, Jacobians and higher derivatives all come from the primitives' rules.
 */
import type { Tensor } from "./tensor.js";
import * as ops from "./ops.js";
import { asTensor, type Operand } from "./ops.js";
import { formatShape, normalizeAxes, normalizeAxis, reducedShape } from "./shape.js";
import { eye } from "./create.js";
import { scoped } from "../autodiff/state.js";

type Axes = number | readonly number[];

/** x². @example square(tensor([3])) // [9] */
export function square(x: Tensor): Tensor {
  return ops.mul(x, x);
}

/** σ(x) = 1/(1+e^(−x)), computed as (1 + tanh(x/2))/2, which never overflows. @example sigmoid(tensor([0])) // [0.5] */
export function sigmoid(x: Tensor): Tensor {
  return scoped("sigmoid", () => {
    return ops.add(ops.mul(ops.tanh(ops.mul(x, 0.5)), 0.5), 0.5);
  });
}

/** max(x, 0), with derivative 0 at 0 (the usual convention). @example relu(tensor([-1, 2])) // [0, 2] */
export function relu(x: Tensor): Tensor {
  return scoped("relu", () => {
    return ops.where(ops.gt(x, 0), x, 0);
  });
}

/**
 * ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^(−|x|)) (no overflow); its derivative is σ(x).
 * @example softplus(tensor([0])) // [0.6931]
 */
export function softplus(x: Tensor): Tensor {
  return scoped("softplus", () => {
    return ops.add(ops.maximum(x, 0), ops.log1p(ops.exp(ops.neg(ops.abs(x)))));
  });
}

/** Element-wise min(a, b) = −max(−a, −b). @example minimum(tensor([1, 5]), 3) // [1, 3] */
export function minimum(a: Operand, b: Operand): Tensor {
  return scoped("minimum", () => {
    const na = typeof a === "number" ? -a : ops.neg(a);
    const nb = typeof b === "number" ? -b : ops.neg(b);
    return ops.neg(ops.maximum(na, nb));
  });
}

/** Min over axes = −max(−x). @example min(tensor([[1, 5], [3, 4]]), 1) // [1, 3] */
export function min(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return scoped("min", () => {
    return ops.neg(ops.max(ops.neg(asTensor("min", x)), axis, keepdims));
  });
}

/** Mean over axes (all when omitted). @example mean(tensor([1, 2, 3])) // 2 */
export function mean(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return scoped("mean", () => {
    asTensor("mean", x);
    const axes = normalizeAxes("mean", axis, x.shape.length);
    const count = axes.reduce((n, a) => n * x.shape[a], 1);
    return ops.div(ops.sum(x, axes, keepdims), count);
  });
}

/**
 * log Σ exp(x) over axes, stable: the max m is subtracted first and treated as a constant (exact, since
 * m + log Σ exp(x − m) does not depend on m).
 * @example logsumexp(tensor([0, 0])) // ln 2
 */
export function logsumexp(x: Tensor, axis?: Axes, keepdims = false): Tensor {
  return scoped("logsumexp", () => {
    asTensor("logsumexp", x);
    const axes = normalizeAxes("logsumexp", axis, x.shape.length);
    const m0 = ops.max(x, axes, true).detach();
    const m = ops.where(ops.eq(m0, -Infinity), 0, m0);
    const y = ops.add(ops.log(ops.sum(ops.exp(ops.sub(x, m)), axes, true)), m);
    return keepdims ? y : ops.reshape(y, reducedShape(x.shape, axes, false));
  });
}

/** Softmax along an axis (default last): eˣ / Σ eˣ, shifted by the max. @example softmax(tensor([0, 0])) // [0.5, 0.5] */
export function softmax(x: Tensor, axis = -1): Tensor {
  return scoped("softmax", () => {
    asTensor("softmax", x);
    const e = ops.exp(ops.sub(x, ops.max(x, axis, true).detach()));
    return ops.div(e, ops.sum(e, axis, true));
  });
}

/** log softmax along an axis (default last): x − logsumexp(x). @example logSoftmax(tensor([0, 0])) // [-0.6931, -0.6931] */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return scoped("logSoftmax", () => {
    return ops.sub(x, logsumexp(x, axis, true));
  });
}

/** Inner product of vectors, or matmul for higher ranks. @example dot(tensor([1, 2]), tensor([3, 4])) // 11 */
export function dot(a: Tensor, b: Tensor): Tensor {
  return ops.matmul(a, b);
}

/** Outer product of two vectors: [m] ⊗ [n] → [m, n]. @example outer(tensor([1, 2]), tensor([3])) // [[3], [6]] */
export function outer(a: Tensor, b: Tensor): Tensor {
  return scoped("outer", () => {
    return ops.mul(unsqueeze(flatten(a), -1), flatten(b));
  });
}

/** All elements as one axis. @example flatten(zeros([2, 3])).shape // [6] */
export function flatten(x: Tensor): Tensor {
  return ops.reshape(asTensor("flatten", x), [x.size]);
}

/** Inserts a size-1 axis. @example unsqueeze(tensor([1, 2]), 0).shape // [1, 2] */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  asTensor("unsqueeze", x);
  const a = normalizeAxis("unsqueeze", axis, x.shape.length + 1);
  const s = x.shape.slice();
  s.splice(a, 0, 1);
  return ops.reshape(x, s);
}

/** Removes size-1 axes (all, or the given ones). @example squeeze(zeros([1, 3, 1])).shape // [3] */
export function squeeze(x: Tensor, axis?: Axes): Tensor {
  asTensor("squeeze", x);
  const axes =
    axis === undefined
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes("squeeze", axis, x.shape.length);
  for (const a of axes)
    if (x.shape[a] !== 1)
      throw new RangeError(`squeeze: axis ${a} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  return ops.reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Stacks same-shaped tensors along a new axis. @example stack([tensor(1), tensor(2)]) // [1, 2] */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  return scoped("stack", () => {
    if (!xs || typeof xs.length !== "number" || xs.length === 0)
      throw new TypeError("stack: expected a non-empty array of tensors");
    const s0 = asTensor("stack", xs[0], "element 0").shape;
    xs.forEach((x, i) => {
      asTensor("stack", x, `element ${i}`);
      if (formatShape(x.shape) !== formatShape(s0))
        throw new RangeError(
          `stack: element ${i} has shape ${formatShape(x.shape)}, element 0 has ${formatShape(s0)}`,
        );
    });
    const a = normalizeAxis("stack", axis, s0.length + 1);
    return ops.concat(
      xs.map((x) => unsqueeze(x, a)),
      a,
    );
  });
}

/**
 * One axis of a slice: an index (the axis is dropped), null (everything), or [start, end, step] with
 * Python semantics (negative counts from the end, missing means the whole range, step ≥ 1).
 */
export type SliceRange =
  number | null | undefined | readonly [start?: number | null, end?: number | null, step?: number];

/**
 * Slices axis by axis: `slice(x, 0)` is the first row, `slice(x, null, [1, 3])` columns 1..2.
 * @example slice(tensor([[1, 2, 3], [4, 5, 6]]), null, [0, 2]) // [[1, 2], [4, 5]]
 */
export function slice(x: Tensor, ...ranges: SliceRange[]): Tensor {
  return scoped("slice", () => {
    asTensor("slice", x);
    const r = x.shape.length;
    if (ranges.length > r)
      throw new RangeError(
        `slice: ${ranges.length} ranges given for a tensor of rank ${r} ${formatShape(x.shape)}`,
      );
    const starts: number[] = [];
    const steps: number[] = [];
    const sizes: number[] = [];
    const keep: number[] = [];
    for (let d = 0; d < r; d++) {
      const n = x.shape[d];
      const rg = ranges[d];
      if (typeof rg === "number") {
        if (!Number.isInteger(rg) || rg < -n || rg >= n)
          throw new RangeError(`slice: index ${rg} is out of range for axis ${d} of size ${n}`);
        starts.push(rg < 0 ? rg + n : rg);
        steps.push(1);
        sizes.push(1);
        continue;
      }
      keep.push(d);
      const [s0, e0, st = 1] = rg ?? [];
      if (!Number.isInteger(st) || st < 1)
        throw new RangeError(`slice: step ${st} must be a positive integer`);
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
      const s = s0 == null ? 0 : clamp(s0);
      const e = e0 == null ? n : clamp(e0);
      starts.push(s);
      steps.push(st);
      sizes.push(e > s ? Math.ceil((e - s) / st) : 0);
    }
    const y = ops.sliceRaw(x, { starts, steps, sizes });
    return keep.length === r
      ? y
      : ops.reshape(
          y,
          keep.map((d) => sizes[d]),
        );
  });
}

/** Entry i along the first axis (negative counts from the end). @example index(tensor([[1, 2], [3, 4]]), 1) // [3, 4] */
export function index(x: Tensor, i: number): Tensor {
  return slice(x, i);
}

/**
 * diag of a matrix is its diagonal (a vector); diag of a vector is the diagonal matrix.
 * @example diag(tensor([1, 2])) // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor): Tensor {
  return scoped("diag", () => {
    asTensor("diag", x);
    if (x.shape.length === 1) return ops.mul(unsqueeze(x, -1), eye(x.shape[0], { dtype: x.dtype }));
    if (x.shape.length !== 2)
      throw new RangeError(`diag: expected a vector or a matrix, got ${formatShape(x.shape)}`);
    const [m, n] = x.shape;
    const k = Math.min(m, n);
    return ops.sliceRaw(flatten(x), { starts: [0], steps: [n + 1], sizes: [k] });
  });
}

/**
 * A linear layer's map x @ Wᵀ + b with W stored [out, in] (no transpose copy).
 * @example linear(x, W, b) // same as add(matmul(x, W.T), b)
 */
export function linear(x: Tensor, W: Tensor, b?: Tensor | null): Tensor {
  return scoped("linear", () => {
    const y = ops.matmulTransposed(x, W);
    return b ? ops.add(y, b) : y;
  });
}
