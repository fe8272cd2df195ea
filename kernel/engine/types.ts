/**
 * The contract between kernel/session (which speaks Jupyter) and kernel/engine (which runs TypeScript).
 * The session never looks inside a cell; the engine never sees a Jupyter message.
 */

/** A failed cell, in the shape of Jupyter's `error` message. */
export interface CellError {
  ename: string;
  evalue: string;
  /** One line (or ANSI-coloured block) per entry, as Jupyter's `traceback` field. */
  traceback: string[];
}

export type CellOutcome =
  /** `hasValue` is false when the cell ends in a declaration, a statement, or a trailing `;`. */
  { ok: true; hasValue: boolean; value?: unknown } | { ok: false; error: CellError };

export interface ExecuteOptions {
  /** Aborted on interrupt: the engine stops waiting on the cell's pending top-level await. */
  signal?: AbortSignal;
  /** Skip type checking for this cell (session-wide `--no-check` or the `//% nocheck` first line). */
  noCheck?: boolean;
  /** The cell's execution_count, so tracebacks and type errors say `In[3]` as the frontend does. */
  executionCount?: number;
}

/** Jupyter `complete_reply` content without `status`. */
export interface Completion {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

/** Jupyter `inspect_reply` content without `status`. */
export interface Inspection {
  found: boolean;
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Jupyter `is_complete_reply` content without `status` wrapper. */
export type Completeness =
  | { status: "complete" }
  | { status: "incomplete"; indent: string }
  | { status: "invalid" }
  | { status: "unknown" };

export interface Engine {
  /** Runs one cell to the end of its top-level code (including top-level await). */
  execute(code: string, options?: ExecuteOptions): Promise<CellOutcome>;
  complete(code: string, cursorPos: number): Promise<Completion>;
  inspect(code: string, cursorPos: number, detailLevel: number): Promise<Inspection>;
  isComplete(code: string): Promise<Completeness>;
  /** Starts loading slow parts (the language service) in the background; never blocks. */
  warm?(): void;
}
