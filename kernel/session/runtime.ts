/**
 * What cell code sees at run time (declared for the type checker in kernel/engine/ambient/cell-globals.d.ts):
 * `display`, `clearOutput`, `input`, `prompt`, `comms` on globalThis; process.stdout/stderr captured into
 * `stream` messages; `process.exit` refused; errors from timers and unhandled rejections shown, never fatal.
 *
 * Cells run on the main realm (the engine uses runInThisContext), so this is installed once per kernel
 * process, and `uninstall()` puts everything back (tests).
 */
import { randomUUID } from "node:crypto";
import { inspect, promisify } from "node:util";
import { DISPLAY, bundleOf, isEmpty, type Bundle } from "./bundle.js";
import type { Session } from "./session.js";

interface DisplayOptions {
  id?: string;
  update?: boolean;
}

export interface DisplayHandle {
  readonly id: string;
  update(value: unknown): Promise<void>;
  clear(): Promise<void>;
}

type Content = Record<string, unknown>;

/**
 * display_data / update_display_data content for `value`, keeping the bundle's promise if it has one.
 * An empty bundle publishes nothing (undefined content is skipped by the outbox).
 */
/**
 * An object that updates its own output later (a stepper's `next()` in a later cell) names the display_id
 * it wants under Symbol.for("gradlab.display_id"), so a plain `display(s)` can be updated in place.
 */
function ownDisplayId(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const id: unknown = (value as Record<symbol, unknown>)[Symbol.for("gradlab.display_id")];
  return typeof id === "string" ? id : undefined;
}

function displayContent(value: unknown, id: string): Content | Promise<Content | undefined> | undefined {
  const toContent = (b: Bundle): Content | undefined =>
    isEmpty(b) ? undefined : { data: b.data, metadata: b.metadata, transient: { display_id: id } };
  const bundle = bundleOf(value);
  return bundle instanceof Promise ? bundle.then(toContent) : toContent(bundle);
}

export function createCellGlobals(session: Session) {
  const update = (id: string, value: unknown): Promise<void> => {
    const content = displayContent(value, id);
    if (content) session.publishNow(session.origin(), "update_display_data", content);
    return Promise.resolve(content).then(() => undefined);
  };
  const handle = (id: string): DisplayHandle =>
    Object.defineProperties(
      {
        id,
        update: (value: unknown) => update(id, value),
        clear: () => update(id, { [DISPLAY]: () => ({ "text/plain": "" }) }),
      },
      {
        // `display(x)` as a cell's last line shows x once, not also its handle.
        [DISPLAY]: { value: () => ({}) },
        [inspect.custom]: { value: () => `DisplayHandle { id: '${id}' }` },
      },
    );

  function display(value: unknown, options: DisplayOptions = {}): DisplayHandle {
    if (options.update && options.id === undefined)
      throw new TypeError("display(value, { update: true }) needs the id of the output to update");
    const id = options.id === undefined ? (ownDisplayId(value) ?? randomUUID()) : String(options.id);
    if (options.update) void update(id, value);
    else {
      const content = displayContent(value, id);
      if (content) session.publishFrom(session.origin(), "display_data", content);
    }
    return handle(id);
  }

  function clearOutput(options: { wait?: boolean } = {}): void {
    const origin = session.origin();
    // A finished cell's clearOutput would wipe whichever cell runs now: it is dropped instead.
    if (origin && origin.done) return;
    session.publishFrom(origin, "clear_output", { wait: options.wait === true });
  }

  function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
    return session.input(String(prompt), options.password === true);
  }

  /** The browser's synchronous prompt(): blocks until the frontend answers. */
  function prompt(message = "", defaultValue?: string): string | null {
    const answer = session.inputSync(String(message), false);
    return answer === "" && defaultValue !== undefined ? defaultValue : answer;
  }

  return { display, clearOutput, input, prompt, comms: session.comms.api() };
}

/** Installs everything on the process; returns a function that undoes it. */
export function installRuntime(session: Session, log: (text: string) => void): () => void {
  const undo: (() => void)[] = [];
  const g = globalThis as unknown as Record<string, unknown>;

  for (const [name, value] of Object.entries(createCellGlobals(session))) {
    const before = Object.getOwnPropertyDescriptor(g, name);
    Object.defineProperty(g, name, { value, writable: true, configurable: true, enumerable: false });
    undo.push(() => (before ? Object.defineProperty(g, name, before) : delete g[name]));
  }

  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const original = Object.getOwnPropertyDescriptor(stream, "write");
    stream.write = function write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const text =
        typeof chunk === "string"
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
            );
      session.writeStream(name, text);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    } as typeof stream.write;
    undo.push(() => {
      if (original) Object.defineProperty(stream, "write", original);
      else delete (stream as unknown as Record<string, unknown>).write;
    });
  }

  undo.push(routeTimersThroughMicrotasks());

  const exit = process.exit;
  process.exit = ((code?: number | string | null) => {
    throw new Error(
      `process.exit(${code ?? ""}) was refused: it would end the kernel and lose every variable. ` +
        "Use the notebook's Restart Kernel instead.",
    );
  }) as typeof process.exit;
  undo.push(() => (process.exit = exit));

  const onException = (error: unknown) => {
    if (!session.origin())
      log(`uncaught exception outside any request: ${(error as Error)?.stack ?? String(error)}`);
    session.reportError("uncaught exception", error);
  };
  const onRejection = (reason: unknown) => session.reportError("unhandled rejection", reason);
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  undo.push(() => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  });

  return () => {
    for (const u of undo.reverse()) u();
  };
}

/**
 * Timer callbacks run as microtasks. Why: the last-resort interrupt (worker.ts terminateMainThread)
 * terminates JavaScript, which Node survives inside a microtask but not inside a timer callback called
 * directly by the event loop. Timing is unchanged: Node runs microtasks right after each timer callback.
 */
function routeTimersThroughMicrotasks(): () => void {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ["setTimeout", "setInterval", "setImmediate"] as const;
  const originals = names.map((n) => g[n] as (...a: unknown[]) => unknown);
  names.forEach((name, i) => {
    const original = originals[i];
    const wrapped = function (this: unknown, callback: unknown, ...rest: unknown[]) {
      if (typeof callback !== "function") return original.call(this, callback, ...rest);
      return original.call(
        this,
        function (this: unknown, ...args: unknown[]) {
          queueMicrotask(() => (callback as (...a: unknown[]) => unknown).apply(this, args));
        },
        ...rest,
      );
    };
    const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
    if (custom) Object.defineProperty(wrapped, promisify.custom, { value: custom });
    g[name] = wrapped;
  });
  return () => names.forEach((name, i) => (g[name] = originals[i]));
}
