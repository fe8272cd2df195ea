/**
 * The Outbox's stream tail in shared memory (kernel/protocol/stream-slot.ts): the socket thread sends text
 * a busy main thread could not. Destinations are numbered; the socket thread learns each number's parent
 * header by message before any text for it can be in the slot.
 */
import type { StreamSlot } from "../protocol/stream-slot.js";
import type { Header } from "../protocol/wire.js";
import type { Destination, StreamTailStore } from "./outbox.js";

export class SharedStreamTail implements StreamTailStore {
  private readonly ids = new WeakMap<Destination, number>();
  private nextId = 1;

  constructor(
    private readonly slot: StreamSlot,
    /** Tells the socket thread which parent header destination `id` stands for. */
    private readonly register: (id: number, parent: Header) => void,
    private readonly now: () => number,
  ) {}

  append(dest: Destination, name: "stdout" | "stderr", text: string): boolean {
    const header = dest.request?.header;
    if (!header) return false;
    let id = this.ids.get(dest);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(dest, id);
      this.register(id, header);
    }
    return this.slot.append(id, name, text, this.now());
  }

  close(): string | undefined {
    return this.slot.close();
  }
}
