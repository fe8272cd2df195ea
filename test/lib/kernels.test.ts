/**
 * The raw kernels on typed arrays (what a WebAssembly path must reproduce): matmul in all transpose
 * variants on sizes that hit the tile edges, batched blocks, reductions over axis runs, layout moves.
 */
import { describe, expect, it } from "vitest";
import { matmul, matmulBatched } from "../../lib/tensor/kernels/matmul.js";
import { sumAxes, maxAxes } from "../../lib/tensor/kernels/reduce.js";
import { transpose, slice, pad, concat } from "../../lib/tensor/kernels/layout.js";
import { Random } from "../../lib/tensor/random.js";

function fill(n: number, seed: number, T: Float64ArrayConstructor | Float32ArrayConstructor = Float64Array) {
  const r = new Random(seed);
  const a = new T(n);
  for (let i = 0; i < n; i++) a[i] = r.normal();
  return a;
}

/** C = op(A) op(B) by the definition. */
function naive(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++)
        s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  return c;
}

describe("matmul kernel", () => {
  const sizes = [
    [1, 1, 1],
    [1, 7, 5],
    [5, 7, 1],
    [3, 3, 3],
    [4, 4, 4],
    [17, 9, 13],
    [33, 65, 31],
    [64, 64, 64],
    [70, 3, 129],
  ];
  for (const T of [Float64Array, Float32Array])
    for (const [m, k, n] of sizes)
      for (const ta of [false, true])
        for (const tb of [false, true])
          it(`${T.name} ${m}×${k}×${n} ta=${ta} tb=${tb}`, () => {
            const a = fill(m * k, m + k, T);
            const b = fill(k * n, n + 1, T);
            const out = new T(m * n);
            matmul(a, b, out, m, k, n, ta, tb);
            const want = naive(a, b, m, k, n, ta, tb);
            const tol = T === Float64Array ? 1e-12 : 1e-4;
            for (let i = 0; i < want.length; i++)
              expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
          });
  it("batched with a shared right operand", () => {
    const [m, k, n] = [9, 6, 5];
    const a = fill(3 * m * k, 1);
    const b = fill(k * n, 2);
    const out = new Float64Array(3 * m * n);
    matmulBatched(a, b, out, [0, 1, 2], [0, 0, 0], m, k, n);
    for (let t = 0; t < 3; t++) {
      const want = naive(a.subarray(t * m * k), b, m, k, n, false, false);
      for (let i = 0; i < m * n; i++) expect(out[t * m * n + i]).toBeCloseTo(want[i], 12);
    }
  });
});

describe("reduction kernels", () => {
  it("sum and max over non-contiguous axes of a [2,3,4] array", () => {
    const x = fill(24, 3);
    const s = new Float64Array(3);
    sumAxes(x, [2, 3, 4], [0, 2], s);
    const m = new Float64Array(3);
    maxAxes(x, [2, 3, 4], [0, 2], m);
    for (let j = 0; j < 3; j++) {
      let acc = 0;
      let mx = -Infinity;
      for (let i = 0; i < 2; i++)
        for (let l = 0; l < 4; l++) {
          acc += x[i * 12 + j * 4 + l];
          mx = Math.max(mx, x[i * 12 + j * 4 + l]);
        }
      expect(s[j]).toBeCloseTo(acc, 13);
      expect(m[j]).toBe(mx);
    }
  });
  it("max propagates NaN", () => {
    const out = new Float64Array(1);
    maxAxes(new Float64Array([1, NaN, 3]), [3], [0], out);
    expect(out[0]).toBeNaN();
  });
});

describe("layout kernels", () => {
  it("transpose [2,3,4] by [2,0,1]", () => {
    const x = Float64Array.from({ length: 24 }, (_, i) => i);
    const out = new Float64Array(24);
    transpose(x, [2, 3, 4], [2, 0, 1], out);
    // out[l, i, j] = x[i, j, l]
    for (let l = 0; l < 4; l++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++) expect(out[l * 6 + i * 3 + j]).toBe(x[i * 12 + j * 4 + l]);
  });
  it("slice and pad are each other's transpose", () => {
    const x = Float64Array.from({ length: 10 }, (_, i) => i);
    const s = new Float64Array(3);
    slice(x, [2, 5], [1, 0], [1, 2], s, [1, 3]); // row 1, columns 0, 2, 4
    expect(Array.from(s)).toEqual([5, 7, 9]);
    const back = new Float64Array(10);
    pad(s, [1, 3], [1, 0], [1, 2], back, [2, 5]);
    expect(Array.from(back)).toEqual([0, 0, 0, 0, 0, 5, 0, 7, 0, 9]);
  });
  it("concat along a middle axis", () => {
    const a = Float64Array.from([1, 2, 3, 4]); // [2,1,2]
    const b = Float64Array.from([5, 6, 7, 8]); // [2,1,2]
    const out = new Float64Array(8);
    concat(
      [a, b],
      [
        [2, 1, 2],
        [2, 1, 2],
      ],
      1,
      out,
    );
    expect(Array.from(out)).toEqual([1, 2, 5, 6, 3, 4, 7, 8]);
  });
});

describe("matmul kernel on mostly-zero operands", () => {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])
    it(`a diagonal-ish A takes the sparse path and still equals the definition (ta=${ta} tb=${tb})`, () => {
      const [m, k, n] = [37, 37, 19];
      const a = new Float64Array(m * k);
      for (let i = 0; i < Math.min(m, k); i++) a[ta ? i * m + i : i * k + i] = i + 1;
      a[ta ? 5 * m + 3 : 3 * k + 5] = -2;
      const b = fill(k * n, 4);
      const out = new Float64Array(m * n).fill(99); // must be overwritten
      matmul(a, b, out, m, k, n, ta, tb);
      const want = naive(a, b, m, k, n, ta, tb);
      for (let i = 0; i < want.length; i++) expect(out[i]).toBeCloseTo(want[i], 12);
    });
});
