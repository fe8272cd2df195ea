/**
 * Runs a compiled cell on the main realm. The generated async function is created AND called inside
 * `runInThisContext({ breakOnSigint: true })`, so a SIGINT (the session's interrupt) stops a busy
 * synchronous loop; an aborted `signal` stops waiting for a pending top-level await.
 */
import * as vm from "node:vm";
import { IMPORT, SCOPE } from "./rewrite.js";

/** Where the wrapper hands the cell its arguments (a symbol: invisible to user code's names). */
const CELL_ARGUMENTS = Symbol.for("gradlab.engine.cellArguments");

/** Lines the wrapper adds above the compiled code (for source maps). */
export const WRAPPER_LINES = 1;

export interface CellBindings {
  scope: Record<string, unknown>;
  importModule: ((spec: string) => Promise<unknown>) & { meta?: unknown };
  require: unknown;
  /** The notebook's folder and file, for code written for CommonJS (`__dirname`). */
  dirname: string;
  filename: string;
}

export type RunResult =
  | { kind: "value"; hasValue: boolean; value?: unknown }
  | { kind: "thrown"; thrown: unknown }
  | { kind: "interrupted" };

export function wrapCell(js: string): string {
  return (
    `(async function (${SCOPE}, ${IMPORT}, require, __dirname, __filename) {"use strict";\n${js}\n})` +
    `.apply(undefined, globalThis[Symbol.for("gradlab.engine.cellArguments")])`
  );
}

export async function runCell(
  js: string,
  fileName: string,
  bindings: CellBindings,
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  let script: vm.Script;
  try {
    script = new vm.Script(wrapCell(js), { filename: fileName });
  } catch (err) {
    return { kind: "thrown", thrown: err };
  }
  if (signal?.aborted) return { kind: "interrupted" };
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[CELL_ARGUMENTS] = [
    bindings.scope,
    bindings.importModule,
    bindings.require,
    bindings.dirname,
    bindings.filename,
  ];
  let pending: Promise<{ value: unknown } | undefined>;
  try {
    pending = script.runInThisContext({ breakOnSigint: true, displayErrors: false });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED")
      return { kind: "interrupted" };
    return { kind: "thrown", thrown: err };
  } finally {
    delete g[CELL_ARGUMENTS];
  }
  const outcome = pending.then(
    (r): RunResult =>
      r ? { kind: "value", hasValue: true, value: r.value } : { kind: "value", hasValue: false },
    (thrown: unknown): RunResult => ({ kind: "thrown", thrown }),
  );
  if (!signal) return outcome;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<RunResult>((resolve) => {
    onAbort = () => resolve({ kind: "interrupted" });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([outcome, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort!);
  }
}
