/**
 * NumPy-style summarisation: a long axis shows its first and last few items with an ellipsis between, so
 * the size of any rendering is bounded by the limits, not by the tensor.
 */

/** An index along an axis, or `null` where the ellipsis goes. */
export type AxisItem = number | null;

/**
 * The indices to show along an axis of `length`: all of them when `length <= maxItems`, else the first
 * and last `edgeItems` with `null` (the ellipsis) between.
 * @example axisItems(10, 6, 2) // [0, 1, null, 8, 9]
 */
export function axisItems(length: number, maxItems: number, edgeItems: number): AxisItem[] {
  const all = Array.from({ length }, (_, i) => i);
  if (length <= maxItems || length <= 2 * edgeItems) return all;
  return [...all.slice(0, edgeItems), null, ...all.slice(length - edgeItems)];
}

/**
 * Row-major strides of a shape: the step in `data` for one step along each axis.
 * @example stridesOf([2, 3, 4]) // [12, 4, 1]
 */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * The product of a shape's dimensions (1 for a scalar).
 * @example sizeOf([2, 3]) // 6
 */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
