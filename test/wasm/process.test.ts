import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = "test/wasm/fixtures/run-and-exit.ts";

function run(
  nodeFlags: string[],
  variant: string,
): { status: number | null; report: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", fixture, variant], {
    cwd: root,
    encoding: "utf8",
    timeout: 20_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`fixture failed (${r.status}): ${r.stderr}`);
  return { status: r.status, report: JSON.parse(r.stdout) as Record<string, unknown> };
}

describe("wasm kernels in a fresh process", () => {
  it("a process that used the worker threads exits by itself (workers are unref'd)", () => {
    // spawnSync's timeout kills a process that hangs, and then status is null, not 0.
    const { status, report } = run([], "simd");
    expect(status).toBe(0);
    expect(report).toMatchObject({ fma: false, ready: true });
    for (const r of report.ratios as number[]) expect(r).toBeLessThanOrEqual(1);
  });

  it("enableRelaxedSimd() turns on the FMA build, and it is correct", () => {
    const { report } = run([], "fma");
    expect(report).toMatchObject({ fma: true, ready: true });
    for (const r of report.ratios as number[]) expect(r).toBeLessThanOrEqual(1);
  });
});
