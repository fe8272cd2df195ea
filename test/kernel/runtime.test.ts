/**
 * The process-wide runtime (kernel/session/runtime.ts), installed and removed within each test: captured
 * stdout/stderr, refused process.exit, timers run as microtasks, errors from timers shown. Also the
 * `gradlab kernel` arguments.
 */
import { afterEach, describe, expect, it } from "vitest";
import { promisify } from "node:util";
import { installRuntime } from "../../kernel/session/runtime.js";
import { parseKernelArgs } from "../../kernel/session/main.js";
import { Harness, streamText } from "./harness.js";

let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

describe("installRuntime", () => {
  it("captures process.stdout/stderr writes into stream output of the running cell, and restores them", async () => {
    const h = new Harness();
    const before = process.stdout.write;
    uninstall = installRuntime(h.session, () => {});
    const a = await h.execute(`process.stdout.write("out\\n"); process.stderr.write(Buffer.from("err\\n"));`);
    uninstall();
    uninstall = undefined;
    expect(streamText(a, "stdout")).toBe("out\n");
    expect(streamText(a, "stderr")).toBe("err\n");
    expect(process.stdout.write).toBe(before);
  });

  it("defines the cell globals on globalThis and removes them", () => {
    const h = new Harness();
    uninstall = installRuntime(h.session, () => {});
    const g = globalThis as Record<string, unknown>;
    for (const name of ["display", "clearOutput", "input", "prompt", "comms"]) expect(g[name]).toBeDefined();
    uninstall();
    uninstall = undefined;
    for (const name of ["display", "clearOutput", "input", "comms"]) expect(g[name]).toBeUndefined();
  });

  it("refuses process.exit with an error that says why", () => {
    const h = new Harness();
    uninstall = installRuntime(h.session, () => {});
    expect(() => process.exit(2)).toThrow(/process\.exit\(2\) was refused.*Restart/);
  });

  it("runs timer callbacks as microtasks, with their arguments and `this`, and keeps promisify", async () => {
    const h = new Harness();
    uninstall = installRuntime(h.session, () => {});
    const seen = await new Promise<unknown[]>((resolve) => {
      setTimeout(
        function (this: unknown, a: number, b: string) {
          resolve([a, b, this !== undefined]);
        },
        1,
        7,
        "x",
      );
    });
    expect(seen).toEqual([7, "x", true]);
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      setImmediate(() => {
        order.push("immediate");
        Promise.resolve().then(() => order.push("its microtask"));
      });
      setImmediate(() => {
        order.push("second immediate");
        resolve();
      });
    });
    expect(order).toEqual(["immediate", "its microtask", "second immediate"]);
    const sleep = promisify(setTimeout);
    expect(await sleep(1, "value")).toBe("value");
  });

  it("shows an error thrown in a timer of a running cell on stderr, and the kernel carries on", async () => {
    const h = new Harness();
    uninstall = installRuntime(h.session, () => {});
    const listeners = process.listeners("uncaughtException");
    // vitest's own handler would fail the test: only the runtime's listener may see this one.
    for (const l of listeners.slice(0, -1)) process.off("uncaughtException", l);
    try {
      const a = await h.execute(
        `setTimeout(() => { throw new Error("timer exploded"); }, 1); await sleep(20);`,
      );
      expect(streamText(a, "stderr")).toContain("timer exploded");
    } finally {
      for (const l of listeners.slice(0, -1)) process.on("uncaughtException", l);
    }
  });
});

describe("gradlab kernel arguments", () => {
  it.each([
    [["--connection-file", "/c.json"], { connectionFile: "/c.json", check: true }],
    [["-f", "/c.json", "--no-check"], { connectionFile: "/c.json", check: false }],
    [["--connection-file=/c.json"], { connectionFile: "/c.json", check: true }],
    [["/c.json"], { connectionFile: "/c.json", check: true }],
  ])("%j", (argv, expected) => {
    expect(parseKernelArgs(argv)).toEqual(expected);
  });

  it.each([[[]], [["--bogus"]], [["a.json", "b.json"]]])("rejects %j with usage", (argv) => {
    expect(String(parseKernelArgs(argv))).toContain("usage: gradlab kernel");
  });
});
