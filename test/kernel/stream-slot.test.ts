/**
 * The shared stream slot (kernel/protocol/stream-slot.ts) and the Outbox using it: text the main thread has
 * not sent can be sent by the socket thread, and is then never sent twice.
 */
import { describe, expect, it } from "vitest";
import { StreamSlot } from "../../kernel/protocol/stream-slot.js";
import { Outbox, type Destination, type StreamTailStore } from "../../kernel/session/outbox.js";
import { newMessage, type Message } from "../../kernel/protocol/wire.js";

const knowsAll = () => true;

describe("StreamSlot", () => {
  it("appends text of one destination and stream; close returns it and empties the slot", () => {
    const slot = new StreamSlot(StreamSlot.allocate(64));
    expect(slot.append(1, "stdout", "héllo ", 0)).toBe(true);
    expect(slot.append(1, "stdout", "wörld", 0)).toBe(true);
    expect(slot.close()).toBe("héllo wörld");
    expect(slot.close()).toBeUndefined();
  });

  it("refuses another destination, another stream, or text that does not fit", () => {
    const slot = new StreamSlot(StreamSlot.allocate(8));
    expect(slot.append(1, "stdout", "abc", 0)).toBe(true);
    expect(slot.append(2, "stdout", "x", 0)).toBe(false);
    expect(slot.append(1, "stderr", "x", 0)).toBe(false);
    expect(slot.append(1, "stdout", "123456", 0)).toBe(false);
    expect(slot.close()).toBe("abc");
    expect(slot.append(2, "stdout", "123456789", 0)).toBe(false);
  });

  it("take only takes text older than asked, for a known destination; close then returns only later text", () => {
    const slot = new StreamSlot(StreamSlot.allocate(64));
    slot.append(3, "stderr", "first ", 1000);
    expect(slot.take(1020, 50, knowsAll)).toBeUndefined();
    expect(slot.take(1100, 50, () => false)).toBeUndefined();
    expect(slot.take(1100, 50, knowsAll)).toEqual({ dest: 3, name: "stderr", text: "first " });
    expect(slot.take(1200, 50, knowsAll)).toBeUndefined();
    expect(slot.close()).toBeUndefined();
    slot.append(3, "stderr", "second", 1300);
    expect(slot.take(1400, 50, knowsAll)?.text).toBe("second");
    slot.append(3, "stderr", "third", 1400);
    expect(slot.close()).toBe("third");
  });
});

describe("Outbox with a shared tail", () => {
  function setup() {
    const slot = new StreamSlot(StreamSlot.allocate(1024));
    const ids = new Map<Destination, number>();
    const tail: StreamTailStore = {
      append: (dest, name, text) => {
        if (!ids.has(dest)) ids.set(dest, ids.size + 1);
        return slot.append(ids.get(dest)!, name, text, 0);
      },
      close: () => slot.close(),
    };
    const sent: Message[] = [];
    let now = 0;
    const outbox = new Outbox((_c, m) => sent.push(m as Message), {
      session: "s",
      schedule: () => {},
      now: () => now,
      tail,
    });
    const dest: Destination = {
      request: newMessage({ msgType: "execute_request", session: "c", content: {} }) as Message,
      silent: false,
    };
    return { slot, outbox, dest, sent, tick: (ms: number) => (now += ms) };
  }

  it("text the socket thread took is not sent again; the rest is, in order", async () => {
    const t = setup();
    t.outbox.publish(t.dest, "execute_input", {});
    t.outbox.stream(t.dest, "stdout", "a\n"); // within the delay of the last send: kept in the slot
    t.outbox.stream(t.dest, "stdout", "b\n");
    const rescued = t.slot.take(1000, 50, knowsAll);
    expect(rescued?.text).toBe("a\nb\n");
    t.outbox.stream(t.dest, "stdout", "c\n");
    t.outbox.publish(t.dest, "display_data", {});
    await t.outbox.flush();
    expect(t.sent.map((m) => `${m.header.msg_type}:${m.content.text ?? ""}`)).toEqual([
      "execute_input:",
      "stream:c\n",
      "display_data:",
    ]);
  });

  it("stream text behind a pending asynchronous output never goes to the slot", async () => {
    const t = setup();
    let resolve!: (c: Record<string, unknown>) => void;
    t.outbox.publish(t.dest, "display_data", new Promise((r) => (resolve = r)));
    t.outbox.stream(t.dest, "stdout", "after\n");
    expect(t.slot.take(1000, 0, knowsAll)).toBeUndefined();
    resolve({ n: 1 });
    await t.outbox.flush();
    expect(t.sent.map((m) => m.header.msg_type)).toEqual(["display_data", "stream"]);
  });
});
