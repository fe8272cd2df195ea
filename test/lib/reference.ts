/**
 * Plain reference implementations for tests: dense arrays with explicit index arithmetic, written
 * independently of lib/tensor (no kernels, no broadcasting helpers shared with the library).
 */
export interface Dense {
  shape: number[];
  data: number[];
}

export function dense(t: { shape: readonly number[]; data: ArrayLike<number> }): Dense {
  return { shape: t.shape.slice(), data: Array.from(t.data) };
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function unravel(i: number, shape: number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

function ravel(idx: number[], shape: number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + idx[d];
  return i;
}

/** Reads a (right-aligned, size-1-stretching) at the output multi-index. */
function at(a: Dense, idx: number[]): number {
  const off = idx.length - a.shape.length;
  const own = a.shape.map((n, d) => (n === 1 ? 0 : idx[d + off]));
  return a.data[ravel(own, a.shape)];
}

export function broadcastShape(...shapes: number[][]): number[] {
  const r = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < r; d++) {
    let n = 1;
    for (const s of shapes) {
      const k = s[d - (r - s.length)] ?? 1;
      if (k !== 1) n = k;
    }
    out.push(n);
  }
  return out;
}

export function map(args: Dense[], f: (...v: number[]) => number): Dense {
  const shape = broadcastShape(...args.map((a) => a.shape));
  const data: number[] = [];
  for (let i = 0; i < size(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(...args.map((a) => at(a, idx))));
  }
  return { shape, data };
}

export function reduce(
  a: Dense,
  axes: number[],
  keepdims: boolean,
  f: (acc: number, v: number) => number,
  init: number,
): Dense {
  const r = a.shape.length;
  const ax = axes.map((x) => (x < 0 ? x + r : x));
  const outShape = a.shape.map((n, d) => (ax.includes(d) ? 1 : n));
  const data = new Array<number>(size(outShape)).fill(init);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, d) => (ax.includes(d) ? 0 : v));
    const o = ravel(idx, outShape);
    data[o] = f(data[o], a.data[i]);
  }
  return { shape: keepdims ? outShape : a.shape.filter((_, d) => !ax.includes(d)), data };
}

export function matmul(a: Dense, b: Dense): Dense {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const data: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * k + p] * b.data[p * n + j];
      data.push(s);
    }
  return { shape: [m, n], data };
}

export function transpose(a: Dense, perm: number[]): Dense {
  const shape = perm.map((p) => a.shape[p]);
  const data: number[] = [];
  for (let i = 0; i < size(shape); i++) {
    const idx = unravel(i, shape);
    const src = new Array<number>(perm.length);
    perm.forEach((p, d) => (src[p] = idx[d]));
    data.push(a.data[ravel(src, a.shape)]);
  }
  return { shape, data };
}
