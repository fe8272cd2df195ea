/**
 * Executes one notebook through a real kernel, cell by cell, over the Jupyter protocol, and returns the
 * executed copy (the input object is not changed). The rules follow nbclient, which lecturers' CI uses:
 * empty cells are skipped, a cell tagged `skip-execution` too; an error stops the run unless errors are
 * allowed (or the cell is tagged `raises-exception`); a cell past its time limit is interrupted and fails;
 * a kernel that dies is reported with the cell it was running and its last words on stderr.
 */
import type { Message } from "../protocol/wire.js";
import { createOutputCollector } from "./collect.js";
import {
  describeExit,
  lastWords,
  startKernel,
  type KernelOptions,
  type RunningKernel,
} from "./kernel-process.js";
import { joinSource, type CodeCell, type Notebook } from "./nbformat.js";

export interface RunOptions {
  kernel?: KernelOptions;
  /**
   * Per-cell limit in ms; past it the cell is interrupted and fails. Default: none. A cell can set its
   * own in seconds, `"metadata": { "gradlab": { "timeout": 600 } }` (0 = none): a training cell may
   * need longer than the rest.
   */
  timeoutMs?: number;
  /** How long an interrupted cell may take to stop before the kernel is killed. */
  interruptGraceMs?: number;
  /** Keep going after a cell errs (its error stays in the outputs). */
  allowErrors?: boolean;
  /** Called after each executed (or skipped) code cell: for progress bars. */
  onCell?: (event: { index: number; done: number; total: number }) => void;
  /** Aborting stops the run at once (the kernel is killed); the result reports it. */
  signal?: AbortSignal;
}

/** Why a run stopped short or which cells erred; `cell` is 1-based, as a reader counts cells. */
export interface CellFailure {
  cell: number;
  kind: "error" | "timeout" | "kernel-died" | "aborted" | "start";
  message: string;
}

export interface RunResult {
  notebook: Notebook;
  failures: CellFailure[];
  /** Code cells executed. */
  executed: number;
  /** True when every cell ran and none failed (allowed errors do not count). */
  ok: boolean;
}

/** Code cells the runner will execute: non-empty and not tagged skip-execution. */
export function executableCells(nb: Notebook): number[] {
  const out: number[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code" || !joinSource(c.source).trim()) return;
    const tags = Array.isArray(c.metadata.tags) ? c.metadata.tags : [];
    if (!tags.includes("skip-execution")) out.push(i);
  });
  return out;
}

export async function runNotebook(input: Notebook, options: RunOptions = {}): Promise<RunResult> {
  const nb = structuredClone(input);
  const cells = executableCells(nb);
  const failures: CellFailure[] = [];
  let kernel: RunningKernel;
  try {
    kernel = await startKernel(options.kernel);
  } catch (e) {
    return {
      notebook: nb,
      failures: [{ cell: 0, kind: "start", message: (e as Error).message }],
      executed: 0,
      ok: false,
    };
  }
  // As nbclient does: the executed notebook says which language it ran as; one run by gradlab's own
  // kernel without a kernelspec gets gradlab's, so Jupyter opens it with the right kernel.
  const languageInfo = kernel.info.content.language_info;
  if (languageInfo && typeof languageInfo === "object")
    nb.metadata.language_info = languageInfo as Notebook["metadata"]["language_info"];
  if (!nb.metadata.kernelspec && !options.kernel?.argv)
    nb.metadata.kernelspec = {
      name: "gradlab",
      display_name: "TypeScript (gradlab)",
      language: "typescript",
    };

  const collector = createOutputCollector();
  // One abort listener for the whole run (not one per cell).
  const aborted = abortPromise(options.signal);
  let executed = 0;
  try {
    for (const [done, index] of cells.entries()) {
      if (options.signal?.aborted) {
        failures.push({ cell: index + 1, kind: "aborted", message: "run interrupted" });
        break;
      }
      const cell = nb.cells[index] as CodeCell;
      const failure = kernel.isAlive()
        ? await runCell(kernel, cell, index, collector, aborted.promise, options).catch(
            (e: unknown): CellFailure => ({
              cell: index + 1,
              kind: "kernel-died",
              message: `lost the kernel: ${String(e)}`,
            }),
          )
        : {
            cell: index + 1,
            kind: "kernel-died" as const,
            message: `the kernel is gone${lastWords(kernel)}`,
          };
      executed++;
      options.onCell?.({ index, done: done + 1, total: cells.length });
      if (!failure) continue;
      const tags = Array.isArray(cell.metadata.tags) ? cell.metadata.tags : [];
      if (failure.kind === "error" && (options.allowErrors || tags.includes("raises-exception"))) continue;
      failures.push(failure);
      // With --allow-errors an interrupted cell is reported but the run goes on, if the kernel still lives.
      if (!(options.allowErrors && failure.kind === "timeout" && kernel.isAlive())) break;
    }
  } finally {
    aborted.dispose();
    await kernel.shutdown();
  }
  return { notebook: nb, failures, executed, ok: failures.length === 0 };
}

type Outcome =
  | { kind: "finished"; reply: Message }
  | { kind: "timeout" }
  | { kind: "died"; how: string }
  | { kind: "aborted" };

async function runCell(
  kernel: RunningKernel,
  cell: CodeCell,
  index: number,
  collector: ReturnType<typeof createOutputCollector>,
  aborted: Promise<Outcome>,
  options: RunOptions,
): Promise<CellFailure | undefined> {
  const where = index + 1;
  cell.outputs = [];
  cell.execution_count = null;
  collector.startCell(cell.outputs);
  let error: { ename: string; evalue: string } | undefined;
  const { finished } = await kernel.client.submit(joinSource(cell.source), {
    stop_on_error: !options.allowErrors,
    onMessage: (m) => {
      if (m.header.msg_type === "execute_input" && typeof m.content.execution_count === "number")
        cell.execution_count = m.content.execution_count;
      if (m.header.msg_type === "error")
        error = { ename: String(m.content.ename), evalue: String(m.content.evalue) };
      collector.apply(m);
    },
  });
  const died = kernel.exited.then((e): Outcome => ({ kind: "died", how: describeExit(e) }));
  const reply = finished.then((r): Outcome => ({ kind: "finished", reply: r.reply }));
  const own = cellTimeoutMs(cell);
  const limitMs = own === undefined ? options.timeoutMs : (own ?? undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut =
    limitMs === undefined
      ? new Promise<Outcome>(() => undefined)
      : new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: "timeout" }), limitMs)));
  let outcome = await Promise.race([reply, died, timedOut, aborted]);
  clearTimeout(timer);

  if (outcome.kind === "timeout") {
    const seconds = (limitMs ?? 0) / 1000;
    // Sent again each second: an interrupt that lands while the kernel is still compiling the cell
    // (before its code runs) may be lost, and one more is harmless to a cell that has already stopped.
    const graceMs = options.interruptGraceMs ?? 5000;
    let stopped = false;
    const grace = (async (): Promise<Outcome> => {
      for (let waited = 0; waited < graceMs && !stopped; waited += 1000) {
        await interrupt(kernel);
        await sleep(Math.min(1000, graceMs - waited));
      }
      return { kind: "timeout" };
    })();
    outcome = await Promise.race([reply, died, grace, aborted]);
    stopped = true;
    if (outcome.kind === "timeout") {
      kernel.kill();
      return {
        cell: where,
        kind: "timeout",
        message: `timed out after ${seconds} s and did not stop when interrupted; kernel killed`,
      };
    }
    if (outcome.kind === "finished")
      return { cell: where, kind: "timeout", message: `timed out after ${seconds} s (interrupted)` };
  }
  if (outcome.kind === "died")
    return {
      cell: where,
      kind: "kernel-died",
      message: `the kernel died while running this cell (${outcome.how})${lastWords(kernel)}`,
    };
  if (outcome.kind === "aborted") {
    kernel.kill();
    return { cell: where, kind: "aborted", message: "run interrupted" };
  }
  const content = outcome.reply.content;
  if (typeof content.execution_count === "number") cell.execution_count = content.execution_count;
  if (content.status === "error" || content.status === "aborted") {
    const e = error ?? {
      ename: String(content.ename ?? "Error"),
      evalue: String(content.evalue ?? content.status),
    };
    return { cell: where, kind: "error", message: `${e.ename}: ${e.evalue}` };
  }
  return undefined;
}

/** The cell's own limit from `metadata.gradlab.timeout` in seconds: ms, null for "none", undefined if unset. */
function cellTimeoutMs(cell: CodeCell): number | null | undefined {
  const own = (cell.metadata.gradlab as { timeout?: unknown } | undefined)?.timeout;
  if (typeof own !== "number" || !(own >= 0)) return undefined;
  return own === 0 ? null : own * 1000;
}

/** interrupt_request on the control channel; SIGINT when the kernel does not answer it. */
async function interrupt(kernel: RunningKernel): Promise<void> {
  try {
    await kernel.client.request("control", "interrupt_request", {}, { timeoutMs: 1000 });
  } catch {
    kernel.child.kill("SIGINT");
  }
}

/** Resolves when `signal` aborts; `dispose` removes the listener (notebooks share one signal). */
function abortPromise(signal: AbortSignal | undefined): { promise: Promise<Outcome>; dispose: () => void } {
  if (!signal) return { promise: new Promise(() => undefined), dispose: () => undefined };
  if (signal.aborted) return { promise: Promise.resolve({ kind: "aborted" }), dispose: () => undefined };
  let onAbort = () => undefined as void;
  const promise = new Promise<Outcome>((resolve) => {
    onAbort = () => resolve({ kind: "aborted" });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
