/**
 * The main thread's handle on the socket thread (worker.ts): start it, receive requests, send messages.
 * Messages are serialised here (so a value JSON cannot represent fails where the session can report it) and
 * signed on the socket thread.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import {
  PREPARE_TERMINATE,
  SHARED,
  type SendToWorker,
  type ToMain,
  type ToSync,
  type ToWorker,
  type WorkerInit,
} from "./bridge.js";
import type { ConnectionInfo } from "./connection.js";
import { serialize, type Channel, type Header, type Message } from "./wire.js";

export interface HostOptions {
  info: ConnectionInfo;
  session: string;
  kernelInfo: Record<string, unknown>;
  /** See WorkerInit.stuckAfterMs. */
  stuckAfterMs?: number;
  /** From StreamSlot.allocate(): the main thread's unsent stream text, which the socket thread may send. */
  streamSlot: SharedArrayBuffer;
}

export interface HostEvents {
  request(channel: "shell" | "control" | "stdin", message: Message): void;
  /** An interrupt_request arrived at `at` (epoch ms on the socket thread's clock). */
  interrupt(at: number): void;
  /** The first kernel_info_reply was sent. */
  kernelInfoAnswered?(): void;
  /** The socket thread died: the kernel can no longer talk to anyone. */
  fatal?(error: Error): void;
}

export class SocketHost {
  private readonly shared: Int32Array;
  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly syncPort: MessagePort,
    sharedBuffer: SharedArrayBuffer,
    private readonly events: HostEvents,
  ) {
    this.shared = new Int32Array(sharedBuffer);
  }

  /** Starts the socket thread; resolves once every socket is bound and `starting` was published. */
  static start(options: HostOptions, events: HostEvents): Promise<SocketHost> {
    const requests = new MessageChannel();
    const sync = new MessageChannel();
    const shared = new SharedArrayBuffer(SHARED.length * Int32Array.BYTES_PER_ELEMENT);
    const init: WorkerInit = {
      info: options.info,
      session: options.session,
      kernelInfo: options.kernelInfo,
      port: requests.port2,
      syncPort: sync.port2,
      shared,
      stuckAfterMs: options.stuckAfterMs ?? 500,
      streamSlot: options.streamSlot,
    };
    const worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: init,
      transferList: [requests.port2, sync.port2],
      // The socket thread logs straight to fd 2; keep its stdio away from the captured process streams.
      stdout: true,
      stderr: true,
    });
    const host = new SocketHost(worker, requests.port1, sync.port1, shared, events);
    host.installTerminateHook();
    return new Promise((resolve, reject) => {
      let started = false;
      const fail = (error: Error) => (started ? events.fatal?.(error) : reject(error));
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (!host.closing) fail(new Error(`socket thread exited with code ${code}`));
      });
      host.port.on("message", (m: ToMain) => {
        if (m.kind === "ready") {
          started = true;
          resolve(host);
        } else if (m.kind === "fatal") fail(new Error(m.error));
        else host.onMessage(m);
      });
    });
  }

  private closed?: () => void;
  private closing = false;
  /** The last interrupt seq this thread received: proves it was responsive for that interrupt. */
  private lastInterruptSeq = 0;

  /**
   * See worker.ts terminateMainThread. Runs on this thread inside a V8 interrupt while it is stuck: answers
   * whether termination is still wanted and, if so, clears the async-context stack so Node survives it.
   */
  private installTerminateHook(): void {
    // process.binding is deprecated (DEP0111) but the only way to this function; keep its warning quiet.
    const quiet = process.noDeprecation;
    process.noDeprecation = true;
    const asyncWrap = (
      process as unknown as { binding(name: string): { clearAsyncIdStack(): void } }
    ).binding("async_wrap");
    process.noDeprecation = quiet;
    Object.defineProperty(globalThis, Symbol.for(PREPARE_TERMINATE), {
      value: (seq: number) => {
        if (this.lastInterruptSeq >= seq || Atomics.load(this.shared, SHARED.executing) !== 1) return false;
        asyncWrap.clearAsyncIdStack();
        return true;
      },
      configurable: true,
    });
  }

  private onMessage(m: ToMain): void {
    if (m.kind === "request") this.events.request(m.channel, m.message);
    else if (m.kind === "interrupt") {
      this.lastInterruptSeq = Math.max(this.lastInterruptSeq, m.seq);
      // Acknowledge first: an answer proves this thread is not stuck, so no termination is needed.
      this.post({ kind: "interrupt-ack", seq: m.seq });
      this.events.interrupt(m.at);
    } else if (m.kind === "kernel-info-answered") this.events.kernelInfoAnswered?.();
    else if (m.kind === "closed") this.closed?.();
  }

  /**
   * Delivers requests that already arrived but wait in the port, without yielding to the event loop
   * (stop_on_error must abort exactly the requests queued behind a failed cell).
   */
  drainPending(): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port))
      this.onMessage(m.message as ToMain);
  }

  send(channel: Channel, message: Message<unknown>): void {
    const topic = channel === "iopub" && message.identities.length === 0;
    const send: SendToWorker = {
      kind: "send",
      channel,
      identities: topic
        ? [Buffer.from(`kernel.${message.header.session}.${message.header.msg_type}`)]
        : message.identities,
      parts: serialize(message),
      buffers: message.buffers,
    };
    // A request for input goes at once, and what was held before it: the thread may now block on it.
    if (this.corked && channel !== "stdin") this.corked.push(send);
    else {
      this.uncork();
      this.post(send);
    }
  }

  private corked: SendToWorker[] | undefined;

  /**
   * Holds sends until `uncork()`, which hands them over together (see ToWorker "send-many"), or until
   * the event loop turns, whichever comes first: holding never delays a message by more than that.
   */
  cork(): void {
    if (this.corked) return;
    this.corked = [];
    setImmediate(() => this.uncork());
  }

  uncork(): void {
    const sends = this.corked;
    this.corked = undefined;
    if (sends?.length === 1) this.post(sends[0]);
    else if (sends?.length) this.post({ kind: "send-many", sends });
  }

  /** True once the frontend has sent an interrupt_request: SIGINTs are then the socket thread's echo. */
  get interruptsByMessage(): boolean {
    return Atomics.load(this.shared, SHARED.messageInterrupts) > 0;
  }

  /** Names the parent header of stream text marked `id` in the stream slot. */
  registerDestination(id: number, parent: Header): void {
    this.post({ kind: "destination", id, parent });
  }

  setExecuting(executing: boolean): void {
    Atomics.store(this.shared, SHARED.executing, executing ? 1 : 0);
  }

  /**
   * Blocks this thread until an input_reply (or an interrupt) arrives: the synchronous `prompt()`.
   * `send` must already have posted the input_request.
   */
  waitForInput(sendRequest: () => void): ToSync {
    Atomics.store(this.shared, SHARED.prompt, 1);
    sendRequest();
    while (Atomics.load(this.shared, SHARED.prompt) === 1) Atomics.wait(this.shared, SHARED.prompt, 1, 1000);
    Atomics.store(this.shared, SHARED.prompt, 0);
    const answer = receiveMessageOnPort(this.syncPort);
    return (answer?.message as ToSync | undefined) ?? { kind: "interrupted" };
  }

  /** Sends everything queued, closes the sockets and stops the socket thread. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    this.post({ kind: "close" });
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.port.close();
    this.syncPort.close();
    await this.worker.terminate();
  }

  private post(m: ToWorker): void {
    this.port.postMessage(m);
  }
}
