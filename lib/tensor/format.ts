/**
 * Plain-text form of a tensor, NumPy style: `tensor([[1, 2], [3, 4]])`, aligned columns, summarised with
 * "..." beyond 1000 elements, and a suffix naming dtype (if float32), name and the op that made it.
 */
import type { Storage } from "./dtype.js";

interface Formattable {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly size: number;
  readonly _data: Storage;
  readonly name: string | undefined;
  readonly requiresGrad: boolean;
  readonly node: { prim: { name: string } } | null;
}

const SUMMARY_THRESHOLD = 1000;
const EDGE = 3;

/**
 * Formats the values of `t` as text.
 * @example formatTensor(tensor([1.5, 2])) // "tensor([1.5, 2. ])"
 */
export function formatTensor(t: Formattable): string {
  const summarise = t.size > SUMMARY_THRESHOLD;
  const shown = collect(t, summarise);
  const fmt = numberFormat(shown);
  const width = shown.reduce((w, v) => Math.max(w, fmt(v).length), 0);
  const cell = (v: number) => fmt(v).padStart(width);
  const prefix = "tensor(";
  const body = t.shape.length === 0 ? fmt(t._data[0]) : block(t, 0, 0, cell, summarise, prefix.length);
  const extras: string[] = [];
  if (t.shape.length > 1 && summarise) extras.push(`shape [${t.shape.join(", ")}]`);
  if (t.dtype !== "float64") extras.push(`dtype ${t.dtype}`);
  if (t.name !== undefined) extras.push(`name ${JSON.stringify(t.name)}`);
  if (t.node !== null) extras.push(`op ${t.node.prim.name}`);
  else if (t.requiresGrad) extras.push("requiresGrad");
  return `${prefix}${body}${extras.length ? ", " + extras.join(", ") : ""})`;
}

function indices(n: number, summarise: boolean): number[] {
  if (!summarise || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [0, 1, 2, -1, n - 3, n - 2, n - 1];
}

function collect(t: Formattable, summarise: boolean): number[] {
  if (!summarise) return Array.from(t._data);
  const out: number[] = [];
  const walk = (axis: number, off: number): void => {
    if (axis === t.shape.length) return void out.push(t._data[off]);
    let stride = 1;
    for (let i = axis + 1; i < t.shape.length; i++) stride *= t.shape[i];
    for (const i of indices(t.shape[axis], true)) if (i >= 0) walk(axis + 1, off + i * stride);
  };
  walk(0, 0);
  return out;
}

function block(
  t: Formattable,
  axis: number,
  off: number,
  cell: (v: number) => string,
  summarise: boolean,
  indent: number,
): string {
  const n = t.shape[axis];
  let stride = 1;
  for (let i = axis + 1; i < t.shape.length; i++) stride *= t.shape[i];
  const parts = indices(n, summarise).map((i) =>
    i < 0
      ? "..."
      : axis === t.shape.length - 1
        ? cell(t._data[off + i])
        : block(t, axis + 1, off + i * stride, cell, summarise, indent + 1),
  );
  if (axis === t.shape.length - 1) return `[${parts.join(", ")}]`;
  const sep = "," + "\n".repeat(t.shape.length - axis - 1) + " ".repeat(indent + 1);
  return `[${parts.join(sep)}]`;
}

function numberFormat(values: number[]): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const allInt = finite.every((v) => Number.isInteger(v));
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Infinity);
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  if (allInt && maxAbs < 1e9) return (v) => (Number.isFinite(v) ? String(v) : special(v));
  if (maxAbs >= 1e6 || (minAbs < 1e-4 && minAbs !== Infinity))
    return (v) => (Number.isFinite(v) ? v.toExponential(4) : special(v));
  // up to 4 decimals, trailing zeros trimmed consistently across the tensor
  let decimals = 0;
  for (const v of finite) {
    const s = v.toFixed(4).replace(/0+$/, "");
    decimals = Math.max(decimals, s.length - s.indexOf(".") - 1);
  }
  return (v) => (Number.isFinite(v) ? v.toFixed(decimals) : special(v));
}
