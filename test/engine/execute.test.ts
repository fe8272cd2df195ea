/**
 * Cells as a user runs them: declarations persist and can be redeclared, types flow from one cell to the
 * next, top-level await, and which cells show a value. Each row is a fresh session; rows run with type
 * checking on and off (unless marked), since both must behave the same at run time.
 */
import { describe, expect, it } from "vitest";
import { createEngine, errorOf, runCells, valueOf } from "./helpers.js";

interface Row {
  name: string;
  cells: string[];
  value: unknown;
  /** Only meaningful with type checking (the row proves something about types). */
  checkedOnly?: boolean;
}

const redeclaration: Row[] = [
  { name: "const", cells: ["const x = 1", "const x = 'two'", "x"], value: "two" },
  { name: "let with a new type", cells: ["let x = 1", "let x = [1, 2]", "x.length"], value: 2 },
  { name: "var", cells: ["var v = 1", "var v = 'x'", "v"], value: "x" },
  { name: "function", cells: ["function f() { return 1 }", "function f() { return 2 }", "f()"], value: 2 },
  {
    name: "function, seen by an earlier closure",
    cells: ["function g() { return 1 }", "const callG = () => g()", "function g() { return 2 }", "callG()"],
    value: 2,
  },
  { name: "class", cells: ["class A { v = 1 }", "class A { w = 2 }", "new A().w"], value: 2 },
  { name: "enum", cells: ["enum Color { Red, Green }", "enum Color { Blue = 5 }", "Color.Blue"], value: 5 },
  {
    name: "interface (replaced, not merged)",
    cells: ["interface P { a: number }", "interface P { b: string }", "const p: P = { b: 'x' }; p.b"],
    value: "x",
  },
  { name: "type alias", cells: ["type T = number", "type T = string", "const t: T = 'ok'; t"], value: "ok" },
  {
    name: "namespace",
    cells: ["namespace N { export const a = 1 }", "namespace N { export const b = 2 }", "N.b"],
    value: 2,
  },
  {
    name: "destructuring",
    cells: ["const { a, b: [c, d = 4], ...rest } = { a: 1, b: [3], e: 5 }", "a + c + d + rest.e"],
    value: 13,
  },
  { name: "const then let, then assigned", cells: ["const k = 1", "let k = 2", "k = 3", "k"], value: 3 },
  {
    name: "import binding",
    cells: ["import * as path from 'node:path'", "path.basename('/a/b.txt')"],
    value: "b.txt",
  },
  {
    name: "default and named imports",
    cells: ["import nodePath, { join } from 'node:path'", "join('a', nodePath.basename('/x/y'))"],
    value: "a/y",
  },
];

const acrossCells: Row[] = [
  { name: "let assigned in a later cell", cells: ["let n = 1", "n = n + 10", "n"], value: 11 },
  {
    name: "closure over a let updated later",
    cells: ["let count = 0", "function inc() { return ++count }", "inc(); inc(); count"],
    value: 2,
  },
  {
    name: "array type",
    cells: ["const nums = [1, 2, 3]", "nums.map((n) => n * 2).join(',')"],
    value: "2,4,6",
  },
  {
    name: "generic class",
    cells: [
      "class Box<T> { constructor(readonly item: T) {} map<U>(f: (t: T) => U) { return new Box(f(this.item)) } }",
      "const b = new Box(20).map((n) => n + 1)",
      "b.item.toFixed(1)",
    ],
    value: "21.0",
  },
  {
    name: "type only declared in an earlier cell",
    cells: ["type Pair = [string, number]", "const pair: Pair = ['a', 1]", "pair[0] + pair[1]"],
    value: "a1",
  },
  {
    name: "value that failed halfway keeps what it defined",
    cells: ["const early = 5; throw new Error('boom'); const late = 1", "early"],
    value: 5,
    checkedOnly: false,
  },
];

const awaiting: Row[] = [
  { name: "awaited value persists", cells: ["const r = await Promise.resolve(21)", "r * 2"], value: 42 },
  {
    name: "await a timer",
    cells: ["await new Promise((resolve) => setTimeout(() => resolve('late'), 5))"],
    value: "late",
  },
  {
    name: "for await",
    cells: [
      "async function* gen() { yield 1; yield 2 }",
      "let total = 0\nfor await (const v of gen()) total += v\ntotal",
    ],
    value: 3,
  },
  {
    name: "dynamic import",
    cells: ["const os = await import('node:os')", "typeof os.platform()"],
    value: "string",
  },
];

const values: { name: string; code: string; hasValue: boolean; value?: unknown }[] = [
  { name: "expression", code: "1 + 1", hasValue: true, value: 2 },
  { name: "trailing semicolon", code: "1 + 1;", hasValue: false },
  { name: "semicolon after a comment", code: "1 + 1 /* c */ ;", hasValue: false },
  { name: "comment after the value", code: "5 // five", hasValue: true, value: 5 },
  { name: "declaration", code: "const z = 5", hasValue: false },
  { name: "function declaration", code: "function h() {}", hasValue: false },
  { name: "statement", code: "if (true) { 1 }", hasValue: false },
  { name: "value after declarations", code: "let w = 1\nw + 1", hasValue: true, value: 2 },
  { name: "undefined is still a value", code: "undefined", hasValue: true, value: undefined },
  { name: "empty cell", code: "", hasValue: false },
  { name: "only a comment", code: "// nothing", hasValue: false },
];

describe.each([
  { mode: "checked", check: true },
  { mode: "unchecked", check: false },
])("cells ($mode)", ({ check }) => {
  const rows = (list: Row[]) => list.filter((r) => check || !r.checkedOnly);

  it.each(rows(redeclaration))("redeclares: $name", async ({ cells, value }) => {
    const engine = createEngine({ cwd: process.cwd(), check });
    expect(valueOf(await runCells(engine, cells))).toEqual(value);
  });

  it.each(rows(acrossCells))("across cells: $name", async ({ cells, value }) => {
    const engine = createEngine({ cwd: process.cwd(), check });
    for (const code of cells.slice(0, -1)) await engine.execute(code);
    expect(valueOf(await engine.execute(cells.at(-1)!))).toEqual(value);
  });

  it.each(rows(awaiting))("top-level await: $name", async ({ cells, value }) => {
    const engine = createEngine({ cwd: process.cwd(), check });
    expect(valueOf(await runCells(engine, cells))).toEqual(value);
  });

  it.each(values)("value shown: $name", async ({ code, hasValue, value }) => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const outcome = await engine.execute(code);
    expect(outcome).toEqual(hasValue ? { ok: true, hasValue, value } : { ok: true, hasValue });
  });

  it("shows a promise as a value instead of awaiting it", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    expect(valueOf(await engine.execute("Promise.resolve(3)"))).toBeInstanceOf(Promise);
  });

  it("gives __dirname, __filename and import.meta for the notebook's folder", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const code =
      "[__dirname, __filename.startsWith(__dirname), import.meta.dirname, import.meta.url.startsWith('file:')]";
    expect(valueOf(await engine.execute(code))).toEqual([process.cwd(), true, process.cwd(), true]);
  });

  it("calls a cell's function with `this` undefined, as written", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    const cells = ["function self(this: unknown) { return this }", "self()"];
    expect(valueOf(await runCells(engine, cells))).toBeUndefined();
  });

  it("stops waiting for a pending top-level await when the signal aborts, and keeps the session", async () => {
    const engine = createEngine({ cwd: process.cwd(), check });
    await engine.execute("let kept = 7");
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    const error = errorOf(await engine.execute("await new Promise(() => {})", { signal: abort.signal }));
    expect(error.ename).toBe("KeyboardInterrupt");
    expect(valueOf(await engine.execute("kept"))).toBe(7);
  });
});

describe("types across cells (checked)", () => {
  const typeErrors = [
    {
      name: "wrong argument type",
      cells: ["function twice(s: string) { return s + s }", "twice(3)"],
      code: 2345,
    },
    { name: "unknown member", cells: ["const o = { alpha: 1 }", "o.beta"], code: 2339 },
    { name: "assignment to an earlier const", cells: ["const fixed = 1", "fixed = 2"], code: 2588 },
    {
      name: "the redeclared type is the one checked",
      cells: ["let s = 'text'", "let s = 5", "s.toUpperCase()"],
      code: 2339,
    },
    { name: "unknown name", cells: ["qqNeverDeclared + 1"], code: 2304 },
    {
      name: "old interface is gone",
      cells: ["interface Q { a: number }", "interface Q { b: 1 }", "const q: Q = { a: 1 }"],
      code: 2353,
    },
  ];

  it.each(typeErrors)("rejects: $name", async ({ cells, code }) => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    const error = errorOf(await runCells(engine, cells));
    expect(error.ename).toBe("TSError");
    expect(error.evalue).toMatch(new RegExp(`^TS${code}: `));
  });

  it("does not run a cell with a type error, and the session continues", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    await engine.execute("let ran = 0");
    errorOf(await engine.execute("ran = 1; const bad: number = 'x'"));
    expect(valueOf(await engine.execute("ran"))).toBe(0);
  });

  it("turns checking off for one cell with //% nocheck, and types still flow from it", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    expect(valueOf(await engine.execute("//% nocheck\nconst loose: number = 'yes' as any; loose"))).toBe(
      "yes",
    );
    // the unchecked cell's declared type reaches the next cell
    const error = errorOf(await engine.execute("loose.length"));
    expect(error.evalue).toMatch(/^TS2339: /);
  });

  it("runs ill-typed code when the session has checking off", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: false });
    expect(valueOf(await engine.execute("const n: number = 'str' as unknown as number; typeof n"))).toBe(
      "string",
    );
  });

  it("runs ill-typed code when the session passes noCheck", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    expect(valueOf(await engine.execute("const m: number = 'str'; m", { noCheck: true }))).toBe("str");
  });

  it("allows an untyped JavaScript module as `any`", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    // a JavaScript file without .d.ts next to the notebook (here: the repo's eslint config)
    const outcome = await engine.execute("import config from './eslint.config.js'; Array.isArray(config)");
    expect(valueOf(outcome)).toBe(true);
  });

  it("types the cell globals (display, clearOutput, input, comms)", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    const ok = await engine.execute(
      "type D = typeof display; type C = typeof comms.open; const f: D | undefined = undefined",
    );
    expect(ok.ok).toBe(true);
    const error = errorOf(await engine.execute("display(1, { idd: 'x' })"));
    expect(error.evalue).toMatch(/^TS2353: /);
  });
});
