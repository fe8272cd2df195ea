/**
 * IOPub in order. Everything a request publishes goes through one queue, so `idle` can never overtake an
 * output (nbclient drops output that arrives after idle). Two things make the queue more than a list:
 *
 * - stream coalescing: consecutive writes to the same stream of the same request become one `stream`
 *   message, sent when something else follows, when it grows past `maxStreamBytes`, or `streamDelayMs` after
 *   its first write. A million-line print is a few hundred messages, not a million.
 * - asynchronous bundles: `display(x)` of a value whose bundle is a Promise keeps its place; later output
 *   waits behind it.
 * - a stuck main thread: the growing end of a stream lives in a `StreamTailStore` (shared memory in the
 *   kernel), from which the socket thread sends it when the main thread is busy in a long computation.
 *
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#messages-on-the-iopub-pub-sub-channel
 */
import { newMessage, type Channel, type Message } from "../protocol/wire.js";

/** Where an output goes: the request it answers. */
export interface Destination {
  /** Undefined only for kernel-level messages with no parent (parent_header `{}`). */
  request: Pick<Message, "header" | "identities"> | undefined;
  /** A silent execute_request publishes no output at all (only busy/idle). */
  silent: boolean;
}

export type Send = (channel: Channel, message: Message<unknown>) => void;

/** Keeps the unsent end of the last stream where the socket thread can send it (see protocol/stream-slot.ts). */
export interface StreamTailStore {
  /** False when the text cannot go there (full, or another stream is there): then it is kept in memory. */
  append(dest: Destination, name: "stdout" | "stderr", text: string): boolean;
  /** Empties the store; returns what the socket thread did not send. */
  close(): string | undefined;
}

export interface OutboxOptions {
  session: string;
  maxStreamBytes?: number;
  streamDelayMs?: number;
  /** Runs `fn` after `ms` outside any cell's context (cells' timers are tracked and cancelled). */
  schedule: (fn: () => void, ms: number) => void;
  tail?: StreamTailStore;
  now?: () => number;
}

type Content = Record<string, unknown>;

interface OutputItem {
  kind: "output";
  dest: Destination;
  msgType: string;
  content: Content | undefined;
  metadata?: Content;
  ready: boolean;
}

interface StreamItem {
  kind: "stream";
  dest: Destination;
  name: "stdout" | "stderr";
  chunks: string[];
  bytes: number;
  sealed: boolean;
  /** Its text is in the tail store, not in `chunks` (only ever the last item, at the head of the queue). */
  stored: boolean;
}

type Item = OutputItem | StreamItem;

/** Message types that are not cell output: published even for silent requests. */
const ALWAYS = new Set(["status", "comm_open", "comm_msg", "comm_close"]);

export class Outbox {
  private readonly queue: Item[] = [];
  private lastSend = -Infinity;
  private timerArmed = false;
  private emptied: (() => void)[] = [];
  private readonly maxStreamBytes: number;
  private readonly streamDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly send: Send,
    private readonly options: OutboxOptions,
  ) {
    this.maxStreamBytes = options.maxStreamBytes ?? 64 * 1024;
    this.streamDelayMs = options.streamDelayMs ?? 20;
    this.now = options.now ?? (() => performance.now());
  }

  stream(dest: Destination, name: "stdout" | "stderr", text: string): void {
    if (dest.silent || text.length === 0) return;
    let tail = this.queue.at(-1);
    if (!(tail?.kind === "stream" && !tail.sealed && tail.dest === dest && tail.name === name)) {
      this.seal();
      tail = { kind: "stream", dest, name, chunks: [], bytes: 0, sealed: false, stored: false };
      this.queue.push(tail);
      // Only text with nothing pending before it may go where the socket thread could send it early.
      tail.stored = this.queue.length === 1 && this.options.tail !== undefined;
    }
    if (tail.stored && !this.options.tail!.append(dest, name, text)) {
      this.unstore(tail);
      tail.stored = false;
    }
    if (!tail.stored) tail.chunks.push(text);
    tail.bytes += text.length;
    // Send at once after a quiet spell (a print before a long computation shows immediately), or when large.
    if (tail.bytes >= this.maxStreamBytes || this.now() - this.lastSend >= this.streamDelayMs) {
      this.seal();
      this.pump();
    } else this.armTimer();
  }

  /** Queues a message; `content` may be a promise (an asynchronous display bundle) and keeps its place. */
  publish(
    dest: Destination,
    msgType: string,
    content: Content | Promise<Content | undefined>,
    metadata?: Content,
  ): void {
    if (dest.silent && !ALWAYS.has(msgType)) return;
    this.seal();
    if (content instanceof Promise) {
      const item: OutputItem = { kind: "output", dest, msgType, content: undefined, metadata, ready: false };
      this.queue.push(item);
      content.then(
        (c) => this.settle(item, c),
        () => this.settle(item, undefined),
      );
    } else {
      this.queue.push({ kind: "output", dest, msgType, content, metadata, ready: true });
      this.pump();
    }
  }

  /** Sends pending stream text; resolves once everything queued so far has been handed to the socket. */
  flush(): Promise<void> {
    this.seal();
    this.pump();
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  /** Drops not-yet-ready asynchronous outputs of `dest` (its cell was interrupted while they were pending). */
  abandon(dest: Destination): void {
    for (const item of this.queue)
      if (item.kind === "output" && !item.ready && item.dest === dest) this.settle(item, undefined);
  }

  private settle(item: OutputItem, content: Content | undefined): void {
    if (item.ready) return;
    item.content = content;
    item.ready = true;
    this.pump();
  }

  private seal(): void {
    const tail = this.queue.at(-1);
    if (tail?.kind !== "stream") return;
    tail.sealed = true;
    if (tail.stored) this.unstore(tail);
  }

  /** Moves a stream item's text out of the tail store (what the socket thread already sent is gone). */
  private unstore(item: StreamItem): void {
    const rest = this.options.tail!.close();
    if (rest) item.chunks.unshift(rest);
    item.stored = false;
  }

  private armTimer(): void {
    if (this.timerArmed) return;
    this.timerArmed = true;
    this.options.schedule(() => {
      this.timerArmed = false;
      this.seal();
      this.pump();
    }, this.streamDelayMs);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === "stream" ? !head.sealed : !head.ready) break;
      this.queue.shift();
      if (head.kind === "stream") {
        // (empty when the socket thread already sent all of a stored stream's text)
        const text = head.chunks.join("");
        if (text) this.emit(head.dest, "stream", { name: head.name, text });
      } else if (head.content) this.emit(head.dest, head.msgType, head.content, head.metadata);
    }
    if (this.queue.length === 0 && this.emptied.length > 0) {
      const waiting = this.emptied;
      this.emptied = [];
      for (const resolve of waiting) resolve();
    }
  }

  private emit(dest: Destination, msgType: string, content: Content, metadata?: Content): void {
    this.lastSend = this.now();
    this.send(
      "iopub",
      newMessage({
        msgType,
        session: this.options.session,
        content,
        metadata,
        parent: dest.request,
        identities: [],
      }),
    );
  }
}
