import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { DISPLAY } from "gradlab";

describe("skeleton", () => {
  it("uses the display symbol shared with Deno's kernel", () => {
    expect(DISPLAY).toBe(Symbol.for("Jupyter.display"));
  });
  it("CLI prints usage and rejects unknown commands", () => {
    let status = 0;
    try {
      execFileSync(process.execPath, ["dist/kernel/cli.js", "nope"], { stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
