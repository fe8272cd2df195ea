/**
 * execute_request: run a cell and publish what it shows.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#execute
 *
 * Order on IOPub: busy, execute_input, the cell's output (stream, display_data, ...), execute_result or
 * error, idle. `execution_count` grows only for stored, non-silent cells; a silent cell publishes nothing
 * but busy/idle; with stop_on_error a failed cell aborts the execute_requests queued behind it.
 */
import type { CellError, CellOutcome, Engine } from "../engine/types.js";
import { bundleOf, isEmpty } from "./bundle.js";
import type { RequestContext } from "./context.js";
import { errorContent, interruptedError, isInterruptError } from "./errors.js";
import type { History } from "./history.js";
import type { HandlerResult, Scope } from "./session.js";

export interface ExecuteDeps {
  executionCount: number;
  readonly history: History;
  readonly options: { check: boolean };
  engine(): Promise<Engine>;
  runAs<T>(ctx: RequestContext, fn: () => Promise<T> | T): Promise<T>;
  releaseHeld(ctx: RequestContext): void;
  interruptContext(ctx: RequestContext): void;
}

interface ExecuteContent {
  code: string;
  silent: boolean;
  storeHistory: boolean;
  stopOnError: boolean;
  userExpressions: Record<string, string>;
}

export function parseExecuteContent(content: Record<string, unknown>): ExecuteContent {
  if (typeof content.code !== "string")
    throw new TypeError(`execute_request: content.code must be a string, got ${typeof content.code}`);
  const silent = content.silent === true;
  const ue = content.user_expressions;
  const userExpressions: Record<string, string> = {};
  if (ue && typeof ue === "object")
    for (const [k, v] of Object.entries(ue)) if (typeof v === "string") userExpressions[k] = v;
  return {
    code: content.code,
    silent,
    // "silent=True forces store_history to be False" (spec).
    storeHistory: !silent && content.store_history !== false,
    stopOnError: content.stop_on_error !== false,
    userExpressions,
  };
}

/** `//% nocheck` on the first line turns type checking off for this cell. */
export function wantsNoCheck(code: string): boolean {
  return /^\s*\/\/%\s*nocheck\b/.test(code);
}

export async function handleExecute(scope: Scope, deps: ExecuteDeps): Promise<HandlerResult> {
  const { ctx } = scope;
  const cell = parseExecuteContent(scope.content);
  if (cell.storeHistory) deps.executionCount++;
  const count = deps.executionCount;
  ctx.executionCount = count;
  scope.publish("execute_input", { code: cell.code, execution_count: count });
  deps.releaseHeld(ctx);

  let outcome = await run(ctx, deps, cell.code);
  if (!outcome.ok && !ctx.interrupted && isInterruptError(outcome.error)) deps.interruptContext(ctx);
  if (ctx.interrupted) outcome = { ok: false, error: interruptedError() };

  let plain: string | null = null;
  // `undefined` shows nothing (a cell ending in console.log(x) is not asked for a value), as None in IPython.
  if (outcome.ok && outcome.hasValue && outcome.value !== undefined) {
    const bundle = await deps.runAs(ctx, () => bundleOf(outcome.ok ? outcome.value : undefined));
    plain = typeof bundle.data["text/plain"] === "string" ? bundle.data["text/plain"] : null;
    scope.finishing();
    if (!isEmpty(bundle))
      scope.publish("execute_result", {
        execution_count: count,
        data: bundle.data,
        metadata: bundle.metadata,
      });
  }
  if (!outcome.ok) {
    scope.finishing();
    scope.publish("error", { ...outcome.error });
  }
  if (cell.storeHistory) deps.history.add({ line: count, input: cell.code, output: plain });

  if (!outcome.ok) {
    if (cell.stopOnError) scope.abortQueued();
    await scope.reply({
      status: "error",
      execution_count: count,
      ...outcome.error,
      user_expressions: {},
      payload: [],
    });
    return {};
  }
  const userExpressions = await evaluateUserExpressions(ctx, deps, cell.userExpressions);
  await scope.reply({ status: "ok", execution_count: count, user_expressions: userExpressions, payload: [] });
  return {};
}

async function run(ctx: RequestContext, deps: ExecuteDeps, code: string): Promise<CellOutcome> {
  const signal = ctx.abort.signal;
  let engine: Engine | undefined;
  try {
    // The first cell may wait for the engine to load; an interrupt meanwhile means the cell never runs.
    engine = await untilAborted(deps.engine(), signal);
  } catch (e) {
    const error = errorContent(e);
    return {
      ok: false,
      error: { ...error, evalue: `the TypeScript engine could not be loaded: ${error.evalue}` },
    };
  }
  if (!engine || signal.aborted) return { ok: false, error: interruptedError() };
  const ready = engine;
  const noCheck = !deps.options.check || wantsNoCheck(code);
  try {
    const outcome = await deps.runAs(ctx, () =>
      untilAborted(ready.execute(code, { signal, noCheck, executionCount: ctx.executionCount }), signal),
    );
    // Let promise callbacks and immediates the cell started without awaiting print before `idle`.
    await new Promise((resolve) => setImmediate(resolve));
    return outcome ?? { ok: false, error: interruptedError() };
  } catch (e) {
    return { ok: false, error: errorContent(e) };
  }
}

/**
 * Resolves like `running`, or with undefined as soon as `signal` aborts: the session does not rely on the
 * engine honouring the signal.
 */
function untilAborted<T>(running: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    running.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** user_expressions: each evaluated after a successful cell, answered as a bundle or an error. */
async function evaluateUserExpressions(
  ctx: RequestContext,
  deps: ExecuteDeps,
  expressions: Record<string, string>,
): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = {};
  const names = Object.keys(expressions);
  if (names.length === 0) return result;
  const engine = await deps.engine();
  for (const name of names) {
    const outcome = await deps.runAs(ctx, () => engine.execute(expressions[name], { noCheck: true }));
    if (!outcome.ok) {
      result[name] = { status: "error", ...outcome.error };
      continue;
    }
    const bundle = await deps.runAs(ctx, () => bundleOf(outcome.value));
    result[name] = { status: "ok", data: bundle.data, metadata: bundle.metadata };
  }
  return result;
}

export type { CellError };
