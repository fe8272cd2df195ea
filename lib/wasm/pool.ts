/**
 * Worker threads that run kernel calls on the shared memory, for ops large enough to pay for a second
 * core. The library is synchronous, so a parallel op is a list of independent chunks (calls of one kernel
 * export) that the calling thread and the workers claim one at a time from a shared counter; the calling
 * thread works too, and when it runs out of chunks it blocks in Atomics.wait (allowed on Node's main
 * thread) until the claimed ones are finished. Claiming, rather than handing each worker a fixed share,
 * keeps an op fast on a busy machine: a worker that the OS has not scheduled yet simply gets fewer chunks.
 * Jobs travel through a small shared Int32Array, never through postMessage: the main thread's event loop
 * is not running while it waits.
 *
 * Workers are started lazily on the first op that wants them and unref'd, so they never keep the process
 * alive. They start in the background: until one reports ready, ops run on the calling thread alone.
 */
import { Worker } from "node:worker_threads";
import { WORKER_OPS, type WorkerOp } from "./kernels.js";

/** Int32 fields of the control array. */
const SEQ = 0; // job number; workers sleep until it changes
const CLAIM = 1; // tag << 24 | chunks << 12 | next chunk: one word, so a claim is one compare-exchange
const COMPLETED = 2; // chunks finished in the current job
const FAILED = 3; // nonzero once a chunk trapped
const OP = 4; // index into WORKER_OPS
const ARGC = 5;
const RAN_MAIN = 6; // chunks run by the calling thread since start (a statistic for tests and benches)
const RAN_WORKERS = 7; // chunks run by workers since start
const READY = 8; // READY + slot: 1 once that worker has instantiated the kernels
const MAX_WORKERS = 8;
const CHUNKS = READY + MAX_WORKERS; // chunk i's arguments start at CHUNKS + i · ARG_STRIDE
const ARG_STRIDE = 24;
/** Most chunks one job may have (a 12-bit field of CLAIM). */
export const MAX_CHUNKS = 64;

/**
 * Claims chunks of the current job until none is left, running each with `fns[op]`. Shared by the main
 * thread and (as source text) the workers. The claim word carries the job's chunk count, so a claim can
 * never pair one job's count with another's arguments; the arguments of a claimed chunk stay valid until
 * it completes, because the main thread only writes a new job after every chunk of the last one is done.
 */
function claimAndRun(ctrl: Int32Array, fns: ReadonlyArray<(...args: number[]) => void>, tally: number): void {
  for (;;) {
    const word = Atomics.load(ctrl, CLAIM);
    const next = word & 0xfff;
    if (next >= ((word >>> 12) & 0xfff)) return;
    if (Atomics.compareExchange(ctrl, CLAIM, word, word + 1) !== word) continue;
    const argc = ctrl[ARGC];
    const base = CHUNKS + next * ARG_STRIDE;
    const args: number[] = [];
    for (let i = 0; i < argc; i++) args.push(ctrl[base + i]);
    try {
      fns[ctrl[OP]](...args);
    } catch {
      Atomics.store(ctrl, FAILED, 1);
    }
    Atomics.add(ctrl, tally, 1);
    Atomics.add(ctrl, COMPLETED, 1);
    Atomics.notify(ctrl, COMPLETED);
  }
}

/**
 * The worker's whole program, as CommonJS source run with `eval: true`. A string, not a file, because
 * lib/ runs from .ts sources under vitest and tsx and from .js in dist/: a file path would differ between
 * them, a string works in all three. claimAndRun is spliced in from its compiled source, so both sides
 * run the same claiming code.
 */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, slot, ops } = workerData;
const [CLAIM, COMPLETED, FAILED, OP, ARGC, CHUNKS, ARG_STRIDE] = [${CLAIM}, ${COMPLETED}, ${FAILED}, ${OP}, ${ARGC}, ${CHUNKS}, ${ARG_STRIDE}];
const claimAndRun = ${claimAndRun.toString()};
const ctrl = new Int32Array(control);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = ops.map((name) => exports[name]);
Atomics.store(ctrl, ${READY} + slot, 1);
Atomics.notify(ctrl, ${READY} + slot);
let seen = Atomics.load(ctrl, ${SEQ});
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  claimAndRun(ctrl, fns, ${RAN_WORKERS});
}
`;

/** One job: calls of one kernel export, each a chunk of independent work. */
export interface Job {
  readonly op: WorkerOp;
  readonly chunks: ReadonlyArray<readonly number[]>;
}

export class WorkerPool {
  private readonly control = new Int32Array(new SharedArrayBuffer((CHUNKS + MAX_CHUNKS * ARG_STRIDE) * 4));
  private readonly workers: Worker[] = [];
  private broken: Error | undefined;
  private seq = 0;

  /**
   * @param size workers to start (the calling thread is one more), at most 8
   */
  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    readonly size: number,
  ) {
    if (size > MAX_WORKERS)
      throw new RangeError(`wasm pool: at most ${MAX_WORKERS} workers, asked for ${size}`);
  }

  /** Starts the workers if not yet started; returns at once (they become ready in the background). */
  start(): void {
    if (this.workers.length > 0 || this.size === 0) return;
    for (let slot = 0; slot < this.size; slot++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: this.module,
          memory: this.memory,
          control: this.control.buffer,
          slot,
          ops: WORKER_OPS,
        },
      });
      // An 'error' event without a listener would throw in the main thread (and kill a notebook kernel).
      worker.on("error", (error) => {
        this.broken = error instanceof Error ? error : new Error(String(error));
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** How many workers have started and can claim chunks (0 before start, or after a worker crashed). */
  ready(): number {
    if (this.broken) return 0;
    let n = 0;
    for (let slot = 0; slot < this.workers.length; slot++) n += Atomics.load(this.control, READY + slot);
    return n;
  }

  /**
   * Starts the workers and blocks until all are ready or `timeoutMs` passed; returns whether they are.
   * For tests and benchmarks: ops never wait for workers to start.
   */
  waitReady(timeoutMs: number): boolean {
    this.start();
    const deadline = performance.now() + timeoutMs;
    for (let slot = 0; slot < this.workers.length; slot++)
      while (Atomics.load(this.control, READY + slot) === 0) {
        const left = deadline - performance.now();
        if (left <= 0 || this.broken) return false;
        Atomics.wait(this.control, READY + slot, 0, left);
      }
    return this.ready() === this.size;
  }

  /**
   * Runs every chunk of `job` and returns when all are done; the calling thread claims chunks too, so this
   * finishes even if no worker ever wakes. Throws if a chunk trapped.
   */
  run(job: Job, local: ReadonlyArray<(...args: number[]) => void>): void {
    const { chunks } = job;
    if (chunks.length > MAX_CHUNKS) throw new RangeError(`wasm pool: more than ${MAX_CHUNKS} chunks`);
    const ctrl = this.control;
    const argc = chunks.length === 0 ? 0 : chunks[0].length;
    if (argc > ARG_STRIDE) throw new RangeError(`wasm pool: ${job.op} has more than ${ARG_STRIDE} arguments`);
    ctrl[OP] = WORKER_OPS.indexOf(job.op);
    ctrl[ARGC] = argc;
    for (let c = 0; c < chunks.length; c++) ctrl.set(chunks[c], CHUNKS + c * ARG_STRIDE);
    Atomics.store(ctrl, COMPLETED, 0);
    Atomics.store(ctrl, FAILED, 0);
    this.seq = (this.seq + 1) | 0;
    // Publishing CLAIM (sequentially consistent) makes the arguments above visible to whoever claims.
    Atomics.store(ctrl, CLAIM, ((this.seq & 0xff) << 24) | (chunks.length << 12));
    Atomics.store(ctrl, SEQ, this.seq);
    Atomics.notify(ctrl, SEQ);
    claimAndRun(ctrl, local, RAN_MAIN);
    let done: number;
    while ((done = Atomics.load(ctrl, COMPLETED)) < chunks.length) Atomics.wait(ctrl, COMPLETED, done);
    if (Atomics.load(ctrl, FAILED) !== 0) throw new Error(`wasm pool: ${job.op} trapped`);
  }

  /** Chunks run so far by the calling thread and by the workers: shows whether the workers take part. */
  stats(): { main: number; workers: number } {
    return { main: Atomics.load(this.control, RAN_MAIN), workers: Atomics.load(this.control, RAN_WORKERS) };
  }

  /** Stops the workers (tests; a process never needs this, the workers are unref'd). */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.control.fill(0);
    this.seq = 0;
  }
}
