import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRuntime,
  matmulBatchF32,
  matmulBatchF64,
  matmulF32,
  matmulF64,
  wasmMatmul,
  wasmMatmulBatch,
  wasmMatmulPays,
  type WasmRuntime,
} from "../../lib/wasm/index.js";
import { GEMM_F32, GEMM_F64, tileCols } from "../../lib/wasm/layout.js";
import { planWork } from "../../lib/wasm/plan.js";
import { WASM_MODE } from "../../lib/wasm/mode.js";
import { randomArray, U32, U64, worstErrorRatio } from "./support.js";

// The SIMD (mul + add) build is what runs without flags on Node 20; the FMA build is covered in
// process.test.ts, which starts node with relaxed SIMD enabled.
let single: WasmRuntime;
let threaded: WasmRuntime;

beforeAll(() => {
  single = createRuntime({ threads: 1, kernels: "simd" });
  // parallelMinFlops 0: every op is split, so small edge shapes exercise the threaded path too.
  threaded = createRuntime({ threads: 2, kernels: "simd", parallelMinFlops: 0 });
  if (!threaded.pool.waitReady(10_000)) throw new Error("worker did not start");
});

afterAll(async () => {
  await threaded.pool.terminate();
});

const dtypes = [
  {
    name: "float64",
    make: (n: number) => new Float64Array(n),
    u: U64,
    mm: matmulF64,
    batched: matmulBatchF64,
  },
  {
    name: "float32",
    make: (n: number) => new Float32Array(n),
    u: U32,
    mm: matmulF32,
    batched: matmulBatchF32,
  },
] as const;

// Shapes around the kernels' edges: tile is 5 rows × 8 (f32) or 4 (f64) columns; blocks are MC = 120
// rows, KC = 256 deep, NC = 1024 (f32) or 512 (f64) columns.
const shapes: Array<[m: number, k: number, n: number]> = [
  [1, 1, 1],
  [1, 37, 1],
  [1, 300, 33], // 1×n row vector, k past one KC block
  [33, 17, 1], // n×1 column
  [5, 8, 8], // exactly one tile
  [6, 9, 9], // one past a tile in every direction
  [7, 13, 11],
  [121, 3, 17], // one past an MC block
  [19, 257, 23], // one past a KC block
  [9, 31, 517], // one past an NC block in float64
  [64, 64, 64],
];

const transposes = [
  { transA: false, transB: false },
  { transA: true, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: true },
];

describe.each(dtypes)("matmul $name", ({ make, u, mm }) => {
  it.each(shapes)(
    "m=%i k=%i n=%i: all transposes, 1 and 2 threads, within the dot-product error bound",
    (m, k, n) => {
      const a = randomArray(make, m * k, m * 1000 + k);
      const b = randomArray(make, k * n, n * 1000 + k + 7);
      for (const t of transposes) {
        const one = make(m * n).fill(NaN);
        const two = make(m * n).fill(NaN);
        mm(a as never, b as never, one as never, m, k, n, { ...t, runtime: single });
        mm(a as never, b as never, two as never, m, k, n, { ...t, runtime: threaded });
        expect(worstErrorRatio(one, a, b, 1, m, k, n, t, u)).toBeLessThanOrEqual(1);
        // A split never changes how one output element is summed: threaded results are bit-identical.
        expect(Array.from(two)).toEqual(Array.from(one));
      }
    },
  );

  it("crosses an NC block in float32 too (n = 1030)", () => {
    const [m, k, n] = [6, 20, 1030];
    const a = randomArray(make, m * k, 1);
    const b = randomArray(make, k * n, 2);
    const out = make(m * n);
    mm(a as never, b as never, out as never, m, k, n, { runtime: threaded });
    expect(worstErrorRatio(out, a, b, 1, m, k, n, {}, u)).toBeLessThanOrEqual(1);
  });

  it("k = 0 gives zeros, m = 0 or n = 0 writes nothing", () => {
    const out = make(6).fill(7);
    mm(make(0) as never, make(0) as never, out as never, 2, 0, 3, { runtime: single });
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    const untouched = make(2).fill(7);
    mm(make(0) as never, make(6) as never, untouched as never, 0, 2, 3, { runtime: single });
    expect(Array.from(untouched)).toEqual([7, 7]);
  });

  it("rejects arrays too short for the shape, naming the op and the sizes", () => {
    const call = (): void =>
      mm(make(5) as never, make(6) as never, make(4) as never, 2, 3, 2, { runtime: single });
    expect(call).toThrow(/matmulF(32|64): a has 5 elements but \[batch=1, m=2, k=3, n=2\] needs 6/);
    const bad = (): void =>
      mm(make(6) as never, make(6) as never, make(4) as never, 2, 3.5, 2, { runtime: single });
    expect(bad).toThrow(/k must be a non-negative integer, got 3.5/);
  });

  it("reads only its operands: values beyond m·k in a larger array are ignored", () => {
    const a = make(8).fill(1);
    a[6] = NaN;
    a[7] = NaN;
    const out = make(4);
    mm(a as never, make(6).fill(2) as never, out as never, 2, 3, 2, { runtime: single });
    expect(Array.from(out)).toEqual([6, 6, 6, 6]);
  });
});

describe.each(dtypes)("batched matmul $name", ({ make, u, batched }) => {
  const cases = [
    { batch: 3, m: 7, k: 6, n: 9, opts: {} },
    { batch: 3, m: 7, k: 3, n: 8, opts: {} }, // n fills whole tiles, m does not: only row padding to drop
    { batch: 4, m: 1, k: 12, n: 5, opts: { transB: true } },
    { batch: 2, m: 11, k: 4, n: 3, opts: { transA: true, strideB: 0 } }, // one B for every item
    { batch: 3, m: 6, k: 5, n: 13, opts: { strideA: 0 } },
    { batch: 5, m: 7, k: 9, n: 10, opts: { strideB: 0, transB: true } }, // batch chunks sharing a packed B
    { batch: 4, m: 6, k: 5, n: 4, opts: { indexA: [0, 1, 0, 1], indexB: [0, 0, 1, 1] } }, // [2,1] × [1,2]
  ];
  it.each(cases)("batch=$batch m=$m k=$k n=$n $opts on 1 and 2 threads", ({ batch, m, k, n, opts }) => {
    const mats = (index: number[] | undefined, stride: number | undefined): number =>
      index ? Math.max(...index) + 1 : stride === 0 ? 1 : batch;
    const o = opts as { indexA?: number[]; indexB?: number[]; strideA?: number; strideB?: number };
    const a = randomArray(make, mats(o.indexA, o.strideA) * m * k, batch + m);
    const b = randomArray(make, mats(o.indexB, o.strideB) * k * n, batch + n);
    const one = make(batch * m * n).fill(NaN);
    const two = make(batch * m * n).fill(NaN);
    batched(a as never, b as never, one as never, batch, m, k, n, { ...opts, runtime: single });
    batched(a as never, b as never, two as never, batch, m, k, n, { ...opts, runtime: threaded });
    expect(worstErrorRatio(one, a, b, batch, m, k, n, opts, u)).toBeLessThanOrEqual(1);
    expect(Array.from(two)).toEqual(Array.from(one));
  });

  it("rejects an index list shorter than the batch", () => {
    const call = (): void =>
      batched(make(4) as never, make(4) as never, make(8) as never, 2, 2, 1, 2, {
        indexA: [0],
        runtime: single,
      });
    expect(call).toThrow(/indexA has 1 entries for a batch of 2/);
  });
});

describe("threads", () => {
  it("the worker takes part in a large product", () => {
    const n = 160;
    const a = randomArray((len) => new Float64Array(len), n * n, 11) as Float64Array;
    const out = new Float64Array(n * n);
    const before = threaded.pool.stats();
    // The calling thread claims chunks too, so on a busy machine the worker may miss one product: try a few.
    for (let i = 0; i < 10 && threaded.pool.stats().workers === before.workers; i++)
      matmulF64(a, a, out, n, n, n, { runtime: threaded });
    expect(threaded.pool.stats().workers).toBeGreaterThan(before.workers);
  });

  it("a single-thread runtime never posts work", () => {
    const a = new Float64Array(200 * 200).fill(1);
    matmulF64(a, a, new Float64Array(200 * 200), 200, 200, 200, { runtime: single });
    expect(single.pool.stats()).toEqual({ main: 0, workers: 0 });
  });
});

describe("work split", () => {
  it("covers every row, column and batch item exactly once, on tile boundaries", () => {
    for (const g of [GEMM_F32, GEMM_F64])
      for (const [batch, m, n] of [
        [1, 512, 512],
        [1, 3, 700],
        [6, 40, 40],
        [3, 100, 9],
        [1, 2, 2],
      ]) {
        const { parts } = planWork(g, batch, m, n, 2, false);
        const hits = new Uint8Array(batch * m * n);
        for (const p of parts) {
          expect(p.i0 % g.mr).toBe(0);
          expect(p.j0 % tileCols(g)).toBe(0);
          for (let t = p.t0; t < p.t1; t++)
            for (let i = p.i0; i < p.i1; i++) for (let j = p.j0; j < p.j1; j++) hits[(t * m + i) * n + j]++;
        }
        expect(hits.every((h) => h === 1)).toBe(true);
      }
  });

  it("cuts a big square product into several row chunks sharing one packed B, and leaves a 2×2 whole", () => {
    const big = planWork(GEMM_F64, 1, 512, 512, 2, true);
    expect(big.parts.length).toBeGreaterThanOrEqual(4);
    expect(big.prepackB).toBe(true);
    expect(planWork(GEMM_F64, 1, 2, 2, 2, true).parts).toHaveLength(1);
    expect(planWork(GEMM_F64, 1, 512, 512, 1, true).parts).toHaveLength(1);
  });

  it("sends tiny products to the plain path and large ones to wasm (unless GRADLAB_WASM says otherwise)", () => {
    expect(wasmMatmulPays(1, 3, 2, 1)).toBe(WASM_MODE === "force");
    expect(wasmMatmulPays(1, 64, 64, 64)).toBe(WASM_MODE !== "off");
    // matrix times vector: memory-bound, the plain loop is as fast
    expect(wasmMatmulPays(1, 500, 500, 1)).toBe(WASM_MODE === "force");
    expect(wasmMatmulPays(1, 1, 500, 500)).toBe(WASM_MODE === "force");
  });
});

describe("dtype-generic entry points", () => {
  it("wasmMatmul and wasmMatmulBatch pick the kernel by array type and agree with the typed ones", () => {
    const a = randomArray((n) => new Float32Array(n), 6 * 7, 1) as Float32Array;
    const b = randomArray((n) => new Float32Array(n), 7 * 5, 2) as Float32Array;
    const typed = new Float32Array(30);
    const generic = new Float32Array(30);
    matmulF32(a, b, typed, 6, 7, 5, { runtime: single });
    wasmMatmul(a, b, generic, 6, 7, 5, { runtime: single });
    expect(Array.from(generic)).toEqual(Array.from(typed));
    const a64 = Float64Array.from(a);
    const batched = new Float64Array(60);
    wasmMatmulBatch(a64, Float64Array.from(b), batched, 2, 6, 7, 5, {
      strideA: 0,
      strideB: 0,
      runtime: single,
    });
    expect(worstErrorRatio(batched, a64, b, 2, 6, 7, 5, { strideA: 0, strideB: 0 }, U64)).toBeLessThanOrEqual(
      1,
    );
  });

  it("rejects mixed float types", () => {
    expect(() => wasmMatmul(new Float64Array(1), new Float32Array(1), new Float64Array(1), 1, 1, 1)).toThrow(
      /wasmMatmul: a, b and out must all be Float64Array or all Float32Array/,
    );
  });
});
