/**
 * Earlier cells' declarations as the checker sees them (kernel/engine/environment.ts): each row's last
 * cell must fail with the expected type error, which proves the earlier names arrived with their real
 * types (had the environment broken, they would silently be `any`). The generated part of every cell (its
 * suffix) must itself check without a single diagnostic.
 */
import { describe, expect, it } from "vitest";
import { createEngine, errorOf, runCells, valueOf } from "./helpers.js";
import { loadTypeScript } from "../../kernel/engine/typescript.js";
import { createChecker } from "../../kernel/engine/checker.js";
import { cellDeclarations } from "../../kernel/engine/declarations.js";

/** Cells with big declarations (about 500 characters each), to fill several environment segments. */
const filler = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const fields = Array.from({ length: 12 }, (_, j) => `field${j}OfFiller: ${j}`).join(", ");
    return `const filler${k} = { value${k}: ${k}, label: "f${k}", ${fields} }`;
  });

const rows = [
  {
    name: "imported class and function",
    cells: ["import { tensor, Tensor } from 'gradlab'", "const t: Tensor = tensor([1])", "t.noSuch"],
    ts: 2339,
  },
  { name: "namespace import", cells: ["import * as path from 'node:path'", "path.join(1)"], ts: 2345 },
  { name: "default import", cells: ["import nodePath from 'node:path'", "nodePath.join(1)"], ts: 2345 },
  {
    name: "inferred package type",
    cells: ["import { tensor } from 'gradlab'", "const t = tensor([1])", "const u = t", "u.noSuch"],
    ts: 2339,
  },
  {
    name: "class extending an earlier class",
    cells: ["class A { a = 1 }", "class B extends A { b = 2 }", "new B().c"],
    ts: 2339,
  },
  {
    name: "generic function",
    cells: ["function id<T>(x: T): T { return x }", "const n: string = id(5)"],
    ts: 2322,
  },
  { name: "enum", cells: ["enum E { A, B }", "const e: E = 'x'"], ts: 2322 },
  {
    name: "interface using an earlier interface",
    cells: ["interface P { a: number }", "interface Q { p: P }", "const q: Q = { p: { a: 'x' } }"],
    ts: 2322,
  },
  { name: "method call before the variable's alias", cells: ["let s = 'a'", "s.toFixed()"], ts: 2551 },
  { name: "namespace", cells: ["namespace N { export const v = 1 }", "N.w"], ts: 2339 },
  { name: "union type alias", cells: ["type U = 'a' | 'b'", "const u: U = 'c'"], ts: 2322 },
  {
    name: "unique symbol key",
    cells: ["const k = Symbol('k')", "const o = { [k]: 1 }", "o[k].toUpperCase()"],
    ts: 2339,
  },
  { name: "destructured const", cells: ["const { a, b } = { a: 1, b: 'x' }", "b.toFixed()"], ts: 2551 },
  {
    name: "function returning an earlier class",
    cells: ["class A { v = 1 }", "function mk() { return new A() }", "mk().w"],
    ts: 2339,
  },
  {
    name: "overloads",
    cells: [
      "function o(a: string): string\nfunction o(a: number): number\nfunction o(a: any) { return a }",
      "const r: string = o(1)",
    ],
    ts: 2322,
  },
  { name: "names from many segments ago", cells: [...filler(30), "filler0.value0.toUpperCase()"], ts: 2339 },
  {
    name: "a type from an earlier segment inside a later chunk",
    cells: [
      "interface Base { x: number }",
      ...filler(60),
      "const b: Base = { x: 1 }",
      ...filler(60, 60),
      "b.y",
    ],
    ts: 2339,
  },
];

describe("the environment of earlier declarations", () => {
  it.each(rows)("keeps real types: $name", async ({ cells, ts }) => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    const error = errorOf(await runCells(engine, cells));
    expect(error.evalue).toMatch(new RegExp(`^TS${ts}: `));
  });

  it("keeps values and types across many segments", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    await runCells(engine, filler(30));
    expect(valueOf(await engine.execute("filler3.value3 + filler28.value28"))).toBe(31);
  });

  it("generates suffixes that check without diagnostics", async () => {
    const ts = await loadTypeScript();
    const checker = createChecker(ts, { cwd: process.cwd(), packageRoot: process.cwd() });
    const cells = rows.flatMap((r) => r.cells.slice(0, -1)).concat(rows.map((r) => r.cells.at(-1)!));
    const problems: string[] = [];
    for (const code of cells) {
      const decls = cellDeclarations(ts, ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true));
      const program = checker.setCell(code, decls);
      const file = program.getSourceFile(checker.cellFile)!;
      for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
        if ((d.start ?? 0) >= code.length)
          problems.push(`${code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
      }
      if (decls.names.size && checker.diagnostics(program, code.length).length === 0) {
        checker.addChunk(checker.emit(program, undefined, "dts").dts, decls.names);
      }
    }
    expect(problems).toEqual([]);
  });
});
