/**
 * A runtime bundles what the kernels need to run: the compiled module, its instance on the main thread,
 * the shared memory arena and the worker pool. The library uses one, created on first use
 * (`defaultRuntime`); tests create their own to pin a thread count or kernel variant.
 */
import { availableParallelism } from "node:os";
import { Arena } from "./arena.js";
import { compileKernels, instantiateKernels, type KernelExports, type KernelVariant } from "./kernels.js";
import { WorkerPool } from "./pool.js";

export interface RuntimeOptions {
  /** Threads an op may use, the calling thread included. Default: the machine's cores, at most 4. */
  readonly threads?: number;
  /** Which kernel build to load; default "auto" (FMA where the engine supports relaxed SIMD). */
  readonly kernels?: KernelVariant;
  /**
   * Smallest op, in floating-point operations (2·m·n·k for a matmul), worth splitting across threads.
   * Below it an op runs on the calling thread with no synchronisation at all.
   */
  readonly parallelMinFlops?: number;
}

/**
 * Measured with bench/matmul.ts on this project's 2-core machine: a round trip to a worker costs ~7 µs,
 * but a split also packs B up front on one thread and needs the other core free. Float64 n×n·n×n, 1 vs 2
 * threads: n = 128 about even (0.93–1.19×), n = 192 1.4×, n = 256 1.5–1.6×, n = 512 1.7–1.8×. So a
 * split starts at about a 128³ product (4 MFLOP).
 */
export const DEFAULT_PARALLEL_MIN_FLOPS = 4_000_000;

export interface WasmRuntime {
  readonly exports: KernelExports;
  readonly arena: Arena;
  readonly pool: WorkerPool;
  /** Whether the kernels use fused multiply-add (relaxed SIMD). */
  readonly fma: boolean;
  /** Threads an op may use, the calling thread included. */
  readonly threads: number;
  readonly parallelMinFlops: number;
}

/**
 * Compiles and instantiates the kernels on a fresh shared memory. Workers are not started here: the
 * first op big enough to want them starts them.
 *
 * @example
 * const rt = createRuntime({ threads: 1 });
 * matmulF64(a, b, out, m, k, n, { runtime: rt });
 */
export function createRuntime(options: RuntimeOptions = {}): WasmRuntime {
  const threads = Math.max(1, Math.floor(options.threads ?? Math.min(4, availableParallelism())));
  const { module, fma } = compileKernels(options.kernels ?? "auto");
  const arena = Arena.create();
  return {
    exports: instantiateKernels(module, arena.memory),
    arena,
    pool: new WorkerPool(module, arena.memory, threads - 1),
    fma,
    threads,
    parallelMinFlops: options.parallelMinFlops ?? DEFAULT_PARALLEL_MIN_FLOPS,
  };
}

let shared: WasmRuntime | undefined;

/**
 * The runtime the library's ops use, created on first call. A module-level cache on purpose: it owns a
 * process-wide resource (one memory, one set of workers) that every op shares.
 *
 * @example
 * defaultRuntime().fma; // which kernel build this process runs
 */
export function defaultRuntime(): WasmRuntime {
  shared ??= createRuntime();
  return shared;
}

/**
 * Threads an op of `flops` work should use: 1 below the runtime's threshold, and 1 while no worker is up
 * yet (this call starts them, but never waits: they come up in the background and later ops use them).
 *
 * @example
 * threadsFor(rt, undefined, 2 * m * n * k); // 1 for a small product
 */
export function threadsFor(rt: WasmRuntime, requested: number | undefined, flops: number): number {
  const threads = Math.min(requested ?? rt.threads, rt.threads);
  if (threads <= 1 || flops < rt.parallelMinFlops) return 1;
  rt.pool.start();
  return rt.pool.ready() === 0 ? 1 : threads;
}
