/**
 * complete_request, inspect_request and is_complete_request as the engine answers them: matches with the
 * span they replace, signatures with doc comments, and parser-based completeness verdicts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { createEngine, runCells, tempFolder, writeFiles } from "./helpers.js";
import type { Engine } from "../../kernel/engine/types.js";

describe.each([{ check: true }, { check: false }])("completion (check: $check)", ({ check }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = createEngine({ cwd: process.cwd(), check });
    await runCells(engine, [
      "const point = { alpha: 1, beta: 'b', gamma: [1, 2] }",
      "/** Adds one. @example addOne(1) // 2 */\nfunction addOne(x: number): number { return x + 1 }",
      "import { tensor } from 'gradlab'",
      "const t = tensor([[1, 2], [3, 4]])",
      "let counterValue = 0",
    ]);
  });

  const rows = [
    { code: "Math.", cursor: 5, start: 5, includes: ["max", "min", "PI"] },
    { code: "Math.ma", cursor: 7, start: 5, exactly: ["max"] },
    { code: "point.", cursor: 6, start: 6, exactly: ["alpha", "beta", "gamma"] },
    { code: "point.be", cursor: 8, start: 6, exactly: ["beta"] },
    { code: "t.", cursor: 2, start: 2, includes: ["shape", "toArray"] },
    { code: "t.sha", cursor: 5, start: 2, exactly: ["shape"] },
    { code: "addO", cursor: 4, start: 0, exactly: ["addOne"] },
    { code: "counterV", cursor: 8, start: 0, exactly: ["counterValue"] },
    { code: "cons", cursor: 4, start: 0, includes: ["console", "const"] },
    { code: "x = Math.ab + 1", cursor: 11, start: 9, exactly: ["abs"] },
    { code: "const s = 'text'\ns.toUpp", cursor: 24, start: 19, exactly: ["toUpperCase"] },
    { code: "point.gamma.ma", cursor: 14, start: 12, exactly: ["map"] },
  ];
  it.each(rows)("$code|", async ({ code, cursor, start, includes, exactly }) => {
    const r = await engine.complete(code, cursor);
    expect(r.cursor_start).toBe(start);
    expect(r.cursor_end).toBe(cursor);
    if (exactly) expect(r.matches).toEqual(exactly);
    if (includes) expect(r.matches).toEqual(expect.arrayContaining(includes));
    const types = (r.metadata._jupyter_types_experimental ?? []) as { text: string; type: string }[];
    expect(types.map((t) => t.text)).toEqual(r.matches);
  });

  it("gives each match a kind for JupyterLab", async () => {
    const r = await engine.complete("point.", 6);
    const types = r.metadata._jupyter_types_experimental as {
      text: string;
      type: string;
      start: number;
      end: number;
    }[];
    expect(types.find((t) => t.text === "alpha")).toEqual({
      text: "alpha",
      type: "property",
      start: 6,
      end: 6,
    });
    const m = await engine.complete("Math.ma", 7);
    expect((m.metadata._jupyter_types_experimental as { type: string }[])[0]!.type).toBe("function");
  });

  it("never offers the engine's own names", async () => {
    const r = await engine.complete("__", 2);
    expect(r.matches.filter((m) => m.startsWith("__gradlab"))).toEqual([]);
  });

  it("completes inside code that does not parse", async () => {
    const r = await engine.complete("if (point.al", 12);
    expect(r.matches).toEqual(["alpha"]);
  });
});

describe("completion of imports", () => {
  it.each([{ check: true }, { check: false }])("names and paths (check: $check)", async ({ check }) => {
    const folder = tempFolder("complete-imports");
    try {
      writeFiles(folder, {
        "helpers/util-one.ts": "export const one = 1\n",
        "helpers/other.ts": "export {}\n",
      });
      const engine = createEngine({ cwd: folder, check });
      const named = await engine.complete("import { tens } from 'gradlab'", 13);
      expect(named).toMatchObject({ cursor_start: 9, cursor_end: 13 });
      expect(named.matches).toEqual(expect.arrayContaining(["tensor"]));
      const code = "import { one } from './helpers/util-'";
      const paths = await engine.complete(code, code.length - 1);
      expect(paths.matches).toEqual(["util-one"]);
      expect(code.slice(paths.cursor_start, paths.cursor_end)).toBe("util-");
      const member = await engine.complete("import { o", 10);
      expect(member.cursor_start).toBe(9);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe.each([{ check: true }, { check: false }])("inspect (check: $check)", ({ check }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = createEngine({ cwd: process.cwd(), check });
    await runCells(engine, [
      "/**\n * Scales a number.\n * @param k the factor\n * @example scale(2, 3) // 6\n */\nfunction scale(x: number, k: number): number { return x * k }",
      "const answer = 42",
    ]);
  });

  it("shows a lib signature and its doc comment", async () => {
    const r = await engine.inspect("Math.max", 8, 0);
    expect(r.found).toBe(true);
    expect(r.data["text/plain"]).toContain("max(...values: number[]): number");
    expect(r.data["text/plain"]).toContain("Returns the larger of a set of supplied numeric expressions.");
    expect(r.data["text/markdown"]).toMatch(
      /^```typescript\n.*Math\.max\(\.\.\.values: number\[\]\): number\n```/,
    );
  });

  it("shows an earlier cell's function with its doc and example", async () => {
    const r = await engine.inspect("scale(1, 2)", 3, 0);
    expect(r.found).toBe(true);
    expect(r.data["text/plain"]).toMatch(/^function scale\(x: number, k: number\): number/);
    expect(r.data["text/plain"]).toContain("Scales a number.");
    expect(r.data["text/markdown"]).toContain("**Example**\n\n```typescript\nscale(2, 3) // 6\n```");
  });

  it("shows an earlier cell's variable type", async () => {
    const r = await engine.inspect("answer", 6, 0);
    expect(r.data["text/plain"]).toBe("const answer: 42");
  });

  it("shows the signature of the call the cursor is in", async () => {
    const r = await engine.inspect("scale(1, ", 9, 0);
    expect(r.found).toBe(true);
    expect(r.data["text/plain"]).toMatch(/^scale\(x: number, k: number\): number/);
  });

  it("finds nothing in empty space", async () => {
    expect(await engine.inspect("   ", 1, 0)).toEqual({ found: false, data: {}, metadata: {} });
  });
});

describe("is_complete", () => {
  const engine = createEngine({ cwd: process.cwd(), check: false });
  const rows = [
    { code: "1 + 1", status: "complete" },
    { code: "", status: "complete" },
    { code: "const x = 1;\nx", status: "complete" },
    { code: "function f() {", status: "incomplete", indent: "  " },
    { code: "function f() {\n  if (x) {", status: "incomplete", indent: "    " },
    { code: "foo(1,", status: "incomplete", indent: "  " },
    { code: "const y =", status: "incomplete", indent: "" },
    { code: "const s = `a ${", status: "incomplete", indent: "" },
    { code: "const s = `line one", status: "incomplete", indent: "" },
    { code: "/* still a comment", status: "incomplete", indent: "" },
    { code: "[1, 2,\n 3", status: "incomplete", indent: "  " },
    { code: "const x = )", status: "invalid" },
    { code: "}", status: "invalid" },
    { code: "let 1x = 2", status: "invalid" },
    { code: "const t = `${a}`\nconst u = {", status: "incomplete", indent: "  " },
  ];
  it.each(rows)("$code → $status", async ({ code, status, indent }) => {
    const verdict = await engine.isComplete(code);
    expect(verdict).toEqual(indent === undefined ? { status } : { status, indent });
  });
});
