/**
 * A Jupyter client over zeromq: what the notebook runner and the tests use to talk to a kernel, through the
 * same wire code the kernel uses. Knows nothing of gradlab's engine: it works with any Jupyter kernel.
 *
 *   const client = await KernelClient.connect(info);
 *   await client.ready();                                   // kernel_info answered and iopub subscribed
 *   const run = await client.execute("1 + 1");              // every iopub message until `idle`, and the reply
 *   run.reply.content.status; run.outputs;                  // outputs: stream, display_data, execute_result, error...
 *   await client.request("control", "shutdown_request", { restart: false });
 *   client.close();
 *
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html
 */
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "./connection.js";
import { createSigner, decode, encode, newMessage, type Header, type Message, type Signer } from "./wire.js";

export type RequestChannel = "shell" | "control";

export interface SendOptions {
  metadata?: Record<string, unknown>;
  buffers?: Buffer[];
}

export interface ExecuteOptions {
  silent?: boolean;
  store_history?: boolean;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
  user_expressions?: Record<string, string>;
  /** Answers input_request messages of this cell (allow_stdin is set when given). */
  onInput?: (prompt: string, password: boolean) => string | Promise<string>;
  /** Called for each iopub message of this cell as it arrives. */
  onMessage?: (message: Message) => void;
  /** Rejects when the cell has not gone idle (with its reply) by then. Default: no limit. */
  timeoutMs?: number;
}

export type RunOptions = Pick<ExecuteOptions, "onInput" | "onMessage" | "timeoutMs">;

export interface Execution {
  request: Message;
  reply: Message;
  /** Every iopub message whose parent is the request, in arrival order, `status` included. */
  messages: Message[];
  /** The messages that are cell output: stream, display_data, update_display_data, execute_result, error, clear_output. */
  outputs: Message[];
}

const OUTPUT_TYPES = new Set([
  "stream",
  "display_data",
  "update_display_data",
  "execute_result",
  "error",
  "clear_output",
]);

interface Pending {
  messages: Message[];
  reply?: Message;
  idle: boolean;
  done: () => void;
  onMessage?: (message: Message) => void;
  onInput?: ExecuteOptions["onInput"];
}

export class KernelClient {
  readonly session = randomUUID();
  /** Messages dropped because their signature or framing was wrong. */
  dropped = 0;
  private readonly signer: Signer;
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly stdin: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly pending = new Map<string, Pending>();
  private readonly replies = new Map<string, (m: Message) => void>();
  private readonly listeners = new Set<(m: Message) => void>();
  private closed = false;

  private constructor(private readonly info: ConnectionInfo) {
    this.signer = createSigner(info.key, info.signature_scheme);
    // shell and stdin share an identity so the kernel can route input_request back to this client.
    const identity = { routingId: this.session, linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 };
    this.shell = new zmq.Dealer(identity);
    this.control = new zmq.Dealer(identity);
    this.stdin = new zmq.Dealer(identity);
    this.iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
  }

  static async connect(info: ConnectionInfo): Promise<KernelClient> {
    const client = new KernelClient(info);
    client.shell.connect(endpoint(info, "shell"));
    client.control.connect(endpoint(info, "control"));
    client.stdin.connect(endpoint(info, "stdin"));
    client.iopub.connect(endpoint(info, "iopub"));
    client.iopub.subscribe();
    void client.listen(client.shell, (m) => client.onReply(m));
    void client.listen(client.control, (m) => client.onReply(m));
    void client.listen(client.stdin, (m) => void client.onStdin(m));
    void client.listen(client.iopub, (m) => client.onIopub(m));
    return client;
  }

  /**
   * Waits until the kernel answers kernel_info AND this client receives iopub messages (a SUB socket misses
   * what is published before its subscription reaches the kernel). Resolves with the kernel_info_reply.
   */
  async ready(timeoutMs = 10_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const request = this.message("kernel_info_request", {});
      const seen = this.track(request.header.msg_id);
      const reply = this.expectReply(request.header.msg_id);
      await this.shell.send(encode(request, this.signer));
      const wait = Math.min(500, Math.max(1, deadline - Date.now()));
      const got = await Promise.race([Promise.all([reply, seen]), sleep(wait).then(() => undefined)]);
      this.pending.delete(request.header.msg_id);
      if (got) return got[0];
      this.replies.delete(request.header.msg_id);
    }
    throw new Error(`kernel did not answer kernel_info within ${timeoutMs} ms`);
  }

  /** Builds a request message of this client's session (parent_header empty). */
  message<C>(msgType: string, content: C, options: SendOptions = {}): Message<C> {
    return newMessage({ msgType, session: this.session, content, ...options, username: "gradlab-client" });
  }

  /** Sends a message as is (tests use this to send odd ones); resolves once it is queued. */
  async send(channel: RequestChannel | "stdin", message: Message<unknown>): Promise<void> {
    await this.socket(channel).send(encode(message, this.signer));
  }

  /** Sends raw frames (for robustness tests: malformed and wrongly signed messages). */
  async sendFrames(channel: RequestChannel | "stdin", frames: Buffer[]): Promise<void> {
    await this.socket(channel).send(frames);
  }

  /** Sends a request and resolves with its reply (matched by parent msg_id). */
  async request(
    channel: RequestChannel,
    msgType: string,
    content: Record<string, unknown>,
    options: SendOptions & { timeoutMs?: number } = {},
  ): Promise<Message> {
    const request = this.message(msgType, content, options);
    const reply = this.expectReply(request.header.msg_id);
    await this.send(channel, request);
    return withTimeout(reply, options.timeoutMs, `${msgType} got no reply`);
  }

  /** Sends a request and resolves when both its reply and its `idle` arrived, with every iopub message. */
  async run(
    channel: RequestChannel,
    request: Message<unknown>,
    options: RunOptions = {},
  ): Promise<Execution> {
    return (await this.start(channel, request, options)).finished;
  }

  /** Sends a request without waiting for it; `finished` resolves like `run`. */
  async start(
    channel: RequestChannel,
    request: Message<unknown>,
    options: RunOptions = {},
  ): Promise<{ request: Message; finished: Promise<Execution> }> {
    const id = request.header.msg_id;
    const messages = this.track(id, options);
    const reply = this.expectReply(id);
    await this.send(channel, request);
    const finished = withTimeout(
      Promise.all([reply, messages]),
      options.timeoutMs,
      `${request.header.msg_type} did not finish`,
    )
      .then(([r, all]): Execution => ({
        request: request as Message,
        reply: r,
        messages: all,
        outputs: all.filter(isOutput),
      }))
      .finally(() => {
        this.pending.delete(id);
        this.replies.delete(id);
      });
    return { request: request as Message, finished };
  }

  /**
   * Sends a message that has no reply (comm_open, comm_msg, comm_close) and resolves with its iopub
   * messages once the kernel is idle again.
   */
  async notify(channel: RequestChannel, message: Message<unknown>, timeoutMs?: number): Promise<Message[]> {
    const id = message.header.msg_id;
    const messages = this.track(id);
    await this.send(channel, message);
    return withTimeout(messages, timeoutMs, `${message.header.msg_type} did not finish`).finally(() =>
      this.pending.delete(id),
    );
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<Execution> {
    return this.run("shell", this.executeRequest(code, options), options);
  }

  /** Sends an execute_request without waiting (to queue several, or to interrupt it). */
  submit(
    code: string,
    options: ExecuteOptions = {},
  ): Promise<{ request: Message; finished: Promise<Execution> }> {
    return this.start("shell", this.executeRequest(code, options), options);
  }

  executeRequest(code: string, options: ExecuteOptions = {}): Message {
    return this.message("execute_request", {
      code,
      silent: options.silent ?? false,
      store_history: options.store_history ?? true,
      user_expressions: options.user_expressions ?? {},
      allow_stdin: options.allow_stdin ?? options.onInput !== undefined,
      stop_on_error: options.stop_on_error ?? true,
    });
  }

  /** Every iopub message, whatever its parent. Returns an unsubscribe function. */
  onAnyIopub(listener: (m: Message) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One heartbeat round trip; false when the kernel does not echo within the timeout. */
  async heartbeat(timeoutMs = 1000): Promise<boolean> {
    const hb = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      hb.connect(endpoint(this.info, "hb"));
      const ping = Buffer.from(randomUUID());
      await hb.send(ping);
      const [pong] = await hb.receive();
      return pong.equals(ping);
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
  }

  private socket(channel: RequestChannel | "stdin"): zmq.Dealer {
    return channel === "shell" ? this.shell : channel === "control" ? this.control : this.stdin;
  }

  private track(
    msgId: string,
    options: Pick<ExecuteOptions, "onInput" | "onMessage"> = {},
  ): Promise<Message[]> {
    return new Promise((resolve) => {
      const p: Pending = {
        messages: [],
        idle: false,
        done: () => resolve(p.messages),
        onMessage: options.onMessage,
        onInput: options.onInput,
      };
      this.pending.set(msgId, p);
    });
  }

  private expectReply(msgId: string): Promise<Message> {
    return new Promise((resolve) => this.replies.set(msgId, resolve));
  }

  private async listen(socket: zmq.Readable & zmq.Socket, onMessage: (m: Message) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const decoded = decode(frames, this.signer);
        if (!decoded.ok) {
          this.dropped++;
          continue;
        }
        onMessage(decoded.message);
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  private onReply(m: Message): void {
    const id = parentId(m);
    const resolve = id ? this.replies.get(id) : undefined;
    if (!resolve || !id) return;
    this.replies.delete(id);
    resolve(m);
  }

  private onIopub(m: Message): void {
    for (const l of this.listeners) l(m);
    const id = parentId(m);
    const p = id ? this.pending.get(id) : undefined;
    if (!p || p.idle) return;
    p.messages.push(m);
    p.onMessage?.(m);
    if (m.header.msg_type === "status" && m.content.execution_state === "idle") {
      p.idle = true;
      p.done();
    }
  }

  private async onStdin(m: Message): Promise<void> {
    if (m.header.msg_type !== "input_request") return;
    const id = parentId(m);
    const p = id ? this.pending.get(id) : undefined;
    const value = p?.onInput
      ? await p.onInput(String(m.content.prompt ?? ""), m.content.password === true)
      : "";
    const reply = newMessage({
      msgType: "input_reply",
      session: this.session,
      content: { value },
      parent: { header: m.header, identities: [] },
    });
    if (!this.closed) await this.stdin.send(encode(reply, this.signer));
  }
}

function parentId(m: Message): string | undefined {
  return (m.parent_header as Partial<Header>).msg_id;
}

function isOutput(m: Message): boolean {
  return OUTPUT_TYPES.has(m.header.msg_type);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number | undefined, what: string): Promise<T> {
  if (ms === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
