/** IOPub ordering and stream coalescing (kernel/session/outbox.ts), with a manual clock and timer. */
import { describe, expect, it } from "vitest";
import { Outbox, type Destination } from "../../kernel/session/outbox.js";
import { newMessage, type Message } from "../../kernel/protocol/wire.js";

function setup(options: { maxStreamBytes?: number } = {}) {
  const sent: Message[] = [];
  let now = 0;
  const timers: (() => void)[] = [];
  const outbox = new Outbox((_channel, m) => sent.push(m as Message), {
    session: "s",
    maxStreamBytes: options.maxStreamBytes,
    streamDelayMs: 20,
    schedule: (fn) => timers.push(fn),
    now: () => now,
  });
  const dest = (silent = false): Destination => ({
    request: newMessage({ msgType: "execute_request", session: "c", content: {} }) as Message,
    silent,
  });
  return {
    sent,
    outbox,
    dest,
    tick: (ms: number) => (now += ms),
    fireTimers: () => timers.splice(0).forEach((f) => f()),
    summary: () => sent.map((m) => `${m.header.msg_type}:${String(m.content.text ?? m.content.n ?? "")}`),
  };
}

describe("Outbox", () => {
  it("coalesces consecutive writes of one stream and sends them before what follows", async () => {
    const t = setup();
    const d = t.dest();
    t.outbox.stream(d, "stdout", "a"); // quiet before: sent at once
    t.outbox.stream(d, "stdout", "b");
    t.outbox.stream(d, "stdout", "c");
    t.outbox.publish(d, "display_data", { n: 1 });
    t.outbox.stream(d, "stderr", "e");
    await t.outbox.flush();
    expect(t.summary()).toEqual(["stream:a", "stream:bc", "display_data:1", "stream:e"]);
  });

  it("sends a pending stream when its timer fires", () => {
    const t = setup();
    const d = t.dest();
    t.outbox.stream(d, "stdout", "first");
    t.outbox.stream(d, "stdout", "second");
    expect(t.summary()).toEqual(["stream:first"]);
    t.fireTimers();
    expect(t.summary()).toEqual(["stream:first", "stream:second"]);
  });

  it("a million writes become a few messages (size and time bounds), with every byte kept", async () => {
    const t = setup({ maxStreamBytes: 64 * 1024 });
    const d = t.dest();
    for (let i = 0; i < 1_000_000; i++) {
      t.outbox.stream(d, "stdout", `${i}\n`);
      if (i % 100_000 === 0) t.tick(1);
    }
    await t.outbox.flush();
    expect(t.sent.length).toBeLessThan(200);
    const text = t.sent.map((m) => m.content.text).join("");
    expect(text.length).toBe(Array.from({ length: 1_000_000 }, (_, i) => `${i}\n`).join("").length);
    expect(text.endsWith("999999\n")).toBe(true);
  });

  it("keeps the place of an asynchronous output and flush waits for it", async () => {
    const t = setup();
    const d = t.dest();
    let resolve!: (c: Record<string, unknown>) => void;
    t.outbox.publish(d, "display_data", new Promise((r) => (resolve = r)));
    t.outbox.publish(d, "execute_result", { n: 2 });
    const flushed = t.outbox.flush();
    await Promise.resolve();
    expect(t.sent).toEqual([]);
    resolve({ n: 1 });
    await flushed;
    expect(t.summary()).toEqual(["display_data:1", "execute_result:2"]);
  });

  it("abandon drops an interrupted cell's pending asynchronous output without blocking the rest", async () => {
    const t = setup();
    const d = t.dest();
    t.outbox.publish(d, "display_data", new Promise(() => {}));
    t.outbox.publish(d, "status", { n: "idle" });
    t.outbox.abandon(d);
    await t.outbox.flush();
    expect(t.summary()).toEqual(["status:idle"]);
  });

  it("a silent destination publishes status and comm messages only", async () => {
    const t = setup();
    const d = t.dest(true);
    t.outbox.stream(d, "stdout", "x");
    t.outbox.publish(d, "display_data", { n: 1 });
    t.outbox.publish(d, "comm_msg", { n: 2 });
    t.outbox.publish(d, "status", { n: 3 });
    await t.outbox.flush();
    expect(t.summary()).toEqual(["comm_msg:2", "status:3"]);
  });

  it("messages carry the destination's request as parent_header and no routing identities", async () => {
    const t = setup();
    const d = t.dest();
    t.outbox.publish(d, "status", { execution_state: "busy" });
    expect(t.sent[0].parent_header).toEqual(d.request?.header);
    expect(t.sent[0].identities).toEqual([]);
  });
});
