/**
 * The Tensor: an immutable n-dimensional array of float64 (default) or float32 values, row-major, with the
 * autodiff fields beside it. Ops never change a tensor; they return new ones (optimizers are the one
 * exception: they update parameters in place between steps, as PyTorch does under no_grad).
 */
import type { AxisLabels, MimeBundle } from "../display/view.js";
import { DISPLAY } from "../display/view.js";
import { tensorBundle } from "../display/tensor.js";
import { tensorText } from "../display/text.js";
import type { Dual, Node } from "../autodiff/primitive.js";
import type { DType, Storage } from "./dtype.js";
import * as ops from "./ops.js";
import * as comp from "./composite.js";
import { backward as runBackward } from "../autodiff/backward.js";
import type { Shape } from "./shape.js";

type Operand = Tensor | number;
type Axes = number | readonly number[];

export class Tensor {
  /** Dimensions, e.g. [2, 3]; [] for a scalar. */
  readonly shape: readonly number[];
  /** "float64" (default) or "float32". */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal Storage (row-major). Read values with `.data` (a copy) or `.toArray()`. */
  _data: Storage;
  /** Whether gradients flow to this tensor (leaves: set by the user; others: inherited from inputs). */
  requiresGrad: boolean;
  /** Gradient accumulated by `.backward()` (leaves and intermediate tensors alike, as in micrograd). */
  grad: Tensor | null;
  /** The tape node that produced this tensor (null for leaves); see lib/autodiff/primitive.ts. */
  node: Node | null;
  /** @internal Forward-mode dual (see lib/autodiff/apply.ts). */
  _fw: Dual | null;
  /** Optional user-given name, shown in graphs and displays. */
  name: string | undefined;
  /** Row/column labels (set on Jacobians). */
  labels: AxisLabels | undefined;
  /** @internal Which backward pass last visited this tensor, and its position there (see backward.ts). */
  _pass: number;
  /** @internal */
  _slot: number;

  /** @internal Use `tensor(...)`, `zeros(...)` etc. The storage is taken, not copied. */
  constructor(data: Storage, shape: Shape, dtype: DType) {
    this.shape = shape;
    this.dtype = dtype;
    this.size = data.length;
    this._data = data;
    this.requiresGrad = false;
    this.grad = null;
    this.node = null;
    this._fw = null;
    this.name = undefined;
    this.labels = undefined;
    this._pass = 0;
    this._slot = 0;
  }

  /**
   * A COPY of the values, row-major, as a typed array of the tensor's dtype. Writing to it does not
   * change the tensor (tensors are immutable); read it once, then index it.
   * @example const d = tensor([[1, 2], [3, 4]]).data; d[3] // 4
   */
  get data(): Storage {
    return this._data.slice();
  }

  /** Number of dimensions. @example tensor([[1, 2]]).ndim // 2 */
  get ndim(): number {
    return this.shape.length;
  }

  /** The values as nested arrays (a number for a scalar). @example tensor([1, 2]).toArray() // [1, 2] */
  toArray(): NestedArray {
    return toNested(this._data, this.shape, 0, 0);
  }

  /** The single value of a size-1 tensor. @example tensor([[5]]).item() // 5 */
  item(): number {
    if (this.size !== 1)
      throw new RangeError(
        `item: tensor has ${this.size} elements (shape [${this.shape.join(",")}]); expected 1`,
      );
    return this._data[0];
  }

  /** Sets the name (returns this). @example const W = randn([2, 3]).named("W") */
  named(name: string): this {
    this.name = name;
    return this;
  }

  /** Marks this tensor as a leaf that gradients flow to (returns this). @example x.requireGrad() */
  requireGrad(on = true): this {
    this.requiresGrad = on;
    return this;
  }

  /** Forgets the accumulated gradient. @example w.zeroGrad() */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Reverse-mode pass from this tensor: accumulates `.grad` on every tensor of its graph. A non-scalar
   * needs the upstream gradient `ct` of the same shape.
   * @example const y = x.mul(x).sum(); y.backward(); x.grad // 2x
   */
  backward(ct?: Tensor, opts: { createGraph?: boolean } = {}): void {
    runBackward(this, ct, opts);
  }

  /** Same values, cut off from the tape and from forward-mode tangents. @example y.detach() */
  detach(): Tensor {
    return new Tensor(this._data, this.shape, this.dtype);
  }

  /** Converts to another dtype (differentiable). @example x.astype("float32") */
  astype(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }

  /** A + b element-wise (broadcasting). @example x.add(1) */
  add(b: Operand): Tensor {
    return ops.add(this, b);
  }
  /** A − b element-wise. @example x.sub(y) */
  sub(b: Operand): Tensor {
    return ops.sub(this, b);
  }
  /** A · b element-wise. @example x.mul(2) */
  mul(b: Operand): Tensor {
    return ops.mul(this, b);
  }
  /** A / b element-wise. @example x.div(y) */
  div(b: Operand): Tensor {
    return ops.div(this, b);
  }
  /** A^b element-wise. @example x.pow(2) */
  pow(b: Operand): Tensor {
    return ops.pow(this, b);
  }
  /** Max(a, b) element-wise. @example x.maximum(0) */
  maximum(b: Operand): Tensor {
    return ops.maximum(this, b);
  }
  /** Min(a, b) element-wise. @example x.minimum(1) */
  minimum(b: Operand): Tensor {
    return comp.minimum(this, b);
  }
  /** 1 where equal, else 0. @example x.eq(0) */
  eq(b: Operand): Tensor {
    return ops.eq(this, b);
  }
  /** 1 where different, else 0. @example x.ne(0) */
  ne(b: Operand): Tensor {
    return ops.ne(this, b);
  }
  /** 1 where a < b, else 0. @example x.lt(0) */
  lt(b: Operand): Tensor {
    return ops.lt(this, b);
  }
  /** 1 where a ≤ b, else 0. @example x.le(0) */
  le(b: Operand): Tensor {
    return ops.le(this, b);
  }
  /** 1 where a > b, else 0. @example x.gt(0) */
  gt(b: Operand): Tensor {
    return ops.gt(this, b);
  }
  /** 1 where a ≥ b, else 0. @example x.ge(0) */
  ge(b: Operand): Tensor {
    return ops.ge(this, b);
  }
  /** −x. @example x.neg() */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** Eˣ. @example x.exp() */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** Natural log. @example x.log() */
  log(): Tensor {
    return ops.log(this);
  }
  /** Ln(1 + x). @example x.log1p() */
  log1p(): Tensor {
    return ops.log1p(this);
  }
  /** Square root. @example x.sqrt() */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** |x|. @example x.abs() */
  abs(): Tensor {
    return ops.abs(this);
  }
  /** Sign(x) ∈ {−1, 0, 1}. @example x.sign() */
  sign(): Tensor {
    return ops.sign(this);
  }
  /** Sin x. @example x.sin() */
  sin(): Tensor {
    return ops.sin(this);
  }
  /** Cos x. @example x.cos() */
  cos(): Tensor {
    return ops.cos(this);
  }
  /** Tanh x. @example x.tanh() */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** X². @example x.square() */
  square(): Tensor {
    return comp.square(this);
  }
  /** Σ(x) = 1/(1+e^(−x)). @example x.sigmoid() */
  sigmoid(): Tensor {
    return comp.sigmoid(this);
  }
  /** Max(x, 0). @example x.relu() */
  relu(): Tensor {
    return comp.relu(this);
  }
  /** Ln(1 + eˣ). @example x.softplus() */
  softplus(): Tensor {
    return comp.softplus(this);
  }
  /** Sum over axes (all by default). @example x.sum(0, true) */
  sum(axis?: Axes, keepdims = false): Tensor {
    return ops.sum(this, axis, keepdims);
  }
  /** Mean over axes (all by default). @example x.mean() */
  mean(axis?: Axes, keepdims = false): Tensor {
    return comp.mean(this, axis, keepdims);
  }
  /** Max over axes (all by default). @example x.max(-1) */
  max(axis?: Axes, keepdims = false): Tensor {
    return ops.max(this, axis, keepdims);
  }
  /** Min over axes (all by default). @example x.min(-1) */
  min(axis?: Axes, keepdims = false): Tensor {
    return comp.min(this, axis, keepdims);
  }
  /** Log Σ exp over axes, stable. @example x.logsumexp(-1) */
  logsumexp(axis?: Axes, keepdims = false): Tensor {
    return comp.logsumexp(this, axis, keepdims);
  }
  /** Softmax along an axis (default last). @example logits.softmax() */
  softmax(axis = -1): Tensor {
    return comp.softmax(this, axis);
  }
  /** Log softmax along an axis (default last). @example logits.logSoftmax() */
  logSoftmax(axis = -1): Tensor {
    return comp.logSoftmax(this, axis);
  }
  /** Matrix product (NumPy semantics). @example W.matmul(x) */
  matmul(b: Tensor): Tensor {
    return ops.matmul(this, b);
  }
  /** Inner product of vectors. @example u.dot(v) */
  dot(b: Tensor): Tensor {
    return comp.dot(this, b);
  }
  /** Same values, new shape (−1 infers one dim). @example x.reshape([2, -1]) */
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** All elements in one axis. @example x.flatten() */
  flatten(): Tensor {
    return comp.flatten(this);
  }
  /** Drops size-1 axes. @example x.squeeze() */
  squeeze(axis?: Axes): Tensor {
    return comp.squeeze(this, axis);
  }
  /** Inserts a size-1 axis. @example x.unsqueeze(0) */
  unsqueeze(axis: number): Tensor {
    return comp.unsqueeze(this, axis);
  }
  /** Permutes axes (default: reverses them). @example x.transpose([1, 0]) */
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  /** Transpose (reverses the axes). @example tensor([[1, 2]]).T.shape // [2, 1] */
  get T(): Tensor {
    return ops.transpose(this);
  }
  /** Broadcasts to a shape. @example b.broadcastTo([4, 3]) */
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  /** Slices axis by axis: index, null, or [start, end, step]. @example x.slice(null, [0, 2]) */
  slice(...ranges: comp.SliceRange[]): Tensor {
    return comp.slice(this, ...ranges);
  }
  /** Entry i along the first axis. @example x.index(0) */
  index(i: number): Tensor {
    return comp.index(this, i);
  }
  /** Diagonal of a matrix, or the diagonal matrix of a vector. @example x.diag() */
  diag(): Tensor {
    return comp.diag(this);
  }

  /**
   * JSON form: { shape, dtype, values (nested arrays), name? }. Also keeps generic serialisers (test
   * runners, loggers) from walking getters such as `.T`, which make a new tensor on every access.
   * @example JSON.stringify(tensor([1, 2])) // {"shape":[2],"dtype":"float64","values":[1,2]}
   */
  toJSON(): { shape: number[]; dtype: DType; values: NestedArray; name?: string } {
    const out: { shape: number[]; dtype: DType; values: NestedArray; name?: string } = {
      shape: this.shape.slice(),
      dtype: this.dtype,
      values: this.toArray(),
    };
    if (this.name !== undefined) out.name = this.name;
    return out;
  }

  /**
   * Plain-text form, NumPy style: the same text as the display bundle's text/plain (one format for
   * console.log, the REPL and `jupyter console`; a Jacobian prints as its labelled grid).
   * @example String(tensor([1, 2])) // "tensor([1, 2], shape=[2], dtype=float64)"
   */
  toString(): string {
    return tensorText(this);
  }

  /** Rich display (Jupyter / Deno convention). */
  [DISPLAY](): MimeBundle {
    return tensorBundle(this);
  }

  /** What console.log and Node's REPL print: the same text as `toString()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return tensorText(this);
  }
}

export type NestedArray = number | NestedArray[];

function toNested(d: Storage, shape: Shape, axis: number, off: number): NestedArray {
  if (axis === shape.length) return d[off];
  const n = shape[axis];
  let stride = 1;
  for (let i = axis + 1; i < shape.length; i++) stride *= shape[i];
  const out = new Array<NestedArray>(n);
  for (let i = 0; i < n; i++) out[i] = toNested(d, shape, axis + 1, off + i * stride);
  return out;
}
