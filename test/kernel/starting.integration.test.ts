/**
 * IOPub `status: starting` is published once, when the kernel starts, before any request's `busy`. A
 * subscriber connected before the kernel binds (as the bench's dealer does for kernel_info) sees it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { KernelClient } from "../../kernel/protocol/client.js";
import { endpoint, newConnectionInfo } from "../../kernel/protocol/connection.js";
import { createSigner, decode } from "../../kernel/protocol/wire.js";
import { kernelArgv } from "../../kernel/install.js";
import { CLI } from "../support/kernel.js";

describe("status: starting", () => {
  it("is published once, before the first busy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-starting-"));
    const info = await newConnectionInfo();
    const file = join(dir, "connection.json");
    writeFileSync(file, JSON.stringify(info));
    const signer = createSigner(info.key, info.signature_scheme);
    const sub = new zmq.Subscriber({ reconnectInterval: 1, linger: 0 });
    sub.connect(endpoint(info, "iopub"));
    sub.subscribe();
    const states: string[] = [];
    const reading = (async () => {
      for await (const frames of sub) {
        const decoded = decode(frames, signer);
        if (decoded.ok && decoded.message.header.msg_type === "status")
          states.push(String(decoded.message.content.execution_state));
      }
    })().catch(() => undefined);
    const [node, ...argv] = [...kernelArgv(file, CLI), "--no-check"];
    const child = spawn(node, argv, { cwd: dir, stdio: "ignore" });
    const client = await KernelClient.connect(info);
    try {
      await client.ready(30_000);
      await client.execute("1 + 1");
      await client.execute("2 + 2");
      await new Promise((r) => setTimeout(r, 100));
      expect(states.filter((s) => s === "starting")).toEqual(["starting"]);
      expect(states[0]).toBe("starting");
      expect(states.filter((s) => s === "busy").length).toBeGreaterThanOrEqual(3); // kernel_info + 2 cells
      expect(states.filter((s) => s === "busy").length).toBe(states.filter((s) => s === "idle").length);
    } finally {
      client.close();
      sub.close();
      await reading;
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
