/**
 * Anything thrown, as the `ename` / `evalue` / `traceback` of a Jupyter error.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#execution-errors
 */
import { inspect } from "node:util";
import type { CellError } from "../engine/types.js";

export function errorContent(thrown: unknown): CellError {
  if (thrown instanceof Error) {
    const stack = typeof thrown.stack === "string" && thrown.stack.length > 0 ? thrown.stack : undefined;
    return {
      ename: thrown.name || "Error",
      evalue: thrown.message,
      traceback: stack ? stack.split("\n") : [`${thrown.name}: ${thrown.message}`],
    };
  }
  // `throw 42`, `throw { code: 1 }`: still a clear error, named for what was thrown.
  const text = typeof thrown === "string" ? thrown : inspect(thrown, { colors: false, depth: 2 });
  return { ename: "Uncaught", evalue: text, traceback: [`Uncaught ${text}`] };
}

/** What an interrupted cell reports, whatever the engine said. */
export function interruptedError(): CellError {
  return {
    ename: "KeyboardInterrupt",
    evalue: "the cell was interrupted",
    traceback: ["KeyboardInterrupt: the cell was interrupted"],
  };
}

/** Did the engine's error come from the vm watchdog stopping a busy loop on SIGINT? */
export function isInterruptError(error: CellError): boolean {
  return (
    error.ename === "KeyboardInterrupt" ||
    /ERR_SCRIPT_EXECUTION_INTERRUPTED|Script execution was interrupted/.test(
      `${error.evalue}\n${error.traceback.join("\n")}`,
    )
  );
}
