/**
 * The request handlers without sockets (kernel/session), against a fake engine: message order, counts,
 * silent / store_history / stop_on_error, display, history, comms, stdin, interrupt, late output.
 */
import { describe, expect, it } from "vitest";
import { Harness, streamText } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("execute_request", () => {
  it("publishes busy, execute_input, outputs, execute_result, idle — in that order — then replies", async () => {
    const h = new Harness();
    const a = await h.execute(`print("hello"); display(42); return;`);
    expect(a.types).toEqual(["status", "execute_input", "stream", "display_data", "status"]);
    expect(a.iopub[0].content).toEqual({ execution_state: "busy" });
    expect(a.iopub.at(-1)!.content).toEqual({ execution_state: "idle" });
    expect(a.reply?.header.msg_type).toBe("execute_reply");
    expect(a.reply?.content).toMatchObject({ status: "ok", execution_count: 1, user_expressions: {} });
    // The reply goes back to the identities of the request (ROUTER routing).
    expect(h.sent.find((s) => s.channel === "shell")?.message.identities).toEqual([Buffer.from("client")]);
  });

  it("sends a value as execute_result with its full MIME bundle", async () => {
    const h = new Harness();
    const a = await h.execute(
      `={ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<b>x</b>", "text/plain": "x" }) }`,
    );
    const result = a.iopub.find((m) => m.header.msg_type === "execute_result");
    expect(result?.content).toEqual({
      execution_count: 1,
      data: { "text/html": "<b>x</b>", "text/plain": "x" },
      metadata: {},
    });
  });

  it("waits for an asynchronous display bundle and keeps output order", async () => {
    const h = new Harness();
    const a = await h.execute(
      `display({ [Symbol.for("Jupyter.display")]: async () => { await sleep(20); return { "text/plain": "slow" }; } });
       print("after");`,
    );
    expect(a.types).toEqual(["status", "execute_input", "display_data", "stream", "status"]);
    expect(a.iopub[2].content.data).toEqual({ "text/plain": "slow" });
  });

  it.each([
    ["a cell that stores history", { store_history: true }, [1, 2]],
    ["store_history false", { store_history: false }, [0, 0]],
    ["silent", { silent: true }, [0, 0]],
  ])("execution_count with %s", async (_name, content, counts) => {
    const h = new Harness();
    const first = await h.execute(`=1`, content);
    const second = await h.execute(`=2`, content);
    expect([first.reply?.content.execution_count, second.reply?.content.execution_count]).toEqual(counts);
  });

  it("a silent cell publishes nothing but busy and idle", async () => {
    const h = new Harness();
    const a = await h.execute(`print("x"); display(1); return 5;`, { silent: true });
    expect(a.types).toEqual(["status", "status"]);
    expect(a.reply?.content.status).toBe("ok");
  });

  it("an error publishes `error` and replies status error with ename, evalue, traceback", async () => {
    const h = new Harness();
    const a = await h.execute(`throw new RangeError("bad index")`);
    const error = a.iopub.find((m) => m.header.msg_type === "error");
    expect(error?.content).toMatchObject({ ename: "RangeError", evalue: "bad index" });
    expect(Array.isArray(error?.content.traceback)).toBe(true);
    expect(a.reply?.content).toMatchObject({ status: "error", ename: "RangeError", evalue: "bad index" });
  });

  it("stop_on_error aborts the execute_requests queued behind a failed cell, and only those", async () => {
    const h = new Harness();
    const failing = h.send("execute_request", {
      code: `await sleep(10); throw new Error("x")`,
      stop_on_error: true,
    });
    const queued = h.send("execute_request", { code: `=1` });
    const info = h.send("kernel_info_request", {});
    // Arrived but still in the port when the cell fails: drained and aborted too.
    h.pendingInPort.push(["shell", h.message("execute_request", { code: `=2` })]);
    await h.session.idle();
    const later = await h.execute(`=3`);
    expect(h.answer(failing).reply?.content.status).toBe("error");
    expect(h.answer(queued).reply?.content.status).toBe("aborted");
    expect(h.answer(queued).types).toEqual(["status", "status"]);
    expect(h.answer(info).reply?.content.status).toBe("ok");
    expect(later.reply?.content.status).toBe("ok");
    expect(h.engineCalls.map((c) => c.code)).toEqual([`await sleep(10); throw new Error("x")`, `=3`]);
  });

  it("stop_on_error false lets the queued cells run", async () => {
    const h = new Harness();
    const failing = h.send("execute_request", { code: `throw new Error("x")`, stop_on_error: false });
    const next = h.send("execute_request", { code: `=1` });
    await h.session.idle();
    expect(h.answer(failing).reply?.content.status).toBe("error");
    expect(h.answer(next).reply?.content.status).toBe("ok");
  });

  it("evaluates user_expressions after a successful cell", async () => {
    const h = new Harness();
    const a = await h.execute(`=1`, { user_expressions: { two: "=1+1", bad: "=nope" } });
    const ue = a.reply?.content.user_expressions as Record<string, Record<string, unknown>>;
    expect(ue.two).toEqual({ status: "ok", data: { "text/plain": "2" }, metadata: {} });
    expect(ue.bad).toMatchObject({ status: "error", ename: "ReferenceError" });
  });

  it("passes noCheck for --no-check and for a //% nocheck first line", async () => {
    const checked = new Harness({ check: true });
    await checked.execute(`=1`);
    await checked.execute(`//% nocheck\nreturn;`);
    const unchecked = new Harness({ check: false });
    await unchecked.execute(`=1`);
    expect(checked.engineCalls.map((c) => c.options?.noCheck)).toEqual([false, true]);
    expect(unchecked.engineCalls[0].options?.noCheck).toBe(true);
  });

  it("rejects a request whose code is not a string with a clear error reply", async () => {
    const h = new Harness();
    const a = await h.request("execute_request", { code: 42 });
    expect(a.reply?.content).toMatchObject({ status: "error", ename: "TypeError" });
    expect(String(a.reply?.content.evalue)).toContain("content.code must be a string");
    expect(a.types).toEqual(["status", "status"]);
  });

  it("reports an engine that cannot be loaded as a cell error", async () => {
    const h = new Harness();
    Object.assign(h.session.options, { engine: () => Promise.reject(new Error("no typescript")) });
    const a = await h.execute(`=1`);
    expect(String(a.reply?.content.evalue)).toContain("engine could not be loaded: no typescript");
  });
});

describe("display API", () => {
  it("display with an id, update by id and through the handle, clear", async () => {
    const h = new Harness();
    const a = await h.execute(`
      const d = display("a", { id: "plot" });
      display("b", { id: "plot", update: true });
      await d.update("c");
      await d.clear();
      clearOutput({ wait: true });`);
    const shown = a.iopub.filter(
      (m) => m.header.msg_type !== "status" && m.header.msg_type !== "execute_input",
    );
    expect(
      shown.map((m) => [m.header.msg_type, (m.content.data as Record<string, unknown>)?.["text/plain"]]),
    ).toEqual([
      ["display_data", "'a'"],
      ["update_display_data", "'b'"],
      ["update_display_data", "'c'"],
      ["update_display_data", ""],
      ["clear_output", undefined],
    ]);
    for (const m of shown.slice(0, 4)) expect(m.content.transient).toEqual({ display_id: "plot" });
    expect(shown[4].content).toEqual({ wait: true });
  });

  it("a display handle as a cell's value shows nothing more", async () => {
    const h = new Harness();
    const a = await h.execute(`=display(1)`);
    expect(a.types.filter((t) => t === "execute_result")).toEqual([]);
    expect(a.types).toContain("display_data");
  });

  it("update without an id is an error naming the problem", async () => {
    const h = new Harness();
    const a = await h.execute(`display(1, { update: true })`);
    expect(String(a.reply?.content.evalue)).toContain("needs the id");
  });
});

describe("introspection", () => {
  it("complete_request answers matches and cursor positions from the engine", async () => {
    const h = new Harness();
    const a = await h.request("complete_request", { code: "Math.a", cursor_pos: 6 });
    expect(a.reply?.header.msg_type).toBe("complete_reply");
    expect(a.reply?.content).toEqual({
      status: "ok",
      matches: ["abs", "acos"],
      cursor_start: 5,
      cursor_end: 6,
      metadata: { seen: "Math.a" },
    });
    expect(a.types).toEqual(["status", "status"]);
  });

  it("inspect_request passes code, cursor and detail level", async () => {
    const h = new Harness();
    const a = await h.request("inspect_request", { code: "Math.max", cursor_pos: 3, detail_level: 1 });
    expect(a.reply?.content).toEqual({
      status: "ok",
      found: true,
      data: { "text/plain": "Math.max@3/1" },
      metadata: {},
    });
  });

  it.each([
    ["for (;;) {", { status: "incomplete", indent: "  " }],
    ["1 + 1", { status: "complete" }],
  ])("is_complete_request %s", async (code, expected) => {
    const h = new Harness();
    const a = await h.request("is_complete_request", { code });
    expect(a.reply?.content).toEqual(expected);
  });

  it("an engine failure becomes an error reply, not a crash", async () => {
    const h = new Harness({ engine: { complete: () => Promise.reject(new Error("service down")) } });
    const a = await h.request("complete_request", { code: "x", cursor_pos: 1 });
    expect(a.reply?.content).toMatchObject({ status: "error", evalue: "service down" });
  });
});

describe("history_request", () => {
  it("tail, range and search, with outputs when asked", async () => {
    const h = new Harness();
    await h.execute(`=1`);
    await h.execute(`print("x")`);
    await h.execute(`=3`);
    await h.execute(`=4`, { store_history: false });
    const tail = await h.request("history_request", {
      hist_access_type: "tail",
      n: 2,
      output: true,
      raw: true,
    });
    expect(tail.reply?.content).toEqual({
      status: "ok",
      history: [
        [1, 2, [`print("x")`, null]],
        [1, 3, [`=3`, "3"]],
      ],
    });
    const range = await h.request("history_request", {
      hist_access_type: "range",
      session: 0,
      start: 1,
      stop: 3,
    });
    expect(range.reply?.content.history).toEqual([
      [1, 1, "=1"],
      [1, 2, `print("x")`],
    ]);
    const search = await h.request("history_request", { hist_access_type: "search", pattern: "=*", n: 10 });
    expect(search.reply?.content.history).toEqual([
      [1, 1, "=1"],
      [1, 3, "=3"],
    ]);
  });

  it("a bad hist_access_type is an error reply", async () => {
    const h = new Harness();
    const a = await h.request("history_request", { hist_access_type: "everything" });
    expect(a.reply?.content.status).toBe("error");
  });
});

describe("comms", () => {
  it("a target registered by a cell receives comm_open, comm_msg and comm_close from the frontend", async () => {
    const h = new Harness();
    await h.execute(`
      globalThis.__log = [];
      comms.registerTarget("echo", (comm, data) => {
        __log.push(["open", data]);
        comm.onMsg((d) => { __log.push(["msg", d]); comm.send({ echo: d }); });
        comm.onClose((d) => __log.push(["close", d]));
      });`);
    await h.request("comm_open", { comm_id: "c1", target_name: "echo", data: { hello: 1 } });
    const info = await h.request("comm_info_request", { target_name: "echo" });
    expect(info.reply?.content).toEqual({ status: "ok", comms: { c1: { target_name: "echo" } } });
    const msg = await h.request("comm_msg", { comm_id: "c1", data: { n: 2 } });
    const echoed = msg.iopub.find((m) => m.header.msg_type === "comm_msg");
    expect(echoed?.content).toEqual({ comm_id: "c1", data: { echo: { n: 2 } } });
    await h.request("comm_close", { comm_id: "c1", data: { bye: true } });
    const log = (globalThis as unknown as { __log: unknown[] }).__log;
    expect(log).toEqual([
      ["open", { hello: 1 }],
      ["msg", { n: 2 }],
      ["close", { bye: true }],
    ]);
    const after = await h.request("comm_info_request", {});
    expect(after.reply?.content.comms).toEqual({});
    delete (globalThis as Record<string, unknown>).__log;
  });

  it("a comm opened by a cell reaches the frontend and hears its messages", async () => {
    const h = new Harness();
    const a = await h.execute(`
      const c = comms.open("from-kernel", { a: 1 }, { version: "1" });
      globalThis.__got = [];
      c.onMsg((d) => __got.push(d));
      c.send("ping");
      globalThis.__commId = c.commId;`);
    const open = a.iopub.find((m) => m.header.msg_type === "comm_open");
    expect(open?.content).toMatchObject({ target_name: "from-kernel", data: { a: 1 } });
    expect(open?.metadata).toEqual({ version: "1" });
    const g = globalThis as unknown as { __got: unknown[]; __commId: string };
    expect(open?.content.comm_id).toBe(g.__commId);
    expect(a.iopub.find((m) => m.header.msg_type === "comm_msg")?.content).toEqual({
      comm_id: g.__commId,
      data: "ping",
    });
    await h.request("comm_msg", { comm_id: g.__commId, data: { pong: true } });
    expect(g.__got).toEqual([{ pong: true }]);
  });

  it("comm_open for an unknown target is answered with comm_close", async () => {
    const h = new Harness();
    const a = await h.request("comm_open", { comm_id: "zz", target_name: "nobody", data: {} });
    expect(a.iopub.find((m) => m.header.msg_type === "comm_close")?.content).toEqual({
      comm_id: "zz",
      data: {},
    });
  });

  it("a throwing comm handler is shown on stderr and the kernel goes on", async () => {
    const h = new Harness();
    await h.execute(`comms.registerTarget("bad", () => { throw new Error("handler broke"); });`);
    const a = await h.request("comm_open", { comm_id: "b1", target_name: "bad", data: {} });
    expect(streamText(a, "stderr")).toContain("handler broke");
    expect((await h.execute(`=1`)).reply?.content.status).toBe("ok");
  });
});

describe("stdin", () => {
  it("input() sends input_request to the cell's client and resolves with the input_reply", async () => {
    const h = new Harness();
    const run = h.send("execute_request", { code: `=await input("name? ")`, allow_stdin: true });
    await sleep(10);
    const question = h.sent.find((s) => s.channel === "stdin");
    expect(question?.message.header.msg_type).toBe("input_request");
    expect(question?.message.content).toEqual({ prompt: "name? ", password: false });
    expect(question?.message.identities).toEqual([Buffer.from("client")]);
    h.session.receive("stdin", {
      ...h.message("input_reply", { value: "Ada" }),
      parent_header: question!.message.header,
    });
    await h.session.idle();
    const result = h.answer(run).iopub.find((m) => m.header.msg_type === "execute_result");
    expect(result?.content.data).toEqual({ "text/plain": "'Ada'" });
  });

  it("input() without allow_stdin is an error naming the reason", async () => {
    const h = new Harness();
    const a = await h.execute(`await input("x")`, { allow_stdin: false });
    expect(String(a.reply?.content.evalue)).toContain("allow_stdin");
  });
});

describe("interrupt", () => {
  it("stops a pending await, cancels the cell's timers, replies KeyboardInterrupt and keeps going", async () => {
    const h = new Harness({ trackTimers: true });
    try {
      const run = h.send("execute_request", {
        code: `globalThis.__ticks = 0; setInterval(() => __ticks++, 2); await new Promise(() => {});`,
      });
      await sleep(30);
      h.session.interrupt();
      await h.session.idle();
      const a = h.answer(run);
      expect(a.reply?.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
      const ticks = (globalThis as unknown as { __ticks: number }).__ticks;
      expect(ticks).toBeGreaterThan(0);
      await sleep(30);
      expect((globalThis as unknown as { __ticks: number }).__ticks).toBe(ticks);
      expect((await h.execute(`=1`)).reply?.content.status).toBe("ok");
    } finally {
      h.session.close();
      delete (globalThis as Record<string, unknown>).__ticks;
    }
  });

  it("an interrupt sent before a cell started does not stop it", async () => {
    const h = new Harness();
    const first = h.send("execute_request", { code: `await sleep(20)` });
    await sleep(5);
    const sentAt = h.session.now();
    await h.session.idle();
    const second = h.send("execute_request", { code: `await sleep(20); return;` });
    await sleep(5);
    h.session.interrupt(sentAt);
    await h.session.idle();
    expect(h.answer(first).reply?.content.status).toBe("ok");
    expect(h.answer(second).reply?.content.status).toBe("ok");
  });

  it("interrupts a pending input()", async () => {
    const h = new Harness();
    const run = h.send("execute_request", { code: `await input("?")`, allow_stdin: true });
    await sleep(10);
    h.session.interrupt();
    await h.session.idle();
    expect(h.answer(run).reply?.content.ename).toBe("KeyboardInterrupt");
  });
});

describe("late output", () => {
  // The late callbacks are promise reactions registered by the first cell (so they belong to it) and
  // triggered by the test once that cell is idle: no timing involved.
  const lateCell = `globalThis.__fire = new Promise((r) => (globalThis.__go = r));
    __fire.then(() => { print("late"); display("shown late"); });`;
  const g = globalThis as unknown as { __go: () => void; __release: () => void };

  it("goes to the running cell after a line naming its source", async () => {
    const h = new Harness();
    await h.execute(lateCell);
    const second = h.send("execute_request", {
      code: `await new Promise((r) => (globalThis.__release = r));`,
    });
    await sleep(5);
    g.__go();
    await sleep(5);
    g.__release();
    await h.session.idle();
    const a = h.answer(second);
    expect(streamText(a)).toBe("[output from In [1], which had already finished]\nlate\n");
    expect(a.types).toEqual(["status", "execute_input", "stream", "stream", "display_data", "status"]);
  });

  it("is held while no cell runs and released, marked, into the next cell", async () => {
    const h = new Harness();
    const first = await h.execute(lateCell);
    g.__go();
    await sleep(5);
    expect(h.iopub().length).toBe(first.iopub.length);
    const second = await h.execute(`print("own")`);
    expect(second.types).toEqual([
      "status",
      "execute_input",
      "stream",
      "stream",
      "display_data",
      "stream",
      "status",
    ]);
    expect(streamText(second)).toBe("[output from In [1], which had already finished]\nlate\nown\n");
  });

  it("update_display_data from a finished cell is sent at once, with that cell as parent", async () => {
    const h = new Harness();
    const first = await h.execute(`const d = display(0, { id: "p" }); setTimeout(() => d.update(1), 5);`);
    await sleep(30);
    const update = h.iopub().find((m) => m.header.msg_type === "update_display_data");
    expect(update?.parent_header).toEqual(first.request.header);
  });

  it("clearOutput from a finished cell is dropped, never clearing another cell", async () => {
    const h = new Harness();
    await h.execute(`setTimeout(() => clearOutput(), 5);`);
    const second = await h.execute(`await sleep(30)`);
    expect(second.types).not.toContain("clear_output");
  });
});

describe("other requests", () => {
  it("kernel_info_request is answered with the kernel info", async () => {
    const h = new Harness();
    const a = await h.request("kernel_info_request", {});
    expect(a.reply?.content).toEqual({ status: "ok", implementation: "fake" });
  });

  it("shutdown_request replies, goes idle, then shuts down", async () => {
    const h = new Harness();
    const a = await h.request("shutdown_request", { restart: true }, "control");
    expect(a.reply?.content).toEqual({ status: "ok", restart: true });
    expect(a.reply?.header.msg_type).toBe("shutdown_reply");
    expect(h.sent.find((s) => s.message.header.msg_type === "shutdown_reply")?.channel).toBe("control");
    expect(h.shutdowns).toEqual([true]);
  });

  it("an unknown *_request gets an error reply; other unknown types are ignored", async () => {
    const h = new Harness();
    const a = await h.request("frobnicate_request", {});
    expect(a.reply?.header.msg_type).toBe("frobnicate_reply");
    expect(a.reply?.content).toMatchObject({ status: "error", ename: "UnknownMessageType" });
    const b = await h.request("weird_event", {});
    expect(b.reply).toBeUndefined();
    expect((await h.execute(`=1`)).reply?.content.status).toBe("ok");
  });

  it("control requests are served while a shell request is pending", async () => {
    const h = new Harness();
    const slow = h.send("execute_request", { code: `await sleep(50)` });
    await sleep(5);
    const info = h.send("kernel_info_request", {}, "control");
    await sleep(5);
    expect(h.answer(info).reply?.content.status).toBe("ok");
    expect(h.answer(slow).reply).toBeUndefined();
    await h.session.idle();
  });
});

describe("interrupt while the engine loads", () => {
  it("never runs a cell interrupted before the engine was ready", async () => {
    let release!: () => void;
    const loaded = new Promise<void>((r) => (release = r));
    const h = new Harness();
    const real = h.fakeEngine();
    Object.assign(h.session.options, { engine: () => loaded.then(() => real) });
    const run = h.send("execute_request", { code: `globalThis.__ran = true` });
    await sleep(5);
    h.session.interrupt();
    release();
    await h.session.idle();
    expect(h.answer(run).reply?.content.ename).toBe("KeyboardInterrupt");
    expect((globalThis as Record<string, unknown>).__ran).toBeUndefined();
  });
});
