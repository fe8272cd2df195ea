/**
 * The real kernel process over zeromq (node dist/kernel/cli.js kernel), through kernel/protocol/client.ts:
 * every channel and message type of the scope, signatures, resilience.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelClient } from "../../kernel/protocol/client.js";
import { startKernel, textOf, type RunningKernel } from "../support/kernel.js";
import type { Message } from "../../kernel/protocol/wire.js";

const types = (ms: Message[]) => ms.map((m) => m.header.msg_type);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "name:text" per run of consecutive stream messages of one name. */
function mergedStreams(outputs: Message[]): string[] {
  const merged: string[] = [];
  let last = "";
  for (const m of outputs) {
    if (m.header.msg_type !== "stream") continue;
    const name = String(m.content.name);
    if (name === last) merged[merged.length - 1] += String(m.content.text);
    else merged.push(`${name}:${String(m.content.text)}`);
    last = name;
  }
  return merged;
}

describe("kernel over zeromq", () => {
  let k: RunningKernel;
  beforeAll(async () => {
    k = await startKernel({ args: ["--no-check"] });
  });
  afterAll(async () => k?.stop());

  it("answers kernel_info on shell with TypeScript language_info, banner and help links", async () => {
    const reply = await k.client.request("shell", "kernel_info_request", {}, { timeoutMs: 5000 });
    expect(reply.header.msg_type).toBe("kernel_info_reply");
    expect(reply.content).toMatchObject({
      status: "ok",
      protocol_version: "5.3",
      implementation: "gradlab",
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
    });
    expect(String(reply.content.banner)).toContain("TypeScript");
    expect((reply.content.help_links as unknown[]).length).toBeGreaterThan(0);
  });

  it("runs a cell: busy, execute_input, stream, display_data, execute_result, idle", async () => {
    const run = await k.client.execute(`console.log("hi"); display("shown"); 6 * 7`, { timeoutMs: 20_000 });
    expect(types(run.messages)).toEqual([
      "status",
      "execute_input",
      "stream",
      "display_data",
      "execute_result",
      "status",
    ]);
    expect(run.messages[0].content.execution_state).toBe("busy");
    expect(run.messages.at(-1)!.content.execution_state).toBe("idle");
    const result = run.messages.find((m) => m.header.msg_type === "execute_result")!;
    expect(result.content.data).toEqual({ "text/plain": "42" });
    expect(result.content.execution_count).toBe(run.reply.content.execution_count);
    expect(run.reply.content.status).toBe("ok");
  });

  it("counts only stored, non-silent cells", async () => {
    const a = (await k.client.execute("1")).reply.content.execution_count as number;
    const silent = await k.client.execute(`console.log("quiet"); 2`, { silent: true });
    const unstored = await k.client.execute("3", { store_history: false });
    const b = (await k.client.execute("4")).reply.content.execution_count as number;
    expect(b).toBe(a + 1);
    expect(types(silent.messages)).toEqual(["status", "status"]);
    expect(unstored.reply.content.execution_count).toBe(a);
  });

  it("collects output of timers and promises the cell awaits, in order, before idle", async () => {
    const run = await k.client.execute(
      `setTimeout(() => console.log("timer"), 5);
       Promise.resolve().then(() => console.error("promise"));
       await new Promise((r) => setTimeout(r, 30));
       console.log("end");`,
    );
    // Consecutive writes to one stream may arrive as one message or several: compare them merged.
    expect(mergedStreams(run.outputs)).toEqual(["stderr:promise\n", "stdout:timer\nend\n"]);
  });

  it("sends error with ename, evalue and a traceback list", async () => {
    const run = await k.client.execute(`throw new TypeError("nope")`);
    const error = run.outputs.find((m) => m.header.msg_type === "error")!;
    expect(error.content).toMatchObject({ ename: "TypeError", evalue: "nope" });
    expect(Array.isArray(error.content.traceback)).toBe(true);
    expect(run.reply.content).toMatchObject({ status: "error", ename: "TypeError" });
  });

  it("display with an id, then update_display_data and clear_output", async () => {
    const run = await k.client.execute(
      `const h = display("v1", { id: "d1" }); await h.update("v2"); clearOutput({ wait: true }); display("after");`,
    );
    expect(types(run.outputs)).toEqual([
      "display_data",
      "update_display_data",
      "clear_output",
      "display_data",
    ]);
    expect(run.outputs[1].content).toMatchObject({
      data: { "text/plain": "'v2'" },
      transient: { display_id: "d1" },
    });
    expect(run.outputs[2].content).toEqual({ wait: true });
  });

  it("stop_on_error aborts the cells queued behind a failure", async () => {
    const failing = await k.client.submit(
      `await new Promise((r) => setTimeout(r, 100)); throw new Error("x")`,
    );
    const queued = await k.client.submit(`globalThis.ranQueued = true`);
    const [f, q] = await Promise.all([failing.finished, queued.finished]);
    expect(f.reply.content.status).toBe("error");
    expect(q.reply.content.status).toBe("aborted");
    expect(textOf(await k.client.execute(`typeof globalThis.ranQueued`))).toBe("'undefined'");
  });

  it("answers complete, inspect and is_complete", async () => {
    const complete = await k.client.request("shell", "complete_request", { code: "Math.ma", cursor_pos: 7 });
    expect(complete.content).toMatchObject({ status: "ok", cursor_end: 7 });
    expect(Array.isArray(complete.content.matches)).toBe(true);
    const inspect = await k.client.request("shell", "inspect_request", {
      code: "Math.max",
      cursor_pos: 6,
      detail_level: 0,
    });
    expect(inspect.content.status).toBe("ok");
    expect(typeof inspect.content.found).toBe("boolean");
    const incomplete = await k.client.request("shell", "is_complete_request", { code: "function f() {" });
    expect(incomplete.content.status).toBe("incomplete");
    const complete2 = await k.client.request("shell", "is_complete_request", { code: "1 + 1" });
    expect(complete2.content.status).toBe("complete");
  });

  it("answers history: tail with outputs, range and search", async () => {
    await k.client.execute(`const historyMarker = "hm"; historyMarker`);
    const tail = await k.client.request("shell", "history_request", {
      hist_access_type: "tail",
      n: 1,
      output: true,
      raw: true,
    });
    expect(tail.content.history).toEqual([
      [1, expect.any(Number), [`const historyMarker = "hm"; historyMarker`, "'hm'"]],
    ]);
    const line = (tail.content.history as [number, number, unknown][])[0][1];
    const range = await k.client.request("shell", "history_request", {
      hist_access_type: "range",
      session: 0,
      start: line,
      stop: line + 1,
      raw: true,
      output: false,
    });
    expect(range.content.history).toEqual([[1, line, `const historyMarker = "hm"; historyMarker`]]);
    const search = await k.client.request("shell", "history_request", {
      hist_access_type: "search",
      pattern: "*historyMarker*",
      raw: true,
      output: false,
    });
    expect((search.content.history as unknown[]).length).toBe(1);
  });

  it("comms in both directions", async () => {
    await k.client.execute(`
      comms.registerTarget("echo", (comm, data) => {
        comm.send({ opened: data });
        comm.onMsg((d) => comm.send({ echo: d }));
        comm.onClose(() => console.log("closed"));
      });`);
    const open = k.client.message("comm_open", { comm_id: "c-1", target_name: "echo", data: { x: 1 } });
    const opened = await k.client.notify("shell", open);
    expect(opened.find((m) => m.header.msg_type === "comm_msg")?.content).toEqual({
      comm_id: "c-1",
      data: { opened: { x: 1 } },
    });
    const msg = await k.client.notify(
      "shell",
      k.client.message("comm_msg", { comm_id: "c-1", data: { n: 5 } }),
    );
    expect(msg.find((m) => m.header.msg_type === "comm_msg")?.content.data).toEqual({ echo: { n: 5 } });
    const info = await k.client.request("shell", "comm_info_request", { target_name: "echo" });
    expect(info.content.comms).toEqual({ "c-1": { target_name: "echo" } });
    const closed = await k.client.notify(
      "shell",
      k.client.message("comm_close", { comm_id: "c-1", data: {} }),
    );
    expect(closed.find((m) => m.header.msg_type === "stream")?.content.text).toBe("closed\n");

    const fromKernel = await k.client.execute(
      `const kc = comms.open("kernel-side", { hello: true }); kc.send("ping");`,
    );
    const openMsg = fromKernel.messages.find((m) => m.header.msg_type === "comm_open")!;
    expect(openMsg.content).toMatchObject({ target_name: "kernel-side", data: { hello: true } });
    expect(fromKernel.messages.find((m) => m.header.msg_type === "comm_msg")?.content.data).toBe("ping");
  });

  it("stdin: await input() and the synchronous prompt()", async () => {
    const prompts: string[] = [];
    const run = await k.client.execute(
      `const name = await input("name? "); const age = prompt("age?"); name + ":" + age`,
      {
        onInput: (prompt) => {
          prompts.push(prompt);
          return prompt.startsWith("name") ? "Ada" : "36";
        },
      },
    );
    expect(prompts).toEqual(["name? ", "age?"]);
    expect(textOf(run)).toBe("'Ada:36'");
  });

  it("user_expressions run user code after the result: prompt() is answered, printed text comes after", async () => {
    const run = await k.client.execute("41 + 1", {
      user_expressions: {
        asked: `prompt("again?")`,
        printed: `(() => { console.log("from an expression"); const end = Date.now() + 120; while (Date.now() < end); return 7; })()`,
      },
      onInput: () => "yes",
      timeoutMs: 10_000,
    });
    const expressions = run.reply.content.user_expressions as Record<
      string,
      { data?: Record<string, string> }
    >;
    expect(expressions.asked?.data?.["text/plain"]).toBe("'yes'");
    expect(expressions.printed?.data?.["text/plain"]).toBe("7");
    const order = run.messages
      .filter((m) => m.header.msg_type !== "status" || m.content.execution_state !== "busy")
      .map((m) =>
        m.header.msg_type === "stream" ? `stream:${String(m.content.text).trim()}` : m.header.msg_type,
      );
    expect(order).toEqual(["execute_input", "execute_result", "stream:from an expression", "status"]);
  });

  it("drops messages with a wrong or missing signature and runs nothing from them", async () => {
    const wrongKey = await KernelClient.connect({ ...k.info, key: "not-the-key" });
    const unsigned = await KernelClient.connect({ ...k.info, key: "" });
    try {
      for (const c of [wrongKey, unsigned]) {
        await c.send("shell", c.executeRequest(`globalThis.forged = true`));
        await c.send("control", c.message("shutdown_request", { restart: false }));
      }
      await sleep(200);
      expect(textOf(await k.client.execute(`typeof globalThis.forged`))).toBe("'undefined'");
      expect(k.stderr()).toContain("bad signature");
    } finally {
      wrongKey.close();
      unsigned.close();
    }
  });

  it("refuses process.exit() from a cell and keeps running", async () => {
    const run = await k.client.execute(`process.exit(3)`);
    expect(run.reply.content.status).toBe("error");
    expect(String(run.reply.content.evalue)).toContain("process.exit(3) was refused");
    expect(textOf(await k.client.execute("1 + 1"))).toBe("2");
  });

  it("shows an error thrown in a timer and an unhandled rejection, and lives", async () => {
    const run = await k.client.execute(
      `setTimeout(() => { throw new Error("thrown in a timer"); }, 1);
       Promise.reject(new Error("nobody caught me"));
       await new Promise((r) => setTimeout(r, 30));`,
    );
    const stderr = run.outputs
      .filter((m) => m.content.name === "stderr")
      .map((m) => m.content.text)
      .join("");
    expect(stderr).toContain("thrown in a timer");
    expect(stderr).toContain("nobody caught me");
    expect(textOf(await k.client.execute("2 + 2"))).toBe("4");
  });

  it("a million lines of stdout arrive complete in few messages, and the kernel stays responsive", async () => {
    const run = await k.client.execute(`for (let i = 0; i < 1_000_000; i++) console.log(i);`, {
      timeoutMs: 60_000,
    });
    const streams = run.outputs.filter((m) => m.header.msg_type === "stream");
    const text = streams.map((m) => m.content.text).join("");
    expect(text.length).toBe(6_888_890);
    expect(text.endsWith("999998\n999999\n")).toBe(true);
    expect(streams.length).toBeLessThan(2000);
    expect(await k.client.heartbeat()).toBe(true);
  });

  it("late output of a finished cell goes to the next cell, marked with its source", async () => {
    const first = await k.client.execute(`setTimeout(() => console.log("from the past"), 50); "first"`);
    const count = first.reply.content.execution_count;
    const second = await k.client.execute(`await new Promise((r) => setTimeout(r, 150)); "second"`);
    expect(textOf(first)).toBe("'first'");
    expect(textOf(second)).toBe(
      `[output from In [${count}], which had already finished]\nfrom the past\n'second'`,
    );
  });

  it("answers an unknown request type with an error reply and carries on", async () => {
    const reply = await k.client.request("shell", "bogus_request", {}, { timeoutMs: 5000 });
    expect(reply.header.msg_type).toBe("bogus_reply");
    expect(reply.content.status).toBe("error");
    expect(textOf(await k.client.execute("5"))).toBe("5");
  });
});

describe("kernel lifecycle", () => {
  it("with type checking on: type errors are error messages, and the cell globals type-check", async () => {
    const k = await startKernel();
    try {
      const run = await k.client.execute(`const n: number = "text";`, { timeoutMs: 30_000 });
      expect(run.reply.content.status).toBe("error");
      expect(run.outputs.some((m) => m.header.msg_type === "error")).toBe(true);
      const globals = await k.client.execute(
        `const h: DisplayHandle = display(1, { id: "x" }); clearOutput({ wait: true });
         const answer: string | null = prompt("age?", "9"); const c: Comm = comms.open("t"); c.close(); answer`,
        { onInput: () => "", timeoutMs: 30_000 },
      );
      expect(globals.reply.content.status).toBe("ok");
      const result = globals.outputs.find((m) => m.header.msg_type === "execute_result");
      expect(result?.content.data).toEqual({ "text/plain": "'9'" });
    } finally {
      await k.stop();
    }
  });

  it("shutdown_request on shell replies and the process exits with code 0", async () => {
    const k = await startKernel({ args: ["--no-check"] });
    const reply = await k.client.request(
      "shell",
      "shutdown_request",
      { restart: false },
      { timeoutMs: 5000 },
    );
    expect(reply.content).toEqual({ status: "ok", restart: false });
    expect(await k.exited).toBe(0);
    k.client.close();
  });

  it("shutdown_request on control while a cell busy-loops still ends the kernel", async () => {
    const k = await startKernel({ args: ["--no-check"] });
    await k.client.submit(`while (true) {}`);
    await sleep(300);
    const reply = await k.client.request(
      "control",
      "shutdown_request",
      { restart: true },
      { timeoutMs: 8000 },
    );
    expect(reply.content).toMatchObject({ status: "ok", restart: true });
    const code = await Promise.race([k.exited, sleep(8000).then(() => "still running")]);
    expect(code).not.toBe("still running");
    k.kill();
  });

  it("an empty key means no signing: an unsigned client is served", async () => {
    const k = await startKernel({ key: "", args: ["--no-check"] });
    try {
      expect(textOf(await k.client.execute("1 + 2"))).toBe("3");
    } finally {
      await k.stop();
    }
  });

  it("a bad connection file is a clear error, not a hang", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(
      process.execPath,
      ["dist/kernel/cli.js", "kernel", "--connection-file", "/nonexistent.json"],
      {
        encoding: "utf8",
        timeout: 10_000,
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("cannot read connection file /nonexistent.json");
  });
});
