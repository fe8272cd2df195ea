/**
 * Element types. float64 is the default so that a gradient check against central differences agrees to
 * ~1e-10; float32 exists for speed and for comparison with other libraries.
 */
export type DType = "float64" | "float32";

/** The storage behind a tensor: one flat row-major typed array. */
export type Storage = Float64Array | Float32Array;

/** A new zero-filled storage of `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): Storage {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/** Throws a clear error when `value` is not a dtype we know. */
export function checkDType(op: string, value: unknown): DType {
  if (value === "float64" || value === "float32") return value;
  throw new TypeError(`${op}: unknown dtype ${JSON.stringify(value)}; use "float64" or "float32"`);
}
