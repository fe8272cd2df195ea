/**
 * A session without sockets: requests go in with `send`, and every message the session sends is recorded.
 * The fake engine runs each cell as the body of an async JavaScript function with the cell globals as
 * parameters (display, clearOutput, input, comms, print for stdout, eprint for stderr, sleep); a cell
 * starting with "=" is an expression whose value is the result. No process-wide patching.
 */
import type { Engine, ExecuteOptions } from "../../kernel/engine/types.js";
import { newMessage, type Channel, type Message } from "../../kernel/protocol/wire.js";
import { createCellGlobals } from "../../kernel/session/runtime.js";
import { Session, type Transport } from "../../kernel/session/session.js";

export interface Sent {
  channel: Channel;
  message: Message;
}

export interface Answer {
  request: Message;
  reply: Message | undefined;
  /** iopub messages whose parent is the request, in order (status included). */
  iopub: Message[];
  /** iopub message types, in order. */
  types: string[];
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<unknown>;

export class Harness {
  readonly sent: Sent[] = [];
  readonly session: Session;
  readonly engineCalls: { code: string; options?: ExecuteOptions }[] = [];
  shutdowns: boolean[] = [];
  /** Requests a drainPending() call delivers (what arrived but sat in the port). */
  pendingInPort: [Channel, Message][] = [];
  private readonly globals;

  constructor(options: { engine?: Partial<Engine>; check?: boolean; trackTimers?: boolean } = {}) {
    const transport: Transport = {
      send: (channel, message) => this.sent.push({ channel, message: message as Message }),
      drainPending: () => {
        for (const [channel, message] of this.pendingInPort.splice(0))
          this.session.receive(channel as "shell", message);
      },
    };
    this.session = new Session({
      session: "kernel-session",
      transport,
      engine: async () => ({ ...this.fakeEngine(), ...options.engine }),
      check: options.check ?? true,
      kernelInfo: { status: "ok", implementation: "fake" },
      log: () => {},
      onShutdown: (restart) => this.shutdowns.push(restart),
      schedule: (fn, ms) => this.session.als.exit(() => setTimeout(fn, ms)),
      trackTimers: options.trackTimers ?? false,
    });
    this.globals = createCellGlobals(this.session);
  }

  fakeEngine(): Engine {
    const g = this.globals;
    const print = (...a: unknown[]) => this.session.writeStream("stdout", `${a.join(" ")}\n`);
    const eprint = (...a: unknown[]) => this.session.writeStream("stderr", `${a.join(" ")}\n`);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    return {
      execute: async (code, options) => {
        this.engineCalls.push({ code, options });
        const expression = code.startsWith("=");
        const body = expression ? `return (${code.slice(1)});` : code;
        try {
          const fn = new AsyncFunction(
            "display",
            "clearOutput",
            "input",
            "comms",
            "print",
            "eprint",
            "sleep",
            "prompt",
            body,
          );
          const value = await fn(g.display, g.clearOutput, g.input, g.comms, print, eprint, sleep, g.prompt);
          return expression ? { ok: true, hasValue: true, value } : { ok: true, hasValue: false };
        } catch (e) {
          const err = e as Error;
          return {
            ok: false,
            error: { ename: err?.name ?? "Error", evalue: err?.message ?? String(e), traceback: [] },
          };
        }
      },
      complete: async (code, cursor) => ({
        matches: ["abs", "acos"],
        cursor_start: cursor - 1,
        cursor_end: cursor,
        metadata: { seen: code },
      }),
      inspect: async (code, cursor, detail) => ({
        found: true,
        data: { "text/plain": `${code}@${cursor}/${detail}` },
        metadata: {},
      }),
      isComplete: async (code) =>
        code.endsWith("{") ? { status: "incomplete", indent: "  " } : { status: "complete" },
    };
  }

  message(msgType: string, content: Record<string, unknown>): Message {
    return newMessage({
      msgType,
      session: "client-session",
      content,
      identities: [Buffer.from("client")],
    }) as Message;
  }

  /** Sends a request without waiting. */
  send(msgType: string, content: Record<string, unknown>, channel: "shell" | "control" = "shell"): Message {
    const m = this.message(msgType, content);
    this.session.receive(channel, m);
    return m;
  }

  /** Sends a request and waits until the session is idle again. */
  async request(msgType: string, content: Record<string, unknown>, channel: "shell" | "control" = "shell") {
    const m = this.send(msgType, content, channel);
    await this.session.idle();
    return this.answer(m);
  }

  execute(code: string, content: Record<string, unknown> = {}) {
    return this.request("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
      ...content,
    });
  }

  answer(request: Message): Answer {
    const id = request.header.msg_id;
    const mine = this.sent.filter((s) => (s.message.parent_header as { msg_id?: string }).msg_id === id);
    const iopub = mine.filter((s) => s.channel === "iopub").map((s) => s.message);
    return {
      request,
      reply: mine.find((s) => s.channel !== "iopub" && s.channel !== "stdin")?.message,
      iopub,
      types: iopub.map((m) => m.header.msg_type),
    };
  }

  /** Every iopub message sent so far. */
  iopub(): Message[] {
    return this.sent.filter((s) => s.channel === "iopub").map((s) => s.message);
  }
}

/** Stream text of an answer, all streams concatenated. */
export function streamText(a: Answer, name?: "stdout" | "stderr"): string {
  return a.iopub
    .filter((m) => m.header.msg_type === "stream" && (!name || m.content.name === name))
    .map((m) => String(m.content.text))
    .join("");
}
