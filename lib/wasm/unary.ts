/**
 * Element-wise exp, tanh and sigmoid on plain typed arrays with the WebAssembly SIMD kernels (see
 * scripts/wasm/unary.ts for the algorithms and their accuracy), on one or more threads. Only these pay:
 * JavaScript's Math.exp/Math.tanh cost several ns per element, while cheap ops (add, mul, compare) are
 * limited by memory and lose the copy into WebAssembly memory and back.
 */
import { UNARY_NAMES, VECTOR_BYTES, type UnaryName } from "./layout.js";
import { WORKER_OPS } from "./kernels.js";
import { WASM_MODE, wasmPays } from "./mode.js";
import { MAX_CHUNKS } from "./pool.js";
import { defaultRuntime, threadsFor, type WasmRuntime } from "./runtime.js";

export interface UnaryOptions {
  /** Most threads to use (default: the runtime's). */
  readonly threads?: number;
  /** Runtime to run on (default: the shared one). */
  readonly runtime?: WasmRuntime;
}

/**
 * Below this many elements the plain loop wins: the call and the two copies cost about as much as
 * Math.exp on a few hundred elements (bench/matmul.ts: at 256 elements about even, from 1024 on wasm
 * exp ≈ 2× and tanh ≈ 3× faster than the Math loop on one thread).
 */
export const WASM_UNARY_MIN_LENGTH = 512;

/**
 * Work counted per element when deciding to use threads, in matmul's unit (flops): one exp or tanh takes
 * about as long as 40 flops of matmul, so a map splits from about 100 000 elements.
 */
const FLOPS_PER_ELEMENT = 40;

/**
 * Whether the WebAssembly version beats the plain Math loop for `length` elements (GRADLAB_WASM=off or
 * force overrides it, see mode.ts).
 *
 * @example
 * if (wasmUnaryPays(x.length)) unaryF64("exp", x, out);
 */
export function wasmUnaryPays(length: number): boolean {
  return wasmPays(WASM_MODE, length, WASM_UNARY_MIN_LENGTH);
}

/**
 * out[i] = op(x[i]) in float64, op one of "exp", "tanh", "sigmoid". out may be x.
 *
 * @example
 * const out = new Float64Array(3);
 * unaryF64("exp", new Float64Array([0, 1, -1]), out); // [1, Math.E, 1 / Math.E] to within an ulp
 */
export function unaryF64(
  op: UnaryName,
  x: Float64Array,
  out: Float64Array,
  options: UnaryOptions = {},
): void {
  map(op, "f64", 8, x, out, options);
}

/**
 * out[i] = op(x[i]) in float32, computed in float64 and rounded once. out may be x.
 *
 * @example
 * unaryF32("tanh", new Float32Array([0.5]), new Float32Array(1)); // [Math.fround(Math.tanh(0.5))]
 */
export function unaryF32(
  op: UnaryName,
  x: Float32Array,
  out: Float32Array,
  options: UnaryOptions = {},
): void {
  map(op, "f32", 4, x, out, options);
}

function map(
  op: UnaryName,
  t: "f64" | "f32",
  bytes: 4 | 8,
  x: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  options: UnaryOptions,
): void {
  const name = `unary${t.toUpperCase()}`;
  if (!UNARY_NAMES.includes(op))
    throw new RangeError(`${name}: unknown op "${op}" (have ${UNARY_NAMES.join(", ")})`);
  if (out.length < x.length)
    throw new RangeError(`${name}: out has ${out.length} elements, x has ${x.length}`);
  const n = x.length;
  if (n === 0) return;
  const rt = options.runtime ?? defaultRuntime();
  const arena = rt.arena;
  arena.reset();
  const padded = Math.ceil((n * bytes) / VECTOR_BYTES) * VECTOR_BYTES;
  const p = arena.alloc(padded);
  const heap = bytes === 8 ? arena.f64() : arena.f32();
  heap.set(x, p / bytes);

  const threads = threadsFor(rt, options.threads, FLOPS_PER_ELEMENT * n);
  const kernel = `${op}_${t}` as const;
  if (threads === 1) rt.exports[kernel](p, p, n);
  else {
    // Chunks of whole vectors, about 4 per thread, mapped in place.
    const vectors = padded / VECTOR_BYTES;
    const count = Math.min(MAX_CHUNKS, 4 * threads, vectors);
    const perVector = VECTOR_BYTES / bytes;
    const chunks: number[][] = [];
    for (let c = 0; c < count; c++) {
      const v0 = Math.floor((vectors * c) / count);
      const v1 = Math.floor((vectors * (c + 1)) / count);
      if (v1 > v0) chunks.push([p + v0 * VECTOR_BYTES, p + v0 * VECTOR_BYTES, (v1 - v0) * perVector]);
    }
    rt.pool.run(
      { op: kernel, chunks },
      WORKER_OPS.map((w) => rt.exports[w]),
    );
  }
  out.set(heap.subarray(p / bytes, p / bytes + n));
}

/**
 * unaryF64 or unaryF32, picked by the arrays' type.
 *
 * @example
 * if (wasmUnaryPays(x.length)) wasmUnary("tanh", x, out);
 */
export function wasmUnary(
  op: UnaryName,
  x: Float32Array | Float64Array,
  out: Float32Array | Float64Array,
  options: UnaryOptions = {},
): void {
  if (x instanceof Float64Array !== out instanceof Float64Array)
    throw new TypeError("wasmUnary: x and out must both be Float64Array or both Float32Array");
  if (x instanceof Float64Array) map(op, "f64", 8, x, out, options);
  else map(op, "f32", 4, x, out, options);
}
