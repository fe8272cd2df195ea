/**
 * A value's MIME bundle. The kernel never asks what a value is: it calls
 * `value[Symbol.for("Jupyter.display")]()` (the convention shared with Deno's kernel), which returns the
 * bundle or a promise of it, and falls back to text/plain.
 */
import { inspect } from "node:util";

export const DISPLAY = Symbol.for("Jupyter.display");

/** The `data` and `metadata` fields of display_data / execute_result. */
export interface Bundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export function bundleOf(value: unknown): Bundle | Promise<Bundle> {
  let own: unknown;
  try {
    own = (value as { [DISPLAY]?: unknown } | null | undefined)?.[DISPLAY];
  } catch (e) {
    return failed(value, e);
  }
  if (typeof own !== "function") return plain(value);
  let result: unknown;
  try {
    result = (own as () => unknown).call(value);
  } catch (e) {
    return failed(value, e);
  }
  if (isThenable(result))
    return Promise.resolve(result).then(
      (r) => normalize(value, r),
      (e: unknown) => failed(value, e),
    );
  return normalize(value, result);
}

/** text/plain the way Node's REPL shows values, without ANSI colours. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100, maxStringLength: 10_000 });
}

function plain(value: unknown): Bundle {
  return { data: { "text/plain": plainText(value) }, metadata: {} };
}

/** An empty bundle is allowed: it means "show nothing" (a display handle as a cell's last value). */
function normalize(value: unknown, result: unknown): Bundle {
  if (typeof result !== "object" || result === null || Array.isArray(result)) return plain(value);
  const data: Record<string, unknown> = {};
  for (const [mime, content] of Object.entries(result)) if (content !== undefined) data[mime] = content;
  return { data, metadata: {} };
}

export function isEmpty(bundle: Bundle): boolean {
  return Object.keys(bundle.data).length === 0;
}

/** A broken display method must not lose the output: show the value plainly and say what went wrong. */
function failed(value: unknown, error: unknown): Bundle {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    data: { "text/plain": `${plainText(value)}\n[display failed: ${why}]` },
    metadata: {},
  };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}
