/**
 * End to end through Debian's Python Jupyter client and console (skipped without them, failing under
 * GRADLAB_E2E=required): the kernel as Jupyter frontends start and drive it, from its kernelspec.
 */
import { execFile } from "node:child_process";

import { beforeAll, describe, expect, it } from "vitest";
import { hasCommand, hasPythonModules, requireTool } from "../support/e2e.js";
import { pythonJson, temporaryKernelspecs } from "./python-support.js";

const script = (name: string) => new URL(`./py/${name}`, import.meta.url).pathname;

describe.runIf(requireTool("python3 jupyter_client", hasPythonModules("jupyter_client")))(
  "through jupyter_client",
  () => {
    let jupyterPath: string;
    let obs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    beforeAll(async () => {
      jupyterPath = temporaryKernelspecs();
      obs = await pythonJson(script("jupyter_client_e2e.py"), ["gradlab"], jupyterPath, 120_000);
    }, 150_000);

    it("starts from the kernelspec and answers kernel_info", () => {
      expect(obs.kernel_info).toEqual({
        status: "ok",
        protocol_version: "5.3",
        language: "typescript",
        implementation: "gradlab",
      });
      expect(obs.interrupt_mode).toBe("message");
    });

    it("executes with outputs in order and an execution count", () => {
      expect(obs.basic).toEqual({
        status: "ok",
        count: 1,
        types: ["execute_input", "stream", "display_data", "execute_result"],
        result: ["42"],
        stream: "hello\n",
      });
      expect(obs.silent).toEqual({ status: "ok", outputs: 0 });
    });

    it("reports type errors and runtime errors as error replies", () => {
      expect(obs.type_error).toEqual({ status: "error", types: ["execute_input", "error"] });
      expect(obs.runtime_error).toEqual({
        status: "error",
        ename: "RangeError",
        evalue: "bad",
        traceback_is_list: true,
      });
    });

    it("answers complete, inspect, is_complete and history", () => {
      expect(obs.complete).toEqual({ status: "ok", cursor_end: 7, matches_is_list: true });
      expect(obs.inspect).toEqual({ status: "ok" });
      expect(obs.is_complete).toEqual(["incomplete", "complete"]);
      expect(obs.history_tail).toEqual([
        [1, 2, ["const wrong: string = 5;", null]],
        [1, 3, ['throw new RangeError("bad")', null]],
      ]);
      expect(obs.history_search).toBe(1);
    });

    it("asks for input on stdin and uses the answer", () => {
      expect(obs.input_request).toEqual({ prompt: "who? ", password: false });
      expect(obs.input_result).toBe("'hi Ada'");
    });

    it("talks to a comm target registered by a cell", () => {
      expect(obs.comm_echo).toEqual({ doubled: 42 });
      expect(obs.comm_info).toEqual({ "py-comm-1": { target_name: "py" } });
    });

    it("is interrupted by the kernel manager and keeps its state; shuts down cleanly", () => {
      expect(obs.interrupt.status).toBe("error");
      expect(obs.interrupt.ename).toBe("KeyboardInterrupt");
      expect(obs.after_interrupt).toEqual(["42"]);
      expect(obs.alive).toBe(true);
      expect(obs.stopped).toBe(true);
    });
  },
);

describe.runIf(
  requireTool("jupyter console", hasCommand("/usr/bin/jupyter") && hasPythonModules("jupyter_console")),
)("jupyter console --kernel gradlab", () => {
  it("runs cells typed on stdin and prints their results", async () => {
    const jupyterPath = temporaryKernelspecs();
    const child = execFile(
      "/usr/bin/jupyter",
      ["console", "--kernel", "gradlab-nocheck", "--simple-prompt"],
      {
        env: { ...process.env, JUPYTER_PATH: jupyterPath },
        timeout: 60_000,
      },
    );
    child.stdin?.end(`const a: number = 40\na + 2\nconsole.log("hello " + a)\n`);
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/gradlab [0-9.]+: TypeScript/);
    expect(out).toMatch(/Out\[2\]: 42/);
    expect(out).toContain("hello 40");
    expect(out).not.toContain("Out[3]");
  }, 90_000);
});
