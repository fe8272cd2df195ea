/**
 * complete_request, inspect_request, is_complete_request: answered by the engine.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#completion
 */
import type { Engine } from "../engine/types.js";
import { errorContent } from "./errors.js";
import type { Scope } from "./session.js";

type GetEngine = () => Promise<Engine>;

function codeAndCursor(scope: Scope, what: string): { code: string; cursor: number } {
  const { code, cursor_pos } = scope.content;
  if (typeof code !== "string") throw new TypeError(`${what}: content.code must be a string`);
  // Jupyter allows cursor_pos to be omitted/null: then it is the end of the code.
  const cursor =
    typeof cursor_pos === "number" ? Math.max(0, Math.min(code.length, cursor_pos)) : code.length;
  return { code, cursor };
}

async function answer(scope: Scope, compute: () => Promise<Record<string, unknown>>): Promise<void> {
  let content: Record<string, unknown>;
  try {
    content = { status: "ok", ...(await compute()) };
  } catch (e) {
    content = { status: "error", ...errorContent(e) };
  }
  await scope.reply(content);
}

export async function handleComplete(scope: Scope, engine: GetEngine): Promise<void> {
  await answer(scope, async () => {
    const { code, cursor } = codeAndCursor(scope, "complete_request");
    return { ...(await (await engine()).complete(code, cursor)) };
  });
}

export async function handleInspect(scope: Scope, engine: GetEngine): Promise<void> {
  await answer(scope, async () => {
    const { code, cursor } = codeAndCursor(scope, "inspect_request");
    const detail = typeof scope.content.detail_level === "number" ? scope.content.detail_level : 0;
    return { ...(await (await engine()).inspect(code, cursor, detail)) };
  });
}

/** is_complete_reply carries its verdict in `status` itself (complete/incomplete/invalid/unknown). */
export async function handleIsComplete(scope: Scope, engine: GetEngine): Promise<void> {
  const { code } = scope.content;
  if (typeof code !== "string") return scope.reply({ status: "unknown" });
  try {
    await scope.reply({ ...(await (await engine()).isComplete(code)) });
  } catch {
    await scope.reply({ status: "unknown" });
  }
}
