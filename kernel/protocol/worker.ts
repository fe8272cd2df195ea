/**
 * The socket thread: binds the five Jupyter channels, checks every incoming signature, and hands valid
 * requests to the main thread. It answers on its own what must work while a cell busy-loops:
 * heartbeat, kernel_info_request, interrupt_request (and a last-resort shutdown).
 *
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html
 */
import { parentPort, workerData } from "node:worker_threads";
import { writeSync } from "node:fs";
import * as zmq from "zeromq";
import { endpoint, type SocketName } from "./connection.js";
import { StreamSlot } from "./stream-slot.js";
import {
  PREPARE_TERMINATE,
  SHARED,
  epochNow,
  type ToMain,
  type SendToWorker,
  type ToSync,
  type ToWorker,
  type WorkerInit,
} from "./bridge.js";
import {
  createSigner,
  decode,
  encode,
  encodeParts,
  newMessage,
  type Channel,
  type Header,
  type Message,
} from "./wire.js";

const init = workerData as WorkerInit;
/** Larger requests are dropped unparsed (a cell's code or a comm message is far smaller). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Stream text older than this in the stream slot is sent by this thread (the main thread sends sooner). */
const STREAM_RESCUE_MS = 50;
const shared = new Int32Array(init.shared);
const signer = createSigner(init.info.key, init.info.signature_scheme);

function log(text: string): void {
  // fd 2 directly: a worker's process.stderr is relayed by the main thread, which may be busy.
  writeSync(2, `[gradlab kernel] ${text}\n`);
}

/** zeromq.js allows one pending send per socket: queue them so order is kept and none is rejected. */
class Sender {
  private queue: Buffer[][] = [];
  private pumping: Promise<void> | undefined;
  /** Sending starts once this resolves (iopub: see `firstSubscriber`). */
  constructor(
    private readonly socket: zmq.Writable & zmq.Socket,
    private gate: Promise<void> | undefined = undefined,
  ) {}
  send(frames: Buffer[]): void {
    this.queue.push(frames);
    this.pumping ??= this.pump();
  }
  private async pump(): Promise<void> {
    try {
      if (this.gate) await this.gate;
      this.gate = undefined;
      for (let frames = this.queue.shift(); frames; frames = this.queue.shift()) {
        try {
          await this.socket.send(frames);
        } catch (e) {
          if (this.socket.closed) return;
          log(`send failed: ${(e as Error).message}`);
        }
      }
    } finally {
      this.pumping = undefined;
    }
  }
  async drained(): Promise<void> {
    while (this.pumping) await this.pumping;
  }
}

/** Logs the first few dropped messages, then one line per thousand, so a flood cannot fill the log. */
function dropCounter(): (channel: string, reason: string) => void {
  let dropped = 0;
  return (channel, reason) => {
    dropped++;
    if (dropped <= 5 || dropped % 1000 === 0)
      log(`dropped message on ${channel} (${reason}); ${dropped} so far`);
  };
}

interface Sockets {
  shell: zmq.Router;
  control: zmq.Router;
  stdin: zmq.Router;
  iopub: zmq.XPublisher;
  hb: zmq.Reply;
}

async function bindAll(): Promise<Sockets> {
  // handover: a client that reconnects with the same identity (jupyter_client reuses its session as the
  // identity for every client of one kernel manager) takes over, as with ipykernel.
  const routerOptions = { sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 1000, handover: true };
  const sockets: Sockets = {
    shell: new zmq.Router(routerOptions),
    control: new zmq.Router(routerOptions),
    stdin: new zmq.Router(routerOptions),
    // A PUB socket drops messages past its high-water mark: 0 (no limit) so no output is ever lost.
    // XPUB: a PUB that also tells us when a client subscribes (see firstSubscriber).
    iopub: new zmq.XPublisher({ sendHighWaterMark: 0, linger: 1000 }),
    hb: new zmq.Reply({ linger: 0 }),
  };
  await Promise.all(
    (Object.keys(sockets) as SocketName[]).map((name) => sockets[name].bind(endpoint(init.info, name))),
  );
  return sockets;
}

/** How long IOPub output waits at start for a first subscriber (a client usually connects before). */
const FIRST_SUBSCRIBER_MS = 100;

/**
 * Resolves when a client subscribes to IOPub, or after FIRST_SUBSCRIBER_MS. A PUB socket drops what it
 * publishes before anyone subscribed, and a client connects asynchronously: without this wait `starting`
 * (published once, at once) would reach nobody even when the client connected before the kernel bound.
 */
function firstSubscriber(iopub: zmq.XPublisher): Promise<void> {
  return new Promise<void>((resolve) => {
    setTimeout(resolve, FIRST_SUBSCRIBER_MS).unref();
    void (async () => {
      // Subscription messages: 0x01 + topic. Reading them also keeps the socket's receive queue empty.
      for await (const [frame] of iopub) if (frame[0] === 1) resolve();
    })().catch(() => undefined);
  });
}

function main(sockets: Sockets): void {
  const port = init.port;
  const senders: Record<Channel, Sender> = {
    shell: new Sender(sockets.shell),
    control: new Sender(sockets.control),
    stdin: new Sender(sockets.stdin),
    iopub: new Sender(sockets.iopub, firstSubscriber(sockets.iopub)),
  };
  const toMain = (m: ToMain): void => port.postMessage(m);
  const dropped = dropCounter();
  let interruptSeq = 0;
  let lastAck = 0;
  let shuttingDown = false;

  const sendOwn = (channel: Channel, message: Message<unknown>): void =>
    senders[channel].send(encode(message, signer));
  const reply = (channel: Channel, request: Message, msgType: string, content: unknown): void =>
    sendOwn(channel, newMessage({ msgType, session: init.session, content, parent: request }));
  const status = (state: string, parent?: Message): void =>
    sendOwn(
      "iopub",
      newMessage({
        msgType: "status",
        session: init.session,
        content: { execution_state: state },
        parent,
        identities: [Buffer.from(`kernel.${init.session}.status`)],
      }),
    );

  let answeredKernelInfo = false;
  function kernelInfo(channel: Channel, request: Message): void {
    status("busy", request);
    reply(channel, request, "kernel_info_reply", init.kernelInfo);
    status("idle", request);
    if (!answeredKernelInfo) toMain({ kind: "kernel-info-answered" });
    answeredKernelInfo = true;
  }

  /**
   * interrupt_request. The main thread is told by message; a free main thread (a cell awaiting) acts on it
   * at once and acknowledges. Only when no acknowledgement comes is it stuck in JavaScript: then SIGINT
   * (which breaks a loop inside the engine's vm run), and if that does not free it either, termination.
   * Raising SIGINT only when needed matters: a signal that lands after the cell ended would hit the next one.
   */
  function interrupt(request: Message): void {
    status("busy", request);
    const seq = ++interruptSeq;
    Atomics.add(shared, SHARED.messageInterrupts, 1);
    toMain({ kind: "interrupt", seq, at: epochNow() });
    wakeBlockedPrompt({ kind: "interrupted" });
    reply("control", request, "interrupt_reply", { status: "ok" });
    status("idle", request);
    const stuck = () => lastAck < seq && Atomics.load(shared, SHARED.executing) === 1;
    setTimeout(() => {
      if (!stuck()) return;
      process.kill(process.pid, "SIGINT");
      setTimeout(() => stuck() && terminateMainThread(seq), init.stuckAfterMs).unref();
    }, 50).unref();
  }

  function shutdown(channel: Channel, request: Message): void {
    if (shuttingDown) return;
    shuttingDown = true;
    wakeBlockedPrompt({ kind: "interrupted" });
    toMain({ kind: "request", channel: channel as "shell" | "control", message: request });
    // The main thread normally answers and asks us to close. If its JavaScript is stuck, answer for it.
    setTimeout(() => {
      log("main thread did not finish shutdown in time; exiting");
      status("busy", request);
      reply(channel, request, "shutdown_reply", { status: "ok", restart: request.content.restart === true });
      status("idle", request);
      void Promise.all(Object.values(senders).map((s) => s.drained())).finally(() =>
        setTimeout(() => process.kill(process.pid, "SIGKILL"), 100),
      );
    }, 3000).unref();
  }

  function wakeBlockedPrompt(answer: ToSync): boolean {
    if (Atomics.load(shared, SHARED.prompt) !== 1) return false;
    init.syncPort.postMessage(answer);
    Atomics.store(shared, SHARED.prompt, 2);
    Atomics.notify(shared, SHARED.prompt);
    return true;
  }

  function onRequest(channel: "shell" | "control" | "stdin", frames: Buffer[]): void {
    const decoded = decode(frames, signer, { maxBytes: MAX_MESSAGE_BYTES });
    if (!decoded.ok) return dropped(channel, decoded.reason);
    const message = decoded.message;
    const type = message.header.msg_type;
    if (type === "kernel_info_request" && channel !== "stdin") return kernelInfo(channel, message);
    if (type === "interrupt_request" && channel === "control") return interrupt(message);
    if (type === "shutdown_request" && channel !== "stdin") return shutdown(channel, message);
    if (type === "input_reply" && channel === "stdin" && wakeBlockedPrompt({ kind: "input_reply", message }))
      return;
    toMain({ kind: "request", channel, message });
  }

  async function serve(channel: "shell" | "control" | "stdin"): Promise<void> {
    for await (const frames of sockets[channel]) {
      try {
        onRequest(channel, frames);
      } catch (e) {
        log(`error handling ${channel} message: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  async function heartbeat(): Promise<void> {
    for await (const frames of sockets.hb) await sockets.hb.send(frames);
  }

  async function close(): Promise<void> {
    await Promise.all(Object.values(senders).map((s) => s.drained()));
    for (const s of Object.values(sockets)) s.close();
    toMain({ kind: "closed" });
    port.close();
  }

  function sendFromMain(m: SendToWorker): void {
    const identities =
      m.channel === "iopub" && m.identities.length === 0
        ? [Buffer.from(`kernel.${init.session}`)]
        : m.identities;
    senders[m.channel].send(encodeParts(identities, m.parts, signer, m.buffers));
  }

  port.on("message", (m: ToWorker) => {
    if (m.kind === "send") sendFromMain(m);
    else if (m.kind === "send-many") m.sends.forEach(sendFromMain);
    else if (m.kind === "interrupt-ack") lastAck = Math.max(lastAck, m.seq);
    else if (m.kind === "destination") {
      destinations.set(m.id, m.parent);
      // Only the latest destinations can still have text in the slot.
      if (destinations.size > 64) destinations.delete(destinations.keys().next().value!);
    } else if (m.kind === "close") void close();
  });

  // Stream text the main thread left unsent for too long: it is busy (a long computation after a print).
  const destinations = new Map<number, Header>();
  const slot = new StreamSlot(init.streamSlot);
  setInterval(() => {
    const taken = slot.take(epochNow(), STREAM_RESCUE_MS, (id) => destinations.has(id));
    if (!taken) return;
    sendOwn(
      "iopub",
      newMessage({
        msgType: "stream",
        session: init.session,
        content: { name: taken.name, text: taken.text },
        parent: { header: destinations.get(taken.dest)!, identities: [] },
        identities: [Buffer.from(`kernel.${init.session}.stream`)],
      }),
    );
  }, STREAM_RESCUE_MS / 2).unref();

  const loops = [serve("shell"), serve("control"), serve("stdin"), heartbeat()];
  for (const loop of loops)
    loop.catch((e: unknown) => {
      if (!shuttingDown) log(`socket loop ended: ${(e as Error).message}`);
    });
  status("starting");
  toMain({ kind: "ready" });
}

/**
 * Last resort when the main thread ignored an interrupt (a busy loop outside the engine's vm run, e.g. after
 * an `await`): terminate its current JavaScript through the inspector. V8 unwinds to the event loop and the
 * kernel keeps its state; the interrupted cell's promise is abandoned and the session's AbortSignal ends it.
 *
 * Inspector commands reach a busy main thread (V8 runs them in an interrupt). First `PREPARE_TERMINATE`
 * runs there: it confirms the thread is still stuck in that request and clears Node's async-context stack,
 * which termination would otherwise leave corrupt (Node aborts on that, as after an uncaught exception
 * whose stack is not cleared). Only then is execution terminated.
 */
function terminateMainThread(seq: number): void {
  void import("node:inspector").then((inspector) => {
    const session = new inspector.Session();
    session.connectToMainThread();
    const expression = `globalThis[Symbol.for(${JSON.stringify(PREPARE_TERMINATE)})]?.(${seq}) === true`;
    session.post("Runtime.evaluate", { expression, returnByValue: true }, (err, res) => {
      if (err || res.result.value !== true) {
        session.disconnect();
        return;
      }
      log("interrupt: the main thread did not respond; terminating its running JavaScript");
      session.post("Runtime.terminateExecution", (e) => {
        if (e) log(`could not terminate the main thread: ${e.message}`);
        session.disconnect();
      });
    });
  });
}

bindAll().then(main, (e: unknown) => {
  const error = `cannot bind kernel sockets: ${(e as Error).message}`;
  log(error);
  parentPort?.postMessage({ kind: "fatal", error } satisfies ToMain);
  init.port.postMessage({ kind: "fatal", error } satisfies ToMain);
});
