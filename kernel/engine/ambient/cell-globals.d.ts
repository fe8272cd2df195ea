/**
 * Globals that the kernel gives every notebook cell (kernel/session defines them at run time; the engine
 * adds this file to the type checker's program). Excluded from the project's own tsconfig so that kernel
 * and lib code cannot use them by accident.
 */

interface DisplayOptions {
  /** A display_id: later `display(v, { id, update: true })` or `handle.update(v)` replaces this output. */
  id?: string;
  /** Send update_display_data for `id` instead of a new display_data. */
  update?: boolean;
}

interface DisplayHandle {
  readonly id: string;
  /** Replace this output in place (update_display_data). */
  update(value: unknown): Promise<void>;
  /** Empty this output in place. */
  clear(): Promise<void>;
}

/** Show a value below the cell: its `[Symbol.for("Jupyter.display")]()` bundle, or readable text. */
declare function display(value: unknown, options?: DisplayOptions): DisplayHandle;

/** Clear this cell's output; with `wait`, only when the next output arrives (no flicker). */
declare function clearOutput(options?: { wait?: boolean }): void;

/** Ask the user for a line of text in the frontend (needs `allow_stdin`). */
declare function input(prompt?: string, options?: { password?: boolean }): Promise<string>;

/**
 * The browser's synchronous prompt(): blocks the cell until the frontend answers (needs `allow_stdin`).
 * An empty answer gives `defaultValue` when one is given.
 */
declare function prompt(message?: string, defaultValue?: string): string | null;

/** A Jupyter comm: a message channel between this cell's code and the frontend. */
interface Comm {
  readonly commId: string;
  readonly targetName: string;
  send(data: unknown, metadata?: Record<string, unknown>): void;
  close(data?: unknown): void;
  onMsg(handler: (data: unknown, msg: unknown) => void): void;
  onClose(handler: (data: unknown, msg: unknown) => void): void;
}

interface Comms {
  /** Called when the frontend opens a comm with this target. */
  registerTarget(targetName: string, handler: (comm: Comm, data: unknown, msg: unknown) => void): void;
  unregisterTarget(targetName: string): void;
  /** Open a comm from the kernel side. */
  open(targetName: string, data?: unknown, metadata?: Record<string, unknown>): Comm;
}

declare const comms: Comms;
