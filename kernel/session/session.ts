/**
 * The request loop: one queue per channel (shell requests run one at a time, in order; control has its own
 * queue so it is served while a cell awaits), `busy` before and `idle` after every request, every output
 * of a request before its `idle`, and late output of finished requests never silently moved.
 *
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Engine } from "../engine/types.js";
import type { ToSync } from "../protocol/bridge.js";
import { newMessage, replyType, type Channel, type Message } from "../protocol/wire.js";
import { Comms } from "./comms.js";
import { describeContext, newContext, type RequestChannel, type RequestContext } from "./context.js";
import { errorContent } from "./errors.js";
import { handleExecute } from "./execute.js";
import { History, type HistoryQuery } from "./history.js";
import { handleComplete, handleInspect, handleIsComplete } from "./introspection.js";
import { Outbox, type Destination, type StreamTailStore } from "./outbox.js";
import { TimerRegistry } from "./timers.js";

/** What the session needs from the sockets (SocketHost in production, a recorder in tests). */
export interface Transport {
  send(channel: Channel, message: Message<unknown>): void;
  /** Delivers requests that already arrived but were not yet handed over (see SocketHost.drainPending). */
  drainPending?(): void;
  /** Tells the socket thread whether user code is running (it decides whether to raise SIGINT). */
  setExecuting?(executing: boolean): void;
  /** Blocks until an input_reply arrives (synchronous prompt()); absent in tests. */
  waitForInput?(sendRequest: () => void): ToSync;
  /** Hold sends until uncork() and hand them over at once (a reply and the `idle` right behind it). */
  cork?(): void;
  uncork?(): void;
}

export interface SessionOptions {
  session: string;
  transport: Transport;
  engine: () => Promise<Engine>;
  /** Type-check cells (false with `gradlab kernel --no-check`). */
  check: boolean;
  kernelInfo: Record<string, unknown>;
  log: (text: string) => void;
  onShutdown?: (restart: boolean) => void;
  /** Runs `fn` after `ms`, outside any request's context. */
  schedule?: (fn: () => void, ms: number) => void;
  /** Epoch milliseconds (compared with interrupt times from the socket thread). */
  now?: () => number;
  /** Track the timers each request starts (off in tests that do not need it: it is a process-wide hook). */
  trackTimers?: boolean;
  /** Where the unsent end of a stream waits (shared with the socket thread in the kernel). */
  streamTail?: StreamTailStore;
}

/** What a handler gets: its request and ways to answer it. */
export interface Scope {
  readonly ctx: RequestContext;
  readonly content: Record<string, unknown>;
  /** Publishes output of this request (dropped when it is silent). */
  publish(
    msgType: string,
    content: Record<string, unknown> | Promise<Record<string, unknown> | undefined>,
  ): void;
  /** Sends the `*_reply` on the request's channel, after all output queued so far. */
  reply(content: Record<string, unknown>): Promise<void>;
  /**
   * The request's last output comes next: it, the reply and `idle` go to the socket thread together
   * (unless user code runs in between: `runAs` lets held messages go first).
   */
  finishing(): void;
  /**
   * stop_on_error: answers `aborted` to every execute_request that arrived before now. Called before the
   * failed cell's reply, so a request sent after the reply is never caught by it.
   */
  abortQueued(): void;
}

export interface HandlerResult {
  /** shutdown_request: stop the kernel once `idle` is out. */
  shutdown?: { restart: boolean };
}

type Handler = (scope: Scope) => Promise<HandlerResult | void>;

interface Queued {
  message: Message;
  aborted: boolean;
}

/** Late output kept while no cell runs, released into the next cell (marked with where it came from). */
interface Held {
  label: string;
  write: (dest: RequestContext) => void;
}

const MAX_HELD = 1000;

export class Session {
  readonly als = new AsyncLocalStorage<RequestContext>();
  readonly outbox: Outbox;
  readonly history = new History();
  readonly comms: Comms;
  readonly timers: TimerRegistry<RequestContext>;
  executionCount = 0;
  private readonly queues: Record<RequestChannel, { items: Queued[]; running: boolean }> = {
    shell: { items: [], running: false },
    control: { items: [], running: false },
  };
  /** The shell request being handled (the only one that runs user code). */
  private current: RequestContext | undefined;
  private held: Held[] = [];
  private heldDropped = 0;
  private readonly pendingInputs = new Map<
    string,
    { resolve: (v: string) => void; reject: (e: Error) => void }
  >();
  private readonly handlers: Record<string, Handler>;
  private idleWaiters: (() => void)[] = [];
  private engineLoading: Promise<Engine> | undefined;
  readonly now: () => number;

  constructor(readonly options: SessionOptions) {
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    const schedule =
      options.schedule ?? ((fn: () => void, ms: number) => this.als.exit(() => setTimeout(fn, ms).unref()));
    this.outbox = new Outbox((channel, message) => options.transport.send(channel, message), {
      session: options.session,
      schedule,
      tail: options.streamTail,
    });
    this.timers = new TimerRegistry(() => this.als.getStore());
    if (options.trackTimers) this.timers.enable();
    this.comms = new Comms(this);
    this.handlers = {
      execute_request: (s) => handleExecute(s, this),
      complete_request: (s) => handleComplete(s, () => this.engine()),
      inspect_request: (s) => handleInspect(s, () => this.engine()),
      is_complete_request: (s) => handleIsComplete(s, () => this.engine()),
      history_request: async (s) =>
        s.reply({ status: "ok", history: this.history.query(historyQuery(s.content)) }),
      comm_info_request: async (s) =>
        s.reply({ status: "ok", comms: this.comms.info(s.content.target_name) }),
      comm_open: (s) => this.comms.handleOpen(s),
      comm_msg: (s) => this.comms.handleMsg(s),
      comm_close: (s) => this.comms.handleClose(s),
      kernel_info_request: async (s) => s.reply(options.kernelInfo),
      shutdown_request: async (s) => {
        const restart = s.content.restart === true;
        await s.reply({ status: "ok", restart });
        return { shutdown: { restart } };
      },
      interrupt_request: async (s) => {
        this.interrupt(this.now());
        await s.reply({ status: "ok" });
      },
    };
  }

  /** The engine, loaded on first use (typescript is not loaded before the first kernel_info is answered). */
  engine(): Promise<Engine> {
    this.engineLoading ??= this.options.engine();
    return this.engineLoading;
  }

  // ---- requests --------------------------------------------------------------------------------------------

  receive(channel: "shell" | "control" | "stdin", message: Message): void {
    if (channel === "stdin") return this.onStdin(message);
    const queue = this.queues[channel];
    queue.items.push({ message, aborted: false });
    if (!queue.running) void this.pump(channel);
  }

  /** Resolves when both queues are empty (tests). */
  idle(): Promise<void> {
    if (!this.queues.shell.running && !this.queues.control.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(channel: RequestChannel): Promise<void> {
    const queue = this.queues[channel];
    queue.running = true;
    try {
      for (let item = queue.items.shift(); item; item = queue.items.shift()) {
        // Handlers (and so user code) start in a microtask, never inside the port's message callback: see
        // worker.ts terminateMainThread for why that matters.
        await null;
        await this.dispatch(channel, item);
      }
    } finally {
      queue.running = false;
      if (!this.queues.shell.running && !this.queues.control.running) {
        const waiting = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiting) resolve();
      }
    }
  }

  private async dispatch(channel: RequestChannel, { message, aborted }: Queued): Promise<void> {
    const content = message.content;
    const msgType = message.header.msg_type;
    const ctx = newContext(channel, message, this.now(), {
      silent: msgType === "execute_request" && content.silent === true,
      allowStdin: msgType === "execute_request" && content.allow_stdin === true,
    });
    const status: Destination = { request: message, silent: false };
    // `busy` and what the handler publishes before its first await (execute_input) go to the socket
    // thread in one hand-over.
    this.options.transport.cork?.();
    this.outbox.publish(status, "status", { execution_state: "busy" });
    if (channel === "shell") this.current = ctx;
    let replied = false;
    const scope: Scope = {
      ctx,
      content,
      publish: (type, c) => this.publishOwn(ctx, type, c),
      abortQueued: () => this.abortQueuedExecutes(),
      finishing: () => this.options.transport.cork?.(),
      reply: async (c) => {
        // Every handler replies last: its last output (execute_result), the reply and `idle` go together.
        this.options.transport.cork?.();
        await this.outbox.flush();
        replied = true;
        this.options.transport.send(
          channel,
          newMessage({
            msgType: replyType(msgType),
            session: this.options.session,
            content: c,
            parent: message,
          }),
        );
      },
    };
    let result: HandlerResult | void = undefined;
    try {
      const handler = this.handlers[msgType];
      if (aborted) await scope.reply({ status: "aborted" });
      else if (handler) {
        const handled = handler(scope); // runs up to its first await
        this.options.transport.uncork?.();
        result = await handled;
      } else if (msgType.endsWith("_request")) {
        this.options.log(`unknown request type ${msgType}: answered with an error`);
        await scope.reply({
          status: "error",
          ename: "UnknownMessageType",
          evalue: `gradlab does not handle ${msgType}`,
          traceback: [],
        });
      } else this.options.log(`ignored message of unknown type ${msgType} on ${channel}`);
    } catch (e) {
      this.options.log(`error handling ${msgType}: ${(e as Error)?.stack ?? String(e)}`);
      if (!replied && msgType.endsWith("_request"))
        await scope.reply({ status: "error", ...errorContent(e) });
    } finally {
      ctx.done = true;
      this.timers.release(ctx);
      if (this.current === ctx) this.current = undefined;
      this.outbox.publish(status, "status", { execution_state: "idle" });
      await this.outbox.flush();
      this.options.transport.uncork?.();
    }
    if (result?.shutdown) this.options.onShutdown?.(result.shutdown.restart);
  }

  /** stop_on_error: every execute_request that arrived before now is answered `aborted`; later ones run. */
  private abortQueuedExecutes(): void {
    this.options.transport.drainPending?.();
    for (const item of this.queues.shell.items)
      if (item.message.header.msg_type === "execute_request") item.aborted = true;
  }

  // ---- user code -------------------------------------------------------------------------------------------

  /** Runs user code as `ctx`: its output, timers and errors are attributed to it. */
  async runAs<T>(ctx: RequestContext, fn: () => Promise<T> | T): Promise<T> {
    // User code may print (its text can reach the socket thread by a shorter way, stream-slot.ts) or
    // block (prompt()): nothing may still be held back when it starts.
    this.options.transport.uncork?.();
    this.options.transport.setExecuting?.(true);
    try {
      return await this.als.run(ctx, fn);
    } finally {
      this.options.transport.setExecuting?.(false);
    }
  }

  /** The request whose code is running now: the one in the async context, else the current shell request. */
  origin(): RequestContext | undefined {
    return this.als.getStore();
  }

  /**
   * Interrupts the running cell (or comm handler) if it started before `at`: aborts its await, cancels its
   * timers and any pending input(). With nothing running, cancels every timer user code left behind.
   */
  interrupt(at: number = this.now()): void {
    const ctx = this.current;
    if (ctx && !ctx.done && (ctx.msgType === "execute_request" || ctx.msgType.startsWith("comm_"))) {
      if (ctx.startedAt <= at) this.interruptContext(ctx);
    } else if (!ctx) this.timers.cancelAll();
  }

  interruptContext(ctx: RequestContext): void {
    if (ctx.interrupted) return;
    ctx.interrupted = true;
    ctx.abort.abort(new Error("interrupted"));
    this.timers.cancel(ctx);
    this.outbox.abandon(ctx);
    for (const [id, pending] of this.pendingInputs) {
      if (this.inputOwners.get(id) === ctx) pending.reject(new Error("input() was interrupted"));
    }
  }

  // ---- output ----------------------------------------------------------------------------------------------

  private publishOwn(
    ctx: RequestContext,
    msgType: string,
    content: Record<string, unknown> | Promise<Record<string, unknown> | undefined>,
    metadata?: Record<string, unknown>,
  ): void {
    ctx.lastLateLabel = undefined;
    this.outbox.publish(ctx, msgType, content, metadata);
  }

  /**
   * Publishes an output produced by code of `origin`. While `origin` runs it goes there. A finished
   * request's output goes to the cell running now, after a line saying where it comes from, or, when no
   * cell runs, is held and released the same way into the next cell.
   */
  output(origin: RequestContext | undefined, write: (dest: RequestContext, own: boolean) => void): void {
    if (origin && !origin.done) return write(origin, true);
    const label = describeContext(origin);
    const running = this.current;
    if (running && running.msgType === "execute_request" && !running.silent && !running.done) {
      this.markLate(running, label);
      return write(running, false);
    }
    if (origin?.silent) return;
    if (this.held.length >= MAX_HELD) {
      this.heldDropped++;
      return;
    }
    this.held.push({ label, write: (dest) => write(dest, false) });
  }

  /** Releases output held while no cell ran into `ctx`, the cell that starts now. */
  releaseHeld(ctx: RequestContext): void {
    if (ctx.silent || (this.held.length === 0 && this.heldDropped === 0)) return;
    const held = this.held;
    this.held = [];
    for (const h of held) {
      this.markLate(ctx, h.label);
      h.write(ctx);
    }
    if (this.heldDropped > 0) {
      this.outbox.stream(ctx, "stderr", `[${this.heldDropped} more late outputs were dropped]\n`);
      this.heldDropped = 0;
    }
    ctx.lastLateLabel = undefined;
  }

  private markLate(dest: RequestContext, label: string): void {
    if (dest.lastLateLabel === label) return;
    dest.lastLateLabel = label;
    this.outbox.stream(dest, "stderr", `[output from ${label}, which had already finished]\n`);
  }

  /** stdout/stderr of user code (process.stdout.write and console.* end here). */
  writeStream(name: "stdout" | "stderr", text: string): void {
    const origin = this.origin();
    this.output(origin, (dest, own) => {
      if (own) dest.lastLateLabel = undefined;
      this.outbox.stream(dest, name, text);
    });
  }

  /** display_data-like output from user code (display(), clearOutput()). */
  publishFrom(
    origin: RequestContext | undefined,
    msgType: string,
    content: Record<string, unknown> | Promise<Record<string, unknown> | undefined>,
  ): void {
    this.output(origin, (dest, own) => {
      if (own) dest.lastLateLabel = undefined;
      this.outbox.publish(dest, msgType, content);
    });
  }

  /**
   * Messages that are not new output (update_display_data, comm messages) are sent at once, with the
   * request that produced them as parent, even after it finished: they update what is already there.
   */
  publishNow(
    origin: RequestContext | undefined,
    msgType: string,
    content: Record<string, unknown> | Promise<Record<string, unknown> | undefined>,
    metadata?: Record<string, unknown>,
  ): void {
    const dest: Destination = {
      request: origin?.request ?? this.current?.request,
      silent: origin?.silent ?? false,
    };
    this.outbox.publish(dest, msgType, content, metadata);
  }

  /** An error thrown where no cell can catch it (a timer, an unhandled rejection). The kernel lives on. */
  reportError(kind: "uncaught exception" | "unhandled rejection", error: unknown): void {
    const origin = this.origin();
    const e = errorContent(error);
    const text = `${kind} ${e.traceback.length > 0 ? e.traceback.join("\n") : `${e.ename}: ${e.evalue}`}\n`;
    this.output(origin, (dest) => this.outbox.stream(dest, "stderr", text));
  }

  // ---- stdin -----------------------------------------------------------------------------------------------

  private readonly inputOwners = new Map<string, RequestContext>();

  /** Asks the frontend for a line of text (input_request on stdin, routed to the cell's client). */
  async input(prompt: string, password: boolean): Promise<string> {
    const ctx = this.inputContext("input()");
    await this.outbox.flush();
    const request = this.inputRequest(ctx, prompt, password);
    return new Promise<string>((resolve, reject) => {
      const id = request.header.msg_id;
      const settle = () => {
        this.pendingInputs.delete(id);
        this.inputOwners.delete(id);
      };
      this.pendingInputs.set(id, {
        resolve: (v) => (settle(), resolve(v)),
        reject: (e) => (settle(), reject(e)),
      });
      this.inputOwners.set(id, ctx);
      this.options.transport.send("stdin", request);
    });
  }

  /** The synchronous form (`prompt()`): blocks this thread until the answer comes. */
  inputSync(prompt: string, password: boolean): string | null {
    const ctx = this.inputContext("prompt()");
    const transport = this.options.transport;
    if (!transport.waitForInput) throw new Error("prompt() is not available here; use `await input()`");
    void this.outbox.flush();
    const request = this.inputRequest(ctx, prompt, password);
    const answer = transport.waitForInput(() => transport.send("stdin", request));
    if (answer.kind === "interrupted") {
      this.interruptContext(ctx);
      throw new Error("prompt() was interrupted");
    }
    const value = answer.message.content.value;
    return typeof value === "string" ? value : null;
  }

  private inputContext(what: string): RequestContext {
    const ctx = this.origin();
    if (!ctx || ctx.done || ctx.msgType !== "execute_request")
      throw new Error(`${what} can only ask while its cell runs`);
    if (!ctx.allowStdin)
      throw new Error(`${what}: this frontend does not accept input (the request had allow_stdin: false)`);
    return ctx;
  }

  private inputRequest(ctx: RequestContext, prompt: string, password: boolean): Message<unknown> {
    return newMessage({
      msgType: "input_request",
      session: this.options.session,
      content: { prompt, password },
      parent: ctx.request,
    });
  }

  private onStdin(message: Message): void {
    if (message.header.msg_type !== "input_reply") {
      this.options.log(`ignored ${message.header.msg_type} on stdin`);
      return;
    }
    const id = (message.parent_header as { msg_id?: string }).msg_id;
    const pending = id ? this.pendingInputs.get(id) : undefined;
    // Some clients do not set parent_header on input_reply: then it answers the oldest question.
    const target = pending ?? this.pendingInputs.values().next().value;
    if (!target) {
      this.options.log("input_reply with no pending input_request");
      return;
    }
    const value = message.content.value;
    target.resolve(typeof value === "string" ? value : String(value ?? ""));
  }

  close(): void {
    this.timers.disable();
  }
}

function historyQuery(content: Record<string, unknown>): HistoryQuery {
  const type = content.hist_access_type;
  if (type !== "tail" && type !== "range" && type !== "search")
    throw new Error(
      `history_request: hist_access_type must be tail, range or search, got ${JSON.stringify(type)}`,
    );
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  return {
    hist_access_type: type,
    output: content.output === true,
    n: num(content.n),
    session: num(content.session),
    start: num(content.start),
    stop: num(content.stop) ?? null,
    pattern: typeof content.pattern === "string" ? content.pattern : undefined,
    unique: content.unique === true,
  };
}
