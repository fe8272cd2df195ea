/**
 * engine.warm(): TypeScript loads and a sample cell is checked in the background (kernel/engine/index.ts).
 * The sample must never become part of the session, and a cell sent during the warm-up must still run.
 */
import { describe, expect, it } from "vitest";
import { createEngine, errorOf, runCells, tempFolder, valueOf } from "./helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("warm-up", () => {
  it("leaves no trace: the sample's names are unknown to cells, as to completion", async () => {
    const engine = createEngine({ cwd: tempFolder("warm"), check: true });
    engine.warm?.();
    await sleep(1500);
    const err = errorOf(await engine.execute(`typeof Square`));
    expect(err.evalue).toMatch(/Cannot find name 'Square'/);
    const completion = await engine.complete("Squ", 3);
    expect(completion.matches).not.toContain("Square");
    expect(valueOf(await runCells(engine, [`class Square { side = 2 }`, `new Square().side`]))).toBe(2);
  });

  it("gives way to a cell that arrives while it runs", async () => {
    const engine = createEngine({ cwd: tempFolder("warm"), check: true });
    engine.warm?.();
    const out = await runCells(engine, [`const a: number = 20;`, `a + 1`]);
    expect(valueOf(out)).toBe(21);
    expect(errorOf(await engine.execute(`const b: string = a;`)).ename).toBe("TSError");
  });
});
