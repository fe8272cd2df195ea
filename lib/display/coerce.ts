import type { TensorView } from "./view.js";

/** Nested arrays of numbers, any depth: `[[1, 2], [3, 4]]`. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** What the display helpers accept: a tensor (anything shaped like a TensorView), nested arrays or a number. */
export type TensorLike = TensorView | NestedNumbers | Float64Array | Float32Array;

/**
 * True for an object that offers the TensorView fields display code reads.
 * @example isTensorView(tensor([1, 2])) // true; isTensorView([1, 2]) // false
 */
export function isTensorView(x: unknown): x is TensorView {
  if (typeof x !== "object" || x === null) return false;
  const v = x as Partial<TensorView>;
  return Array.isArray(v.shape) && v.data !== undefined && typeof v.data.length === "number";
}

/**
 * Turns a tensor, nested number arrays, a typed array or a number into a checked TensorView. The check
 * (data length = product of the shape) happens here once, so renderers can index without guards.
 * @example toView([[1, 2], [3, 4]]).shape // [2, 2]
 */
export function toView(x: TensorLike, what = "value"): TensorView {
  if (isTensorView(x)) return checkView(x, what);
  if (x instanceof Float64Array || x instanceof Float32Array) {
    return { shape: [x.length], dtype: x instanceof Float32Array ? "float32" : "float64", data: x };
  }
  const shape = shapeOf(x as NestedNumbers, what);
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let k = 0;
  const fill = (v: NestedNumbers, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v !== "number") throw new TypeError(`${what}: expected a number at [${path.join(", ")}]`);
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `length ${v.length}` : typeof v;
      throw new TypeError(
        `${what}: ragged nested array at [${path.join(", ")}]: expected length ${shape[depth]}, got ${got}`,
      );
    }
    v.forEach((item: NestedNumbers, i: number) => fill(item, depth + 1, [...path, i]));
  };
  fill(x as NestedNumbers, 0, []);
  return { shape, dtype: "float64", data };
}

/** The shape read along the first element of each level; `fill` then checks every level matches it. */
function shapeOf(x: NestedNumbers, what: string): number[] {
  const shape: number[] = [];
  let v: NestedNumbers = x;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = (v as readonly NestedNumbers[])[0]!;
  }
  if (!Array.isArray(v) && typeof v !== "number") {
    throw new TypeError(`${what}: expected a tensor, nested arrays of numbers or a number, got ${typeof v}`);
  }
  return shape;
}

/**
 * Reads each field once into a plain object: a Tensor's `data` getter returns a fresh copy per access, so
 * renderers must never touch the original in a loop.
 */
function checkView(v: TensorView, what: string): TensorView {
  const shape = v.shape;
  const data = v.data;
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`${what}: invalid shape [${shape.join(", ")}]`);
  }
  if (data.length !== size) {
    throw new RangeError(
      `${what}: shape [${shape.join(", ")}] needs ${size} values but data has ${data.length}`,
    );
  }
  const name = v.name;
  const labels = v.labels;
  return {
    shape,
    dtype: v.dtype,
    data,
    ...(name !== undefined ? { name } : {}),
    ...(labels !== undefined ? { labels } : {}),
  };
}
