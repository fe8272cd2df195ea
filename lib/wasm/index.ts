/**
 * WebAssembly SIMD kernels on plain typed arrays, with worker threads for large ops. The tensor library
 * calls in here above a size threshold (`wasmMatmulPays`, `wasmUnaryPays`); nothing here knows about
 * tensors.
 *
 * Where things live:
 * - scripts/wasm/*.ts generate the kernels' WAT text; scripts/build-wasm.ts assembles it with wabt into
 *   lib/wasm/generated/kernels.ts (base64, gitignored) as the first step of `npm run build`.
 * - layout.ts: tile and block sizes and memory constants both sides share.
 * - kernels.ts loads the module (the FMA build where relaxed SIMD validates: Node ≥ 22, or Node 20 after
 *   enableRelaxedSimd() at start-up; else plain SIMD mul + add), arena.ts is the shared memory,
 *   pool.ts the worker threads, runtime.ts ties them together, matmul.ts and unary.ts are the ops.
 * - reference.ts: the plain matmul the tests compare against.
 */
export {
  matmulF32,
  matmulF64,
  matmulBatchF32,
  matmulBatchF64,
  wasmMatmul,
  wasmMatmulBatch,
  wasmMatmulPays,
  WASM_MATMUL_MIN_FLOPS,
  type MatmulOptions,
  type BatchMatmulOptions,
} from "./matmul.js";
export { matmulReference } from "./reference.js";
export {
  createRuntime,
  defaultRuntime,
  DEFAULT_PARALLEL_MIN_FLOPS,
  type RuntimeOptions,
  type WasmRuntime,
} from "./runtime.js";
export {
  unaryF32,
  unaryF64,
  wasmUnary,
  wasmUnaryPays,
  WASM_UNARY_MIN_LENGTH,
  type UnaryOptions,
} from "./unary.js";
export type { UnaryName } from "./layout.js";
export { WASM_MODE, parseWasmMode, type WasmMode } from "./mode.js";
export { enableRelaxedSimd, relaxedSimdAvailable } from "./kernels.js";
