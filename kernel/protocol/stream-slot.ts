/**
 * The stream text a cell printed but the main thread has not sent yet, kept in shared memory so the socket
 * thread can send it when the main thread cannot: `console.log("training…"); longComputation()` shows its
 * line at once even though the cell never yields until the loop ends.
 *
 * One slot, one writer (main thread), one rescuer (socket thread). The main thread appends and normally
 * sends the text itself (coalesced, see kernel/session/outbox.ts). The socket thread only `take`s text that
 * has waited longer than it should; from then on that text is the socket thread's to send, and the main
 * thread's next `close` returns only what came after.
 *
 * States (Int32 at STATE): EMPTY → (main) WRITING → OPEN → (socket) TAKING → TAKEN → (main) WRITING …
 */

const STATE = 0;
const DEST = 1;
const NAME = 2;
const LENGTH = 3;
const HEADER_INTS = 4;

const EMPTY = 0;
const WRITING = 1;
const OPEN = 2;
const TAKING = 3;
const TAKEN = 4;

export type StreamName = "stdout" | "stderr";

export interface TakenText {
  dest: number;
  name: StreamName;
  text: string;
}

export class StreamSlot {
  private readonly header: Int32Array;
  /** Epoch ms of the first byte in the slot (written under WRITING, read under TAKING). */
  private readonly since: Float64Array;
  private readonly bytes: Buffer;

  /** `buffer` from `StreamSlot.allocate`, shared by both threads. */
  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.since = new Float64Array(buffer, HEADER_INTS * 4, 1);
    this.bytes = Buffer.from(buffer, HEADER_INTS * 4 + 8);
  }

  static allocate(capacity = 256 * 1024): SharedArrayBuffer {
    return new SharedArrayBuffer(HEADER_INTS * 4 + 8 + capacity);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  // ---- main thread -----------------------------------------------------------------------------------------

  /**
   * Appends `text` for destination `dest`. Returns false (and changes nothing) when it does not fit or the
   * slot holds text of another destination or stream: the caller closes the slot first.
   */
  append(dest: number, name: StreamName, text: string, now: number): boolean {
    const state = this.acquire();
    const fresh = state === EMPTY || state === TAKEN;
    if (!fresh && (this.header[DEST] !== dest || this.header[NAME] !== nameCode(name))) {
      Atomics.store(this.header, STATE, state);
      return false;
    }
    const length = fresh ? 0 : this.header[LENGTH];
    const needed = Buffer.byteLength(text, "utf8");
    if (length + needed > this.bytes.length) {
      Atomics.store(this.header, STATE, fresh ? EMPTY : state);
      return false;
    }
    if (fresh) {
      this.header[DEST] = dest;
      this.header[NAME] = nameCode(name);
      this.since[0] = now;
    }
    this.bytes.write(text, length, "utf8");
    this.header[LENGTH] = length + needed;
    Atomics.store(this.header, STATE, OPEN);
    return true;
  }

  /** Empties the slot; returns the text the socket thread did not take (undefined if none). */
  close(): string | undefined {
    const state = this.acquire();
    const text = state === OPEN ? this.bytes.toString("utf8", 0, this.header[LENGTH]) : undefined;
    Atomics.store(this.header, STATE, EMPTY);
    return text;
  }

  /** Takes the slot for writing; waits out a socket thread that is copying it (microseconds). */
  private acquire(): number {
    for (;;) {
      const state = Atomics.load(this.header, STATE);
      // TAKING: the socket thread finishes its copy without waiting on us; spin until it has.
      if (state !== TAKING && Atomics.compareExchange(this.header, STATE, state, WRITING) === state)
        return state;
    }
  }

  // ---- socket thread ---------------------------------------------------------------------------------------

  /**
   * Takes text that has waited at least `olderThanMs` and whose destination the caller `knows` (it learns
   * destinations by message, which may still be on its way); the caller must send it.
   */
  take(now: number, olderThanMs: number, knows: (dest: number) => boolean): TakenText | undefined {
    if (Atomics.compareExchange(this.header, STATE, OPEN, TAKING) !== OPEN) return undefined;
    if (now - this.since[0] < olderThanMs || !knows(this.header[DEST])) {
      Atomics.store(this.header, STATE, OPEN);
      return undefined;
    }
    const taken: TakenText = {
      dest: this.header[DEST],
      name: this.header[NAME] === 1 ? "stderr" : "stdout",
      text: this.bytes.toString("utf8", 0, this.header[LENGTH]),
    };
    Atomics.store(this.header, STATE, TAKEN);
    return taken;
  }
}

function nameCode(name: StreamName): number {
  return name === "stderr" ? 1 : 0;
}
