/**
 * 10,000 malformed, truncated, unsigned and wrongly signed messages to shell, control and stdin (loopback,
 * bounded): the kernel keeps answering and runs nothing that was not correctly signed.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelClient } from "../../kernel/protocol/client.js";
import { DELIMITER, createSigner, encode, serialize } from "../../kernel/protocol/wire.js";
import { startKernel, textOf, type RunningKernel } from "../support/kernel.js";

const COUNT = 10_000;

describe("a flood of bad messages", () => {
  let k: RunningKernel;
  let attacker: KernelClient;
  beforeAll(async () => {
    k = await startKernel({ args: ["--no-check"] });
    await k.client.execute(`globalThis.touched = 0;`);
    attacker = await KernelClient.connect(k.info);
  });
  afterAll(async () => {
    attacker?.close();
    await k?.stop();
  });

  /** A message that would run `touched++` (or shut down) if the kernel accepted it. */
  function forged(i: number): Buffer[] {
    const request =
      i % 7 === 0
        ? attacker.message("shutdown_request", { restart: false })
        : attacker.executeRequest("globalThis.touched++");
    const good = encode(request, createSigner(k.info.key));
    const parts = serialize(request);
    const at = good.findIndex((f) => f.toString() === DELIMITER);
    switch (i % 8) {
      case 0: // unsigned
        return [Buffer.from(DELIMITER), Buffer.alloc(0), ...parts.map((p) => Buffer.from(p))];
      case 1: // signed with another key
        return encode(request, createSigner("another key"));
      case 2: // random signature
        return [
          Buffer.from(DELIMITER),
          Buffer.from(randomBytes(32).toString("hex")),
          ...parts.map((p) => Buffer.from(p)),
        ];
      case 3: // truncated
        return good.slice(0, at + 1 + (i % 5));
      case 4: // no delimiter
        return good.slice(at + 1);
      case 5: // random frames
        return Array.from({ length: 1 + (i % 6) }, () => randomBytes(i % 200));
      case 6: // content changed after signing
        return [...good.slice(0, at + 5), Buffer.from('{"code":"globalThis.touched += 100"}')];
      default: // correctly signed but broken JSON
        return signedParts(['{"msg_id":"x","msg_type":"execute_request"', "{}", "{}", "{}"]);
    }
  }

  function signedParts(parts: string[]): Buffer[] {
    return [
      Buffer.from(DELIMITER),
      Buffer.from(createSigner(k.info.key).sign(parts)),
      ...parts.map((p) => Buffer.from(p)),
    ];
  }

  it("keeps answering and executes nothing unsigned", async () => {
    const channels = ["shell", "control", "stdin"] as const;
    const started = Date.now();
    for (let i = 0; i < COUNT; i++) await attacker.sendFrames(channels[i % 3], forged(i));
    // One oversized message (over the kernel's 64 MiB limit), dropped before parsing.
    await attacker.sendFrames("shell", [
      Buffer.from(DELIMITER),
      Buffer.from("0"),
      Buffer.alloc(65 * 1024 * 1024, 0x7b),
    ]);
    // Correctly signed requests with bad content get error replies, never a crash.
    const odd = await attacker.request(
      "shell",
      "execute_request",
      { code: { not: "a string" } },
      { timeoutMs: 10_000 },
    );
    expect(odd.content.status).toBe("error");

    const info = await k.client.request("control", "kernel_info_request", {}, { timeoutMs: 10_000 });
    expect(info.content.status).toBe("ok");
    expect(await k.client.heartbeat(2000)).toBe(true);
    expect(textOf(await k.client.execute("globalThis.touched", { timeoutMs: 10_000 }))).toBe("0");
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(k.child.exitCode).toBeNull();
    // Dropped messages are logged, but a flood does not flood the log.
    expect(k.stderr()).toContain("dropped message");
    expect(k.stderr().split("\n").length).toBeLessThan(100);
  });
});
