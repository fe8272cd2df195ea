/**
 * Interrupt, through the real kernel process: interrupt_mode "message" (interrupt_request on control) and
 * "signal" (SIGINT to the process). Each must stop the cell, reply with an error, cancel the cell's timers
 * and keep every variable, so the next cell runs at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKernel, textOf, type RunningKernel } from "../support/kernel.js";
import type { KernelClient } from "../../kernel/protocol/client.js";

type Mode = "message" | "signal";

function interrupter(k: RunningKernel, mode: Mode): () => Promise<void> {
  return async () => {
    if (mode === "signal") k.child.kill("SIGINT");
    else {
      const reply = await k.client.request("control", "interrupt_request", {}, { timeoutMs: 5000 });
      expect(reply.content.status).toBe("ok");
    }
  };
}

/** Submits `code`, waits until it has printed `marker`, interrupts, and returns the finished execution. */
async function interruptAfter(
  client: KernelClient,
  code: string,
  marker: string,
  interrupt: () => Promise<void>,
) {
  let seen!: () => void;
  const started = new Promise<void>((resolve) => (seen = resolve));
  const { finished } = await client.submit(code, {
    timeoutMs: 15_000,
    onMessage: (m) => {
      if (m.header.msg_type === "stream" && String(m.content.text).includes(marker)) seen();
    },
  });
  await started;
  // Interrupt a cell that is running, as a user does (not in the microseconds while the engine enters or
  // leaves its vm run, where Node's breakOnSigint briefly leaves SIGINT to its default action).
  await new Promise((r) => setTimeout(r, 100));
  const t0 = Date.now();
  await interrupt();
  const run = await finished;
  return { run, ms: Date.now() - t0 };
}

const cases: { name: string; code: string; modes: Mode[] }[] = [
  { name: "a busy loop", code: `console.log("go"); while (true) {}`, modes: ["message", "signal"] },
  {
    name: "a pending await",
    code: `console.log("go"); await new Promise((r) => setTimeout(r, 60_000));`,
    modes: ["message", "signal"],
  },
  {
    // After an await the loop runs outside the engine's vm run: only the message mode's fallback reaches it.
    name: "a busy loop after an await",
    code: `await new Promise((r) => setTimeout(r, 10)); console.log("go"); while (true) {}`,
    modes: ["message"],
  },
  {
    name: "a busy loop in a timer the cell awaits",
    code: `await new Promise((r) => setTimeout(() => { console.log("go"); while (true) {} }, 10));`,
    modes: ["message"],
  },
];

for (const mode of ["message", "signal"] as const) {
  describe(`interrupt (${mode} mode)`, () => {
    let k: RunningKernel;
    beforeAll(async () => {
      k = await startKernel({ args: ["--no-check"] });
      await k.client.execute(`let kept = 41; let ticks = 0;`);
    });
    afterAll(async () => k?.stop());

    for (const c of cases.filter((c) => c.modes.includes(mode))) {
      it(`stops ${c.name}, replies with an error and keeps state`, async () => {
        const { run, ms } = await interruptAfter(k.client, c.code, "go", interrupter(k, mode));
        expect(run.reply.content.status).toBe("error");
        expect(run.reply.content.ename).toBe("KeyboardInterrupt");
        expect(run.outputs.map((m) => m.header.msg_type)).toContain("error");
        expect(ms).toBeLessThan(5000);
        const next = await k.client.execute("kept + 1", { timeoutMs: 5000 });
        expect(textOf(next)).toBe("42");
        expect(await k.client.heartbeat()).toBe(true);
      });
    }

    it("cancels the timers the interrupted cell started", async () => {
      const code = `setInterval(() => ticks++, 5); console.log("go"); await new Promise(() => {});`;
      await interruptAfter(k.client, code, "go", interrupter(k, mode));
      const before = textOf(await k.client.execute("ticks"));
      await new Promise((r) => setTimeout(r, 100));
      const after = textOf(await k.client.execute("ticks"));
      expect(after).toBe(before);
    });
  });
}

describe("heartbeat and control while a cell busy-loops", () => {
  let k: RunningKernel;
  beforeAll(async () => (k = await startKernel({ args: ["--no-check"] })));
  afterAll(async () => k?.stop());

  it("prints written just before a long computation arrive while it runs", async () => {
    // Both lines are written within the coalescing delay, then the main thread never yields: only the
    // socket thread can send the second one. The test waits for it, then stops the loop.
    let seen!: () => void;
    const both = new Promise<void>((r) => (seen = r));
    let text = "";
    const { finished } = await k.client.submit(`console.log("one"); console.log("two"); while (true) {}`, {
      onMessage: (m) => {
        if (m.header.msg_type === "stream") text += String(m.content.text);
        if (text === "one\ntwo\n") seen();
      },
    });
    await both;
    await k.client.request("control", "interrupt_request", {}, { timeoutMs: 2000 });
    expect((await finished).reply.content.status).toBe("error");
    expect(text).toBe("one\ntwo\n");
  });

  it("answers heartbeat and kernel_info on control during the loop", async () => {
    let seen!: () => void;
    const started = new Promise<void>((r) => (seen = r));
    const { finished } = await k.client.submit(`console.log("go"); while (true) {}`, {
      onMessage: (m) => m.header.msg_type === "stream" && seen(),
    });
    await started;
    expect(await k.client.heartbeat(1000)).toBe(true);
    const info = await k.client.request("control", "kernel_info_request", {}, { timeoutMs: 2000 });
    expect(info.content.implementation).toBe("gradlab");
    await k.client.request("control", "interrupt_request", {}, { timeoutMs: 2000 });
    expect((await finished).reply.content.status).toBe("error");
  });
});
