/**
 * Matrix multiply on plain typed arrays with the WebAssembly SIMD kernels, on one or more threads.
 * Independent of the Tensor class: the tensor library calls these above a size threshold
 * (`wasmMatmulPays`) and keeps its plain TypeScript kernel below it.
 *
 * Layout: row-major. op(A) is m×k and op(B) is k×n; with `transA` the array holds A as k×m (so op(A) = Aᵀ),
 * with `transB` it holds B as n×k. `out` receives the m×n product, row-major.
 */
import { WORKER_OPS, type GemmArgs } from "./kernels.js";
import { GEMM_F32, GEMM_F64, gemmScratchBytes, tileCols, type GemmLayout } from "./layout.js";
import { planWork } from "./plan.js";
import { WASM_MODE, wasmPays } from "./mode.js";
import { matmulReference } from "./reference.js";
import { defaultRuntime, threadsFor, type WasmRuntime } from "./runtime.js";

export interface MatmulOptions {
  /** The array `a` holds A as k×m; the product uses its transpose. */
  readonly transA?: boolean;
  /** The array `b` holds B as n×k; the product uses its transpose. */
  readonly transB?: boolean;
  /** Most threads to use (default: the runtime's). 1 forces the single-thread path. */
  readonly threads?: number;
  /** Runtime to run on (default: the shared one). */
  readonly runtime?: WasmRuntime;
}

export interface BatchMatmulOptions extends MatmulOptions {
  /** Elements between consecutive matrices of `a` (default m·k; 0 broadcasts one A over the batch). */
  readonly strideA?: number;
  /** Elements between consecutive matrices of `b` (default k·n; 0 broadcasts one B over the batch). */
  readonly strideB?: number;
  /**
   * Which matrix of `a` item t uses (a matrix is m·k elements): any broadcasting pattern of batch
   * dimensions, e.g. [0, 0, 1, 1]. Overrides strideA.
   */
  readonly indexA?: ArrayLike<number>;
  /** Which matrix of `b` item t uses (a matrix is k·n elements). Overrides strideB. */
  readonly indexB?: ArrayLike<number>;
}

type Floats = Float32Array | Float64Array;

/**
 * Below this many floating-point operations (2·m·n·k), copying into WebAssembly memory costs more than
 * the SIMD kernel saves over the tensor library's plain loops. bench/matmul.ts, float64 n×n·n×n: n = 8
 * (1 kFLOP) plain 1.7 µs vs wasm 2.0 µs; n = 12 (3.5 kFLOP) plain 4.7 µs vs wasm 2.8 µs.
 */
export const WASM_MATMUL_MIN_FLOPS = 2048;

/**
 * Whether the WebAssembly matmul beats a plain loop for a product of this size (GRADLAB_WASM=off or
 * force overrides it, see mode.ts). A product with one row or one column (matrix times vector) stays
 * plain at any size: it reads each element of the matrix once, so copying and packing it for the kernel
 * costs as much as the plain loop (bench: 100×100 times a vector, plain 60 µs, wasm 92 µs).
 *
 * @example
 * if (wasmMatmulPays(1, m, k, n)) matmulF64(a, b, out, m, k, n); else plainMatmul(...);
 */
export function wasmMatmulPays(batch: number, m: number, k: number, n: number): boolean {
  if (WASM_MODE !== "force" && (m < 2 || n < 2)) return false;
  return wasmPays(WASM_MODE, 2 * batch * m * n * k, WASM_MATMUL_MIN_FLOPS);
}

/**
 * out = op(A)·op(B) in float64. a: m·k elements, b: k·n, out: m·n.
 *
 * @example
 * const out = new Float64Array(2 * 2);
 * matmulF64(new Float64Array([1, 2, 3, 4, 5, 6]), new Float64Array([1, 0, 0, 1, 1, 1]), out, 2, 3, 2);
 * // out = [4, 5, 10, 11]
 */
export function matmulF64(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  options: MatmulOptions = {},
): void {
  gemm("matmulF64", GEMM_F64, a, b, out, 1, m, k, n, options);
}

/**
 * out = op(A)·op(B) in float32. a: m·k elements, b: k·n, out: m·n.
 *
 * @example
 * const out = new Float32Array(1);
 * matmulF32(new Float32Array([1, 2]), new Float32Array([3, 4]), out, 1, 2, 1); // out = [11]
 */
export function matmulF32(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  options: MatmulOptions = {},
): void {
  gemm("matmulF32", GEMM_F32, a, b, out, 1, m, k, n, options);
}

/**
 * `batch` independent products in float64: out[t] = op(A[t])·op(B[t]), each m×k by k×n, stored one after
 * another. A stride of 0 shares one matrix across the batch (NumPy broadcasting of batch dimensions).
 *
 * @example
 * // two 2×2 products against one shared B
 * matmulBatchF64(a8, b4, out8, 2, 2, 2, 2, { strideB: 0 });
 */
export function matmulBatchF64(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  options: BatchMatmulOptions = {},
): void {
  gemm("matmulBatchF64", GEMM_F64, a, b, out, batch, m, k, n, options);
}

/**
 * `batch` independent products in float32; see matmulBatchF64.
 *
 * @example
 * matmulBatchF32(a, b, out, batch, m, k, n, { transB: true });
 */
export function matmulBatchF32(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  options: BatchMatmulOptions = {},
): void {
  gemm("matmulBatchF32", GEMM_F32, a, b, out, batch, m, k, n, options);
}

/** Element offset of each batch item's matrix, from an index list or a stride. */
function itemOffsets(
  name: string,
  what: string,
  batch: number,
  size: number,
  index: ArrayLike<number> | undefined,
  stride: number | undefined,
): Float64Array {
  // Float64Array: exact for any offset, where an Int32Array would wrap past 2³¹ before the size check.
  const offsets = new Float64Array(batch);
  if (index !== undefined && index.length < batch)
    throw new RangeError(`${name}: ${what} has ${index.length} entries for a batch of ${batch}`);
  const step = stride ?? size;
  if (!Number.isInteger(step) || step < 0)
    throw new RangeError(`${name}: stride must be a non-negative integer, got ${step}`);
  for (let t = 0; t < batch; t++) {
    const matrix = index === undefined ? t : index[t];
    if (index !== undefined && (!Number.isInteger(matrix) || matrix < 0))
      throw new RangeError(`${name}: ${what}[${t}] = ${matrix} is not a matrix index`);
    offsets[t] = index === undefined ? t * step : matrix * size;
  }
  return offsets;
}

function checkArray(name: string, what: string, arr: Floats, need: number, dims: string): void {
  if (arr.length < need)
    throw new RangeError(`${name}: ${what} has ${arr.length} elements but ${dims} needs ${need}`);
}

/** Where each batch item's matrices start (elements), and how much of a and b the product reads. */
interface Operands {
  readonly offA: Float64Array;
  readonly offB: Float64Array;
  readonly lenA: number;
  readonly lenB: number;
}

/** Checks sizes, strides and indices against the arrays; throws a RangeError naming the op and shape. */
function checkOperands(
  name: string,
  a: Floats,
  b: Floats,
  out: Floats,
  batch: number,
  m: number,
  k: number,
  n: number,
  options: BatchMatmulOptions,
): Operands {
  for (const [what, v] of [
    ["batch", batch],
    ["m", m],
    ["k", k],
    ["n", n],
  ] as const)
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`${name}: ${what} must be a non-negative integer, got ${v}`);
  const dims = `[batch=${batch}, m=${m}, k=${k}, n=${n}]`;
  const offA = itemOffsets(name, "indexA", batch, m * k, options.indexA, options.strideA);
  const offB = itemOffsets(name, "indexB", batch, k * n, options.indexB, options.strideB);
  // Only the elements actually read are copied in: up to the end of the last matrix used.
  let lenA = 0;
  let lenB = 0;
  for (let t = 0; t < batch; t++) {
    lenA = Math.max(lenA, offA[t] + m * k);
    lenB = Math.max(lenB, offB[t] + k * n);
  }
  checkArray(name, "a", a, lenA, dims);
  checkArray(name, "b", b, lenB, dims);
  checkArray(name, "out", out, batch * m * n, dims);
  return { offA, offB, lenA, lenB };
}

function gemm(
  name: string,
  g: GemmLayout,
  a: Floats,
  b: Floats,
  out: Floats,
  batch: number,
  m: number,
  k: number,
  n: number,
  options: BatchMatmulOptions,
): void {
  const { offA, offB, lenA, lenB } = checkOperands(name, a, b, out, batch, m, k, n, options);
  if (batch === 0 || m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, batch * m * n);
    return;
  }
  const rt = options.runtime ?? defaultRuntime();
  const E = g.bytes;
  const nr = tileCols(g);
  const mPad = Math.ceil(m / g.mr) * g.mr;
  const nPad = Math.ceil(n / nr) * nr;
  const scratch = gemmScratchBytes(g);

  const threads = threadsFor(rt, options.threads, 2 * batch * m * n * k);
  const plan = planWork(
    g,
    batch,
    m,
    n,
    threads,
    offB.every((o) => o === offB[0]),
  );
  const prepackBytes = k * nPad * E;

  const arena = rt.arena;
  arena.reset();
  const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;
  const chunkScratch = plan.prepackB ? scratch.packA : scratch.packA + scratch.packB;
  const total =
    align(lenA * E) +
    align(lenB * E) +
    align(batch * mPad * nPad * E) +
    align(batch * 8) +
    (plan.prepackB ? align(prepackBytes) : 0) +
    plan.parts.length * chunkScratch;
  if (!arena.fits(total)) {
    // Past the 2 GiB kernel memory: the plain loop is slow but always works.
    const indexA = Array.from(offA, (o) => o / Math.max(1, m * k));
    const indexB = Array.from(offB, (o) => o / Math.max(1, k * n));
    matmulReference(a, b, out, batch, m, k, n, { ...options, indexA, indexB });
    return;
  }
  const pa = arena.alloc(lenA * E);
  const pb = arena.alloc(lenB * E);
  const pc = arena.alloc(batch * mPad * nPad * E);
  const pOffsets = arena.alloc(batch * 8);
  const heap = E === 8 ? arena.f64() : arena.f32();
  heap.set(lenA === a.length ? a : a.subarray(0, lenA), pa / E);
  heap.set(lenB === b.length ? b : b.subarray(0, lenB), pb / E);
  const table = new Int32Array(arena.memory.buffer, pOffsets, batch * 2);
  for (let t = 0; t < batch; t++) {
    table[2 * t] = offA[t] * E;
    table[2 * t + 1] = offB[t] * E;
  }

  const [sai, sap] = options.transA ? [1, m] : [k, 1];
  const [sbp, sbj] = options.transB ? [1, k] : [n, 1];
  const exports = rt.exports;
  let packedB = 0;
  if (plan.prepackB) {
    packedB = arena.alloc(prepackBytes);
    (E === 8 ? exports.prepack_b_f64 : exports.prepack_b_f32)(pb + offB[0] * E, sbp, sbj, n, k, packedB);
  }
  const itemC = mPad * nPad * E;
  const chunks: GemmArgs[] = plan.parts.map((p) => [
    pa + p.i0 * sai * E,
    sai,
    sap,
    pb + p.j0 * sbj * E,
    sbp,
    sbj,
    pc + p.t0 * itemC + (p.i0 * nPad + p.j0) * E,
    nPad,
    p.i1 - p.i0,
    p.j1 - p.j0,
    k,
    arena.alloc(scratch.packA),
    plan.prepackB ? packedB : arena.alloc(scratch.packB),
    plan.prepackB ? 1 : 0,
    p.t1 - p.t0,
    pOffsets + p.t0 * 8,
    itemC,
  ]);
  const op = E === 8 ? "gemm_f64" : "gemm_f32";
  if (chunks.length === 1) exports[op](...chunks[0]);
  else
    rt.pool.run(
      { op, chunks },
      WORKER_OPS.map((name) => exports[name]),
    );

  // Drop the tile padding in place, then one copy out.
  if (nPad !== n || (mPad !== m && batch > 1)) exports.compact_rows(pc, batch, m, n * E, nPad * E, itemC);
  out.set(heap.subarray(pc / E, pc / E + batch * m * n));
}

/** Both operands and the output must share one float type. */
function sameType(name: string, a: Floats, b: Floats, out: Floats): "f64" | "f32" {
  const t = (x: Floats): "f64" | "f32" => (x instanceof Float64Array ? "f64" : "f32");
  if (t(a) !== t(out) || t(b) !== t(out))
    throw new TypeError(`${name}: a, b and out must all be Float64Array or all Float32Array`);
  return t(out);
}

/**
 * matmulF64 or matmulF32, picked by the arrays' type: the one call a dtype-generic kernel needs.
 *
 * @example
 * if (wasmMatmulPays(1, m, k, n)) wasmMatmul(a, b, out, m, k, n, { transB: true });
 */
export function wasmMatmul(
  a: Floats,
  b: Floats,
  out: Floats,
  m: number,
  k: number,
  n: number,
  options: MatmulOptions = {},
): void {
  const g = sameType("wasmMatmul", a, b, out) === "f64" ? GEMM_F64 : GEMM_F32;
  gemm("wasmMatmul", g, a, b, out, 1, m, k, n, options);
}

/**
 * matmulBatchF64 or matmulBatchF32, picked by the arrays' type.
 *
 * @example
 * wasmMatmulBatch(a, b, out, aIdx.length, m, k, n, { indexA: aIdx, indexB: bIdx });
 */
export function wasmMatmulBatch(
  a: Floats,
  b: Floats,
  out: Floats,
  batch: number,
  m: number,
  k: number,
  n: number,
  options: BatchMatmulOptions = {},
): void {
  const g = sameType("wasmMatmulBatch", a, b, out) === "f64" ? GEMM_F64 : GEMM_F32;
  gemm("wasmMatmulBatch", g, a, b, out, batch, m, k, n, options);
}
