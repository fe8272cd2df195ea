/**
 * Loads the generated kernel module: picks the FMA variant where the engine validates it, compiles it
 * once, and instantiates it against a shared memory (once on the main thread, once per worker).
 */
import { setFlagsFromString } from "node:v8";
import { KERNELS_FMA, KERNELS_SIMD } from "./generated/kernels.js";
import { UNARY_NAMES, type UnaryName } from "./layout.js";

/** dst[i] = op(src[i]) for n elements rounded up to whole vectors (byte pointers; dst may be src). */
export type UnaryMap = (src: number, dst: number, n: number) => void;

/** What the kernel module exports; pointers are byte addresses in the shared memory. */
export type KernelExports = GemmExports & { readonly [map in `${UnaryName}_${"f64" | "f32"}`]: UnaryMap };

interface GemmExports {
  /** See scripts/wasm/gemm.ts `gemmDriver` for the meaning of each argument. */
  gemm_f32(...args: GemmArgs): void;
  gemm_f64(...args: GemmArgs): void;
  /** Packs all of B for a later gemm call with `prepacked` = 1 (layout: see scripts/wasm/gemm.ts). */
  prepack_b_f32(b: number, sbp: number, sbj: number, n: number, k: number, dst: number): void;
  prepack_b_f64(b: number, sbp: number, sbj: number, n: number, k: number, dst: number): void;
  compact_rows(
    base: number,
    items: number,
    rows: number,
    rowBytes: number,
    srcRowBytes: number,
    srcItemBytes: number,
  ): void;
}

/** a, sai, sap, b, sbp, sbj, c, ldc, m, n, k, packA, packB, prepacked, batch, offsets, batchC. */
export type GemmArgs = [
  a: number,
  sai: number,
  sap: number,
  b: number,
  sbp: number,
  sbj: number,
  c: number,
  ldc: number,
  m: number,
  n: number,
  k: number,
  packA: number,
  packB: number,
  prepacked: number,
  batch: number,
  offsets: number,
  batchC: number,
];

/** Names of the exports a worker may be asked to run, indexed by the op number in a job. */
export const WORKER_OPS = [
  "gemm_f32",
  "gemm_f64",
  ...UNARY_NAMES.flatMap((name) => [`${name}_f64`, `${name}_f32`] as const),
] as const;
export type WorkerOp = (typeof WORKER_OPS)[number];

/** "fma": relaxed-SIMD fused multiply-add; "simd": plain SIMD mul + add; "auto": fma where it validates. */
export type KernelVariant = "auto" | "fma" | "simd";

export interface CompiledKernels {
  readonly module: WebAssembly.Module;
  readonly fma: boolean;
}

// No return annotation: TypeScript infers Uint8Array<ArrayBuffer>, which the WebAssembly APIs accept.
function decodeBase64(text: string) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether this engine accepts the FMA (relaxed SIMD) build of the kernels. */
export function relaxedSimdAvailable(): boolean {
  return WebAssembly.validate(decodeBase64(KERNELS_FMA));
}

/**
 * Turns on V8's relaxed-SIMD support where the engine has it but does not ship it (Node 20), so the FMA
 * build loads; returns whether it is now available. For a process entry point (the kernel's CLI, a
 * benchmark) to call once at start-up, before any kernels compile: V8 flags are process-wide, which is
 * why the library never does this on its own. A no-op on engines that ship relaxed SIMD (Node ≥ 22).
 *
 * @example
 * enableRelaxedSimd(); // true on Node 20 (V8 11.3) and later
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimdAvailable()) return true;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return relaxedSimdAvailable();
}

/**
 * Compiles the kernel module synchronously (Node allows synchronous compilation of any size, and the
 * library's ops are synchronous). Relaxed SIMD ships in V8 from Node 22; on Node 20 it needs
 * enableRelaxedSimd() (or `node --experimental-wasm-relaxed-simd`), and without it "auto" falls back to
 * mul + add.
 *
 * @example
 * const { fma } = compileKernels("auto"); // true under node --experimental-wasm-relaxed-simd
 */
export function compileKernels(variant: KernelVariant): CompiledKernels {
  const fmaBytes = decodeBase64(KERNELS_FMA);
  const fmaValid = WebAssembly.validate(fmaBytes);
  if (variant === "fma" && !fmaValid)
    throw new Error(
      "wasm kernels: relaxed SIMD is not available (run node with --experimental-wasm-relaxed-simd)",
    );
  const fma = variant === "fma" || (variant === "auto" && fmaValid);
  return { module: new WebAssembly.Module(fma ? fmaBytes : decodeBase64(KERNELS_SIMD)), fma };
}

/**
 * Instantiates the kernels on `memory`. Synchronous: the module is small and already compiled.
 *
 * @example
 * const k = instantiateKernels(compileKernels("simd").module, memory);
 */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
