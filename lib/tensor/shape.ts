/**
 * Shapes, strides, axes and NumPy broadcasting. Pure functions on number arrays; errors name the op and
 * the shapes involved.
 */
export type Shape = readonly number[];

/** `[2,3]`: the way shapes appear in error messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every entry is a non-negative integer. */
export function checkShape(op: string, shape: Shape): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of integers`);
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new RangeError(`${op}: shape ${formatShape(shape)} must hold non-negative integers`);
  return shape.slice();
}

/** NumPy broadcasting of two shapes (align right; a dimension of 1 stretches). */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (sameShape(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new RangeError(
        `${op}: shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast (dimension ${da} vs ${db})`,
      );
  }
  return out;
}

/** Strides of `shape` seen inside a broadcast to `outShape` (0 where a dimension is stretched). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  const r = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) r[i + off] = shape[i] === 1 ? 0 : st[i];
  return r;
}

/** A possibly negative axis turned into 0..rank-1, or a clear error. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) throw new TypeError(`${op}: axis ${axis} is not an integer`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}

/** Axes (undefined = all) normalized, sorted and checked for duplicates. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) {
    const all = new Array<number>(rank);
    for (let i = 0; i < rank; i++) all[i] = i;
    return all;
  }
  if (typeof axes === "number") return [normalizeAxis(op, axes, rank)];
  const list = axes;
  const out = list.map((a) => normalizeAxis(op, a, rank)).sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++)
    if (out[i] === out[i - 1]) throw new RangeError(`${op}: axis ${out[i]} repeated`);
  return out;
}

/** The shape left after reducing `axes` (sorted) of `shape`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < shape.length; i++) {
    if (j < axes.length && axes[j] === i) {
      j++;
      if (keepdims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}
