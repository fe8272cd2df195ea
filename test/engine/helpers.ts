/**
 * Shared by the engine tests: run cells and unwrap outcomes, and build throwaway notebook folders.
 */
import { expect } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createEngine } from "../../kernel/engine/index.js";
import type { CellError, CellOutcome, Engine } from "../../kernel/engine/types.js";

export { createEngine };

/** Runs the cells in order; every cell but the last must succeed. Returns the last outcome. */
export async function runCells(engine: Engine, cells: string[]): Promise<CellOutcome> {
  let last: CellOutcome | undefined;
  for (const [i, code] of cells.entries()) {
    last = await engine.execute(code);
    if (i < cells.length - 1 && !last.ok) {
      throw new Error(`cell ${i + 1} failed: ${last.error.ename}: ${last.error.evalue}\n${code}`);
    }
  }
  return last!;
}

/** The value of a cell that must succeed and show a value. */
export function valueOf(outcome: CellOutcome): unknown {
  if (!outcome.ok) throw new Error(`cell failed: ${outcome.error.ename}: ${outcome.error.evalue}`);
  expect(outcome.hasValue).toBe(true);
  return outcome.value;
}

/** The error of a cell that must fail. */
export function errorOf(outcome: CellOutcome): CellError {
  if (outcome.ok) throw new Error(`cell should have failed but gave ${String(outcome.value)}`);
  return outcome.error;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The traceback as the user reads it, without colours. */
export function plainTraceback(error: CellError): string {
  return error.traceback.join("\n").replace(ANSI, "");
}

/** A fresh folder for a notebook, removed by the caller's `afterAll`. */
export function tempFolder(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gradlab-engine-${name}-`));
}

/** Writes files (path → content) under `root`, creating folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
