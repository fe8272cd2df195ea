/**
 * What the main thread and the socket thread (worker.ts) say to each other.
 *
 * Why two threads: cell code runs on the main thread and may busy-loop; the sockets live in a worker so that
 * heartbeat, kernel_info, interrupt_request and shutdown_request are answered while it does.
 */
import type { MessagePort } from "node:worker_threads";
import type { ConnectionInfo } from "./connection.js";
import type { Channel, Header, JsonParts, Message } from "./wire.js";

/** Indices into the Int32Array over `WorkerInit.shared`. */
export const SHARED = {
  /** 1 while the main thread runs user code for a request (set by the session). */
  executing: 0,
  /** Number of interrupt_request messages received: non-zero means the frontend uses interrupt_mode "message". */
  messageInterrupts: 1,
  /** Synchronous stdin (`prompt()`): 0 idle, 1 the main thread is blocked waiting, 2 an answer is on syncPort. */
  prompt: 2,
  length: 3,
} as const;

/** Symbol.for key of the main thread's function that the socket thread calls before terminating it. */
export const PREPARE_TERMINATE = "gradlab.kernel.prepareTerminate";

export interface WorkerInit {
  info: ConnectionInfo;
  /** The kernel's session id, used in the header of every message it sends. */
  session: string;
  /** kernel_info_reply content: the socket thread answers kernel_info itself, even while a cell runs. */
  kernelInfo: Record<string, unknown>;
  /** Requests go to the main thread on this port (so it can drain them synchronously with receiveMessageOnPort). */
  port: MessagePort;
  /** Answers for a main thread blocked in Atomics.wait (synchronous `prompt()`). */
  syncPort: MessagePort;
  shared: SharedArrayBuffer;
  /** Milliseconds the main thread gets to acknowledge an interrupt before its JavaScript is terminated. */
  stuckAfterMs: number;
  /** StreamSlot buffer: stream text the main thread has not sent yet (see stream-slot.ts). */
  streamSlot: SharedArrayBuffer;
}

export type ToMain =
  | { kind: "ready" }
  | { kind: "request"; channel: Exclude<Channel, "iopub">; message: Message }
  /** An interrupt_request arrived; `at` is the worker's clock (epoch ms) when it did. */
  | { kind: "interrupt"; seq: number; at: number }
  /** The first kernel_info_reply went out: the main thread may now load slow things (the engine). */
  | { kind: "kernel-info-answered" }
  | { kind: "closed" }
  | { kind: "fatal"; error: string };

export type SendToWorker = {
  kind: "send";
  channel: Channel;
  identities: Uint8Array[];
  parts: JsonParts;
  buffers: Uint8Array[];
};

export type ToWorker =
  | SendToWorker
  /** Sends in one hand-over (a reply and its `idle`): one wake-up of the socket thread instead of two. */
  | { kind: "send-many"; sends: SendToWorker[] }
  | { kind: "interrupt-ack"; seq: number }
  /** Stream text in the StreamSlot marked `id` answers the request with this header. */
  | { kind: "destination"; id: number; parent: Header }
  /** Flush every queued send, close the sockets, then answer `closed`. */
  | { kind: "close" };

export type ToSync = { kind: "input_reply"; message: Message } | { kind: "interrupted" };

/** Epoch milliseconds with sub-millisecond resolution, comparable across threads. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
