/**
 * How a failing cell reads: syntax and type errors with a code frame (line, caret under the span,
 * message), runtime errors mapped to the cell's TypeScript line and column without the kernel's frames,
 * odd thrown values, huge cells, interrupts. After every failure the session goes on.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createEngine, errorOf, plainTraceback, valueOf } from "./helpers.js";
import type { CellError } from "../../kernel/engine/types.js";

/** The caret line under `> N | code`: 0-based column of the first caret and how many carets. */
function caret(error: CellError, line: number): { column: number; width: number; code: string } {
  const lines = plainTraceback(error).split("\n");
  const at = lines.findIndex((l) => new RegExp(`^> +${line} \\| `).test(l));
  expect(at, `no code frame for line ${line} in:\n${plainTraceback(error)}`).toBeGreaterThanOrEqual(0);
  const codeLine = lines[at]!;
  const caretLine = lines[at + 1]!;
  const start = codeLine.indexOf("| ") + 2;
  const first = caretLine.indexOf("^");
  return {
    column: first - start,
    width: caretLine.slice(first).match(/^\^+/)![0].length,
    code: codeLine.slice(start),
  };
}

describe.each([{ check: true }, { check: false }])("syntax errors (check: $check)", ({ check }) => {
  const rows = [
    { code: "const y = ;", line: 1, column: 10, message: "Expression expected." },
    {
      code: "let a = 1\nlet b = 2\nconst = 3",
      line: 3,
      column: 6,
      message: "Variable declaration expected.",
    },
    // at the end of the code (TypeScript puts it on the last token or just after it)
    { code: "function f() {\n  return 1", line: 2, column: undefined, message: "'}' expected." },
  ];
  it.each(rows)("$message at line $line", async ({ code, line, column, message }) => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const error = errorOf(await engine.execute(code));
    expect(error.ename).toBe("SyntaxError");
    expect(error.evalue).toContain(message);
    const at = caret(error, line).column;
    if (column !== undefined) expect(at).toBe(column);
    expect(plainTraceback(error)).toContain(`line ${line}, column ${at + 1}`);
    expect(valueOf(await engine.execute("1 + 1"))).toBe(2);
  });
});

describe("type errors", () => {
  it("show each diagnostic with a code frame and a caret under its span", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    const code = "const ok = 1\nconst n: number = 'x'\nMath.maxx(ok)";
    const error = errorOf(await engine.execute(code, { executionCount: 4 }));
    expect(error.ename).toBe("TSError");
    expect(error.evalue).toBe("TS2322: Type 'string' is not assignable to type 'number'. (and 1 more)");
    const text = plainTraceback(error);
    expect(text).toContain(
      "TS2322 In[4] line 2, column 7: Type 'string' is not assignable to type 'number'.",
    );
    expect(text).toMatch(/TS2551 In\[4\] line 3, column 6: Property 'maxx' does not exist on type 'Math'/);
    expect(caret(error, 2)).toEqual({ column: 6, width: 1, code: "const n: number = 'x'" });
    expect(caret(error, 3)).toEqual({ column: 5, width: 4, code: "Math.maxx(ok)" });
  });

  it("name an unknown module", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    const error = errorOf(await engine.execute("import { x } from 'no-such-package-gradlab'"));
    expect(error.evalue).toMatch(/^TS2307: Cannot find module 'no-such-package-gradlab'/);
  });
});

describe.each([{ check: true }, { check: false }])("runtime errors (check: $check)", ({ check }) => {
  it("point at the cell's TypeScript line and column, without kernel frames", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    await engine.execute(
      "interface Point { x: number }\nfunction broken(p: Point): number {\n  const q: any = p\n  return q.missing.deeper\n}",
      { executionCount: 1 },
    );
    const error = errorOf(
      await engine.execute("const pts: Point[] = [{ x: 1 }]\nbroken(pts[0]!)", { executionCount: 2 }),
    );
    expect(error.ename).toBe("TypeError");
    expect(error.evalue).toBe("Cannot read properties of undefined (reading 'deeper')");
    const text = plainTraceback(error);
    // innermost frame in cell 1 at the TypeScript position of `.deeper`, then the call in cell 2
    expect(text).toMatch(/at broken \(In\[1\]:4:20\)/);
    expect(text).toMatch(/In\[2\]:2:\d+/);
    expect(text).not.toMatch(/kernel[/\\]engine|node:internal|__gradlab/);
    expect(caret(error, 4).code).toBe("  return q.missing.deeper");
    expect(valueOf(await engine.execute("'still alive'"))).toBe("still alive");
  });

  it("read like the user's code when a scope name is not a function", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    await engine.execute("let maybe: any = 3");
    const error = errorOf(await engine.execute("maybe()"));
    expect(error.evalue).toBe("maybe is not a function");
  });

  it("names a missing module and the notebook folder", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: false });
    const error = errorOf(await engine.execute("import { x } from 'no-such-package-gradlab'"));
    expect(error.evalue).toContain("Cannot find module 'no-such-package-gradlab' from " + process.cwd());
    expect(plainTraceback(error)).not.toMatch(/kernel[/\\]engine/);
  });

  const thrown = [
    { code: "throw 42", evalue: "42" },
    { code: "throw 'text'", evalue: "'text'" },
    { code: "throw undefined", evalue: "undefined" },
    { code: "throw null", evalue: "null" },
    { code: "throw { a: 1 }", evalue: "{ a: 1 }" },
    { code: "throw Symbol('s')", evalue: "Symbol(s)" },
  ];
  it.each(thrown)("shows a thrown non-Error: $code", async ({ code, evalue }) => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const error = errorOf(await engine.execute(code));
    expect(error).toMatchObject({ ename: "Uncaught", evalue });
    expect(valueOf(await engine.execute("1"))).toBe(1);
  });

  it("survives a thrown object whose properties throw", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const code = "throw { get name(): string { throw 1 }, get message(): string { throw 2 }, stack: 5 }";
    const error = errorOf(await engine.execute(code));
    expect(error.ename).toBe("Error");
    expect(valueOf(await engine.execute("2"))).toBe(2);
  });

  it("keeps a custom error class's name", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const code = "class ShapeError extends Error { name = 'ShapeError' }\nthrow new ShapeError('2x3 vs 4x5')";
    expect(errorOf(await engine.execute(code))).toMatchObject({ ename: "ShapeError", evalue: "2x3 vs 4x5" });
  });
});

describe("big cells", () => {
  const lines = Array.from({ length: 10_000 }, (_, i) => `const v${i}: number = ${i}`);

  it.each([{ check: true }, { check: false }])(
    "runs a 10,000-line cell (check: $check)",
    async ({ check }) => {
      const engine = createEngine({ cwd: process.cwd(), check });
      expect(valueOf(await engine.execute([...lines, "v9999 + v1"].join("\n")))).toBe(10_000);
      expect(valueOf(await engine.execute("v5000"))).toBe(5000);
    },
  );

  it("reports an error on line 9,000 of a 10,000-line cell", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    const bad = [...lines];
    bad[8999] = "const v8999: string = 8999";
    const error = errorOf(await engine.execute(bad.join("\n")));
    expect(caret(error, 9000).code).toBe("const v8999: string = 8999");
  });
});

describe("interrupt", () => {
  it("stops a busy loop on SIGINT and keeps the session", () => {
    // In a child process: SIGINT is process-wide, and a failure here must not take the test runner down.
    const script = `
      import { Worker } from "node:worker_threads";
      const { createEngine } = await import(process.argv[1]);
      const engine = createEngine({ cwd: process.cwd(), check: false });
      await engine.execute("let spins = 0");
      new Worker("setTimeout(() => process.kill(process.pid, 'SIGINT'), 300)", { eval: true });
      const stopped = await engine.execute("while (true) { spins++ }");
      const after = await engine.execute("spins > 0");
      console.log(JSON.stringify({ stopped, after }));
    `;
    const r = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", script, `${process.cwd()}/dist/kernel/engine/index.js`],
      {
        encoding: "utf8",
        timeout: 20_000,
      },
    );
    expect(r.stderr).toBe("");
    const { stopped, after } = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(stopped.error.ename).toBe("KeyboardInterrupt");
    expect(after).toEqual({ ok: true, hasValue: true, value: true });
  });
});
