/**
 * Making tensors: from data (numbers, nested arrays, typed arrays), constant fills, ranges and seeded
 * random numbers.
 */
import { Tensor } from "./tensor.js";
import { allocate, checkDType, type DType, type Storage } from "./dtype.js";
import { checkShape, formatShape, sizeOf } from "./shape.js";
import { Random } from "./random.js";

export interface TensorOptions {
  /** "float64" (default) or "float32". */
  dtype?: DType;
  /** Make this a leaf that gradients flow to (`.backward()` fills `.grad`). */
  requiresGrad?: boolean;
  /** A name shown in graphs and displays. */
  name?: string;
}

function finish(data: Storage, shape: number[], opts: TensorOptions): Tensor {
  const t = new Tensor(data, shape, data instanceof Float32Array ? "float32" : "float64");
  if (opts.requiresGrad) t.requiresGrad = true;
  if (opts.name !== undefined) t.name = opts.name;
  return t;
}

function dtypeOf(op: string, opts: TensorOptions | undefined, fallback: DType = "float64"): DType {
  return opts?.dtype === undefined ? fallback : checkDType(op, opts.dtype);
}

/** Nested number arrays, as accepted by `tensor`. */
export type NestedNumbers = number | readonly NestedNumbers[];

/**
 * A tensor from a number, nested arrays (must be rectangular), a typed array (1-D), or another tensor
 * (copied). float64 unless `dtype` says otherwise.
 * @example const W = tensor([[1, 2], [3, 4]], { name: "W", requiresGrad: true })
 */
export function tensor(
  data: NestedNumbers | Float64Array | Float32Array | Tensor | readonly number[],
  opts: TensorOptions = {},
): Tensor {
  if (data instanceof Tensor) {
    const dtype = dtypeOf("tensor", opts, data.dtype);
    const d = allocate(dtype, data.size);
    d.set(data._data);
    return finish(d, data.shape.slice(), opts);
  }
  if (data instanceof Float64Array || data instanceof Float32Array) {
    const dtype = dtypeOf("tensor", opts, data instanceof Float32Array ? "float32" : "float64");
    const d = allocate(dtype, data.length);
    d.set(data);
    return finish(d, [data.length], opts);
  }
  const dtype = dtypeOf("tensor", opts);
  const shape = inferShape(data);
  const d = allocate(dtype, sizeOf(shape));
  fill(data, shape, 0, d, 0);
  return finish(d, shape, opts);
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  if (!Array.isArray(cur) && typeof cur !== "number")
    throw new TypeError(`tensor: expected numbers or nested arrays of numbers, found ${describe(cur)}`);
  return shape;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  return typeof v;
}

/** Copies nested data into d, checking that every row has the inferred length (no ragged arrays). */
function fill(data: unknown, shape: number[], axis: number, d: Storage, off: number): number {
  if (axis === shape.length) {
    if (typeof data !== "number")
      throw new TypeError(
        `tensor: ragged nested array: expected a number at depth ${axis}, found ${Array.isArray(data) ? "an array" : describe(data)}`,
      );
    d[off] = data;
    return off + 1;
  }
  if (!Array.isArray(data) || data.length !== shape[axis])
    throw new RangeError(
      `tensor: ragged nested array: at depth ${axis} expected ${shape[axis]} elements (shape ${formatShape(shape)}), found ${Array.isArray(data) ? data.length : describe(data)}`,
    );
  for (const item of data) off = fill(item, shape, axis + 1, d, off);
  return off;
}

/** A tensor of zeros. @example zeros([2, 3]) */
export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return full(shape, 0, opts);
}

/** A tensor of ones. @example ones([3]) */
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** A tensor filled with `value`. @example full([2, 2], 7) */
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  const s = checkShape("full", shape);
  if (typeof value !== "number") throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  const d = allocate(dtypeOf("full", opts), sizeOf(s));
  if (value !== 0) d.fill(value);
  return finish(d, s, opts);
}

/** Zeros with x's shape and dtype. @example zerosLike(x) */
export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, { dtype: x.dtype });
}

/** Ones with x's shape and dtype. @example onesLike(x) */
export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, { dtype: x.dtype });
}

/** The n×m identity matrix (m = n by default). @example eye(3) */
export function eye(n: number, m: number | TensorOptions = n, opts: TensorOptions = {}): Tensor {
  if (typeof m === "object") return eye(n, n, m);
  const s = checkShape("eye", [n, m]);
  const d = allocate(dtypeOf("eye", opts), n * m);
  for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1;
  return finish(d, s, opts);
}

/**
 * Evenly spaced values in [start, stop) with `step` (NumPy's arange); `arange(n)` is 0..n−1.
 * @example arange(0, 1, 0.25) // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, stop?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (stop === undefined) return arange(0, start, step, opts);
  if (step === 0 || !Number.isFinite(step))
    throw new RangeError(`arange: step must be a non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const d = allocate(dtypeOf("arange", opts), n);
  for (let i = 0; i < n; i++) d[i] = start + i * step;
  return finish(d, [n], opts);
}

/**
 * `num` evenly spaced values from start to stop inclusive.
 * @example linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const d = allocate(dtypeOf("linspace", opts), num);
  for (let i = 0; i < num; i++) d[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  if (num > 1) d[num - 1] = stop;
  return finish(d, [num], opts);
}

export interface RandomOptions extends TensorOptions {
  /** Seed: the same seed gives the same numbers on every run and machine. */
  seed?: number;
  /** A generator to draw from (advances it); overrides `seed`. */
  rng?: Random;
}

/**
 * The generator used when neither `seed` nor `rng` is given. Seeded with 0 when the module loads, so a
 * notebook run from the top is reproducible; `setSeed` restarts it.
 */
let defaultRng = new Random(0);

/** Restarts the default generator (used by rand/randn/nn init without a seed). @example setSeed(42) */
export function setSeed(seed: number): void {
  defaultRng = new Random(seed);
}

function rngOf(opts: RandomOptions): Random {
  if (opts.rng) return opts.rng;
  return opts.seed === undefined ? defaultRng : new Random(opts.seed);
}

/** Uniform numbers in [0, 1). @example rand([2, 2], { seed: 1 }) */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const s = checkShape("rand", shape);
  const rng = rngOf(opts);
  const d = allocate(dtypeOf("rand", opts), sizeOf(s));
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform();
  return finish(d, s, opts);
}

/** Standard normal numbers N(0, 1). @example randn([3], { seed: 1 }) */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const s = checkShape("randn", shape);
  const rng = rngOf(opts);
  const d = allocate(dtypeOf("randn", opts), sizeOf(s));
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return finish(d, s, opts);
}
