/**
 * The kept checker (kernel/engine/kept-checker.ts) must be invisible: for every cell it takes, the same
 * diagnostics, JavaScript and declarations as a new program gives. It takes every cell that imports no
 * new module, follows the environment as cells declare names, and lets go when a file next to the
 * notebook changes.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type * as TS from "typescript";
import { loadTypeScript } from "../../kernel/engine/typescript.js";
import { createChecker, type Checker } from "../../kernel/engine/checker.js";
import { cellDeclarations } from "../../kernel/engine/declarations.js";
import { keptCheckerSupported } from "../../kernel/engine/kept-checker.js";
import { SEGMENT_CHARS } from "../../kernel/engine/environment.js";
import { createEngine, errorOf, runCells, tempFolder, valueOf, writeFiles } from "./helpers.js";

const ts = await loadTypeScript();
const declarationsOf = (code: string) =>
  cellDeclarations(ts, ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true));

/** Earlier cells: the names the probes use. */
const EARLIER = [
  "const a = 1",
  "interface P { x: number }",
  "const enum E { A = 3, B }",
  "class K { constructor(public n: number) {} twice() { return this.n * 2; } }",
  "function first<T>(xs: readonly T[]): T | undefined { return xs[0]; }",
];

/** Cells, each with what must take it. */
const PROBES: { code: string; via: "kept" | "program" }[] = [
  { code: "a + 1", via: "kept" },
  { code: "({ x: 1 }) satisfies P", via: "kept" },
  { code: "({ x: 'one' }) satisfies P", via: "kept" }, // TS1360
  { code: "E.A + E.B", via: "kept" }, // const enum values inlined
  { code: "new K(a).twice()", via: "kept" },
  { code: "first<number>(['s'])", via: "kept" }, // TS2322
  { code: "a.noSuch", via: "kept" }, // TS2339
  { code: "noSuchName + 1", via: "kept" }, // TS2304
  { code: "await Promise.resolve(a)", via: "kept" },
  { code: "for (const i of [1, 2]) console.log(i, a)", via: "kept" },
  { code: "a +", via: "kept" }, // syntax error
  { code: "`${a} and ${new K(2)}`", via: "kept" },
  { code: "const b = a + 1", via: "kept" },
  { code: "class L extends K { more(): number { return this.twice() + 1; } }", via: "kept" },
  { code: "function g(p: P) { return { ...p, y: String(p.x) }; }", via: "kept" },
  { code: "type Pair<T> = [T, T]; let pair: Pair<K> = [new K(1), new K(2)]", via: "kept" },
  { code: "enum Color { Red, Green }\nconst c = Color.Green", via: "kept" },
  { code: "const bad: P = { x: 's' }", via: "kept" }, // TS2322
  { code: "let later = await Promise.resolve([E.A] as const)", via: "kept" },
  { code: "// @ts-ignore\na.noSuch", via: "program" },
  { code: "// @ts-expect-error\na + 1", via: "program" }, // TS2578: unused directive
  { code: "await import('node:path')", via: "program" },
  { code: '/// <reference types="node" />\na', via: "program" },
  { code: "import { tensor } from 'gradlab'\nconst t = tensor([a])", via: "program" },
  { code: "declare global { var shared: number }", via: "program" },
];

interface Observed {
  via: string;
  syntax: string[];
  errors: string[];
  js: string;
  dts: string;
}

const describeDiagnostic = (d: TS.Diagnostic) =>
  `TS${d.code} @${d.start}+${d.length}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;

function throughCell(checker: Checker, code: string): Observed {
  const decls = declarationsOf(code);
  const cell = checker.cell(code, decls);
  const syntax = cell.syntaxDiagnostics().map(describeDiagnostic);
  const errors = syntax.length ? [] : cell.diagnostics().map(describeDiagnostic);
  const out =
    syntax.length || errors.length
      ? { js: "", dts: "" }
      : cell.emit(undefined, decls.names.size ? "both" : "js");
  return { via: cell.via, syntax, errors, js: out.js, dts: out.dts };
}

function throughProgram(checker: Checker, code: string): Observed {
  const decls = declarationsOf(code);
  const program = checker.setCell(code, decls);
  const syntax = checker.syntaxDiagnostics(program, code.length).map(describeDiagnostic);
  const errors = syntax.length ? [] : checker.diagnostics(program, code.length).map(describeDiagnostic);
  const out =
    syntax.length || errors.length
      ? { js: "", dts: "" }
      : checker.emit(program, undefined, decls.names.size ? "both" : "js");
  return { via: "program", syntax, errors, js: out.js, dts: out.dts };
}

/** What both paths must agree on (two checkers differ only in the id in their file names). */
const sameOutput = (o: Observed) =>
  JSON.parse(
    JSON.stringify({ ...o, via: undefined }).replace(/__gradlab_[0-9a-f]{6}_/g, "__gradlab_ID_"),
  ) as Observed;

function withEarlierCells(cwd: string): Checker {
  const checker = createChecker(ts, { cwd, packageRoot: process.cwd() });
  for (const code of EARLIER) {
    const decls = declarationsOf(code);
    const program = checker.setCell(code, decls);
    expect(checker.diagnostics(program, code.length).map(describeDiagnostic)).toEqual([]);
    checker.addChunk(checker.emit(program, undefined, "dts").dts, decls.names);
  }
  return checker;
}

const folders: string[] = [];
afterAll(() => folders.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));

describe("kept checker", () => {
  it("is available in this TypeScript", () => {
    expect(keptCheckerSupported(ts)).toBe(true);
  });

  it("gives each cell the diagnostics, JavaScript and declarations a new program gives", () => {
    const checker = withEarlierCells(process.cwd());
    throughCell(checker, "a"); // the first cell after a change makes the program the kept checker starts from
    let failing = 0;
    for (const probe of PROBES) {
      const kept = throughCell(checker, probe.code);
      const fresh = throughProgram(checker, probe.code);
      expect({ code: probe.code, via: kept.via }).toEqual({ code: probe.code, via: probe.via });
      expect({ code: probe.code, ...sameOutput(kept) }).toEqual({ code: probe.code, ...sameOutput(fresh) });
      if (kept.errors.length || kept.syntax.length) failing++;
    }
    // the table has cells with errors, cells without, and cells with declarations: all were compared
    expect(failing).toBeGreaterThanOrEqual(6);
    expect(PROBES.length - failing).toBeGreaterThanOrEqual(12);
  });

  it("inlines a const enum's value as a program does", () => {
    const checker = withEarlierCells(process.cwd());
    throughCell(checker, "a");
    const kept = throughCell(checker, "E.B * 10");
    expect(kept.via).toBe("kept");
    expect(kept.js).toMatch(/\b4 \/\* E\.B \*\/ \* 10/);
  });

  it("follows a session's declarations as a program does, across segments", () => {
    // two checkers fed the same cells: one takes the kept path where it can, one always makes a program
    const quick = withEarlierCells(process.cwd());
    const slow = withEarlierCells(process.cwd());
    const cells = Array.from({ length: 36 }, (_, i) => [
      `const v${i} = { n: ${i}, label: "value number ${i} of a long session", extra: { first: [${i}, ${i + 1}], second: "a string to fill the environment" }, twice: new K(${i}) }`,
      `v${i}.twice.twice() + (${i > 0 ? `v${i - 1}.n` : "a"})`,
      `v${i}.label.noSuch`,
    ]).flat();
    const via = { kept: 0, program: 0 };
    let declared = 0;
    for (const code of cells) {
      const kept = throughCell(quick, code);
      const fresh = throughProgram(slow, code);
      via[kept.via as keyof typeof via]++;
      expect({ code, ...sameOutput(kept) }).toEqual({ code, ...sameOutput(fresh) });
      const names = declarationsOf(code).names;
      if (kept.dts) {
        declared += kept.dts.length;
        quick.addChunk(kept.dts, names);
        slow.addChunk(fresh.dts, names);
      }
    }
    // enough declarations for three segments, and each new one was taken without a new program
    expect(declared).toBeGreaterThan(2 * SEGMENT_CHARS);
    expect(via).toEqual({ kept: cells.length, program: 0 });
    expect(quick.stats().fallbacks).toBe(0);
  });

  it("falls back to a program when the kept checker fails (TypeScript internals changed)", () => {
    let failures = 0;
    const broken = new Proxy(ts, {
      get: (target, key) =>
        key === "emitFiles"
          ? () => {
              failures++;
              throw new Error("emitFiles changed");
            }
          : Reflect.get(target, key),
    });
    const checker = createChecker(broken, { cwd: process.cwd(), packageRoot: process.cwd() });
    const first = throughCell(checker, "const a = 1");
    checker.addChunk(first.dts, declarationsOf("const a = 1").names);
    for (const code of ["a + 1", "a * 2"]) {
      const cell = throughCell(checker, code);
      expect(cell.via).toBe("program");
      expect(cell.errors).toEqual([]);
      expect(cell.js).toContain(code);
    }
    expect(failures).toBe(2);
  });

  it("keeps declaring cells whose types come from packages (declarations name their modules)", () => {
    const quick = withEarlierCells(process.cwd());
    const slow = withEarlierCells(process.cwd());
    const cells = [
      "import { tensor } from 'gradlab'",
      "import * as fs from 'node:fs'",
      "const t = tensor([1, 2])",
      "const t2 = tensor([[1, 2]])",
      "const st = fs.statSync('.')",
      "const both = [t, t2] as const",
      "t2.noSuch",
      "const size = st.size + t.shape[0]",
    ];
    const via: string[] = [];
    for (const code of cells) {
      const kept = throughCell(quick, code);
      const fresh = throughProgram(slow, code);
      via.push(kept.via);
      expect({ code, ...sameOutput(kept) }).toEqual({ code, ...sameOutput(fresh) });
      const names = declarationsOf(code).names;
      if (kept.dts) {
        quick.addChunk(kept.dts, names);
        slow.addChunk(fresh.dts, names);
      }
    }
    // the imports and the cell right after them (its program's cell imported) take a program
    expect(via).toEqual(["program", "program", "program", "kept", "kept", "kept", "kept", "kept"]);
    expect(quick.stats().fallbacks).toBe(0);
  });

  it("lets go for a cell that imports, and takes the next cell again", () => {
    const checker = withEarlierCells(process.cwd());
    throughCell(checker, "a");
    expect(throughCell(checker, "a + 2").via).toBe("kept");
    const code = "import * as nodePath from 'node:path'";
    const imported = throughCell(checker, code);
    expect(imported.via).toBe("program");
    checker.addChunk(imported.dts, declarationsOf(code).names);
    expect(throughCell(checker, "nodePath.join('a', 'b')").via).toBe("program"); // its basis imported
    const after = throughCell(checker, "nodePath.join(1)");
    expect(after.via).toBe("kept");
    expect(after.errors.join()).toMatch(/^TS2345/);
  });
});

describe("the lecture notebooks through both checkers", () => {
  const lectures = fs
    .readdirSync("notebooks")
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => {
      const nb = JSON.parse(fs.readFileSync(`notebooks/${f}`, "utf8")) as {
        cells: { cell_type: string; source: string | string[] }[];
      };
      const code = nb.cells
        .filter((c) => c.cell_type === "code")
        .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
      return [f, code] as const;
    });

  it("finds the lectures", () => expect(lectures.length).toBeGreaterThanOrEqual(6));

  it.each(lectures)("%s: every cell gets what a new program gives", (_name, cells) => {
    const quick = createChecker(ts, { cwd: process.cwd(), packageRoot: process.cwd() });
    const slow = createChecker(ts, { cwd: process.cwd(), packageRoot: process.cwd() });
    let kept = 0;
    for (const code of cells) {
      const a = throughCell(quick, code);
      const b = throughProgram(slow, code);
      if (a.via === "kept") kept++;
      expect({ code, ...sameOutput(a) }).toEqual({ code, ...sameOutput(b) });
      expect(a.errors).toEqual([]);
      const names = declarationsOf(code).names;
      if (a.dts) {
        quick.addChunk(a.dts, names);
        slow.addChunk(b.dts, names);
      }
    }
    expect(quick.stats().fallbacks).toBe(0);
    expect(kept).toBeGreaterThanOrEqual(cells.length / 2);
  });
});

describe("the engine with the kept checker", () => {
  it("never sees globals that only an earlier cell's import brought (as a new program does not)", async () => {
    const dir = tempFolder("kept-globals");
    folders.push(dir);
    writeFiles(dir, {
      "setup.ts": "declare global { var G: number }\n(globalThis as any).G = 41;\nexport {};\n",
    });
    const engine = createEngine({ cwd: dir, check: true });
    await runCells(engine, ["import './setup'"]);
    const verdicts: string[] = [];
    for (const code of [
      "G + 1",
      "const q = 1",
      "G + q",
      "import * as p from 'node:path'\nconst sep = p.sep",
      "G + 1",
    ]) {
      const out = await engine.execute(code);
      verdicts.push(out.ok ? "ok" : (/TS\d+/.exec(out.error.evalue)?.[0] ?? out.error.ename));
    }
    expect(verdicts).toEqual(["TS2304", "ok", "TS2304", "ok", "TS2304"]);
  });

  it("sees a changed file next to the notebook", async () => {
    const dir = tempFolder("kept");
    folders.push(dir);
    writeFiles(dir, { "helper.ts": "export function h(): number { return 1; }\n" });
    const engine = createEngine({ cwd: dir, check: true });
    await runCells(engine, ["import { h } from './helper'", "h() + 1", "h() * 2"]);
    expect(valueOf(await engine.execute("h() + 3"))).toBe(4);
    // a newer mtime, another return type: a cell checked against the old file would pass `.toUpperCase()`
    const later = new Date(Date.now() + 5_000);
    writeFiles(dir, { "helper.ts": "export function h(): string { return 'one'; }\n" });
    fs.utimesSync(`${dir}/helper.ts`, later, later);
    expect(errorOf(await engine.execute("h() - 1")).evalue).toMatch(/TS2362/);
  });

  it("runs many undeclaring cells between declaring ones, every value right", async () => {
    const engine = createEngine({ cwd: process.cwd(), check: true });
    for (let i = 0; i < 40; i++) {
      if (i % 10 === 0) await runCells(engine, [`const step${i} = ${i}`]);
      const step = `step${i - (i % 10)}`;
      expect(valueOf(await engine.execute(`${i} + ${step} - ${step}`))).toBe(i);
    }
    expect(errorOf(await engine.execute("step10.noSuch")).evalue).toMatch(/TS2339/);
  });
});
