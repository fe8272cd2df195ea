/**
 * Module resolution from the notebook's folder: its own node_modules first (ES module, CommonJS, untyped,
 * import-only packages created here, with .d.ts files), local .ts files next to the notebook, and
 * "gradlab" always being this project's library, from a folder outside the project too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import {
  createEngine,
  errorOf,
  plainTraceback,
  runCells,
  tempFolder,
  valueOf,
  writeFiles,
} from "./helpers.js";

let notebook: string;

const pkg = (name: string, manifest: object, files: Record<string, string>) =>
  Object.fromEntries([
    [`node_modules/${name}/package.json`, JSON.stringify({ name, version: "1.0.0", ...manifest })],
    ...Object.entries(files).map(([f, text]) => [`node_modules/${name}/${f}`, text]),
  ]);

beforeAll(() => {
  notebook = tempFolder("modules");
  writeFiles(notebook, {
    ...pkg(
      "esm-pkg",
      { type: "module", exports: { ".": { types: "./index.d.ts", default: "./index.js" } } },
      {
        "index.js": "export function double(x) { return 2 * x }\nexport default 'esm-default'\n",
        "index.d.ts":
          "export declare function double(x: number): number;\ndeclare const d: string;\nexport default d;\n",
      },
    ),
    ...pkg(
      "cjs-pkg",
      { main: "index.js", types: "index.d.ts" },
      {
        "index.js": "exports.triple = (x) => 3 * x;\nexports.name = 'cjs';\n",
        "index.d.ts":
          "export declare function triple(x: number): number;\nexport declare const name: string;\n",
      },
    ),
    ...pkg(
      "cjs-fn",
      { main: "index.js", types: "index.d.ts" },
      {
        "index.js": "module.exports = function called() { return 'called' };\n",
        "index.d.ts": "declare function called(): string;\nexport = called;\n",
      },
    ),
    ...pkg("untyped", { main: "index.js" }, { "index.js": "module.exports = { v: 1 };\n" }),
    ...pkg(
      "esm-only",
      { type: "module", exports: { ".": { types: "./index.d.ts", import: "./index.js" } } },
      {
        "index.js": "export const only = () => 'import-only'\n",
        "index.d.ts": "export declare const only: () => string;\n",
      },
    ),
    // shadows the project's own katex: the notebook's folder must win
    ...pkg(
      "katex",
      { type: "module", exports: { ".": { types: "./index.d.ts", default: "./index.js" } } },
      {
        "index.js": "export const fake = 'notebook katex'\n",
        "index.d.ts": "export declare const fake: string;\n",
      },
    ),
    // a decoy: "gradlab" must still be this project
    ...pkg("gradlab", { main: "index.js" }, { "index.js": "exports.DISPLAY = 'decoy';\n" }),
    "util.ts":
      "import { helperValue } from './lib/helper.js'\n" +
      "export function greet(name: string): string { return `hi ${name} ${helperValue}` }\n" +
      "export function fail(): never {\n  const why: string = 'local failure'\n  throw new Error(why)\n}\n",
    "lib/helper.ts": "export const helperValue: number = 40 + 2\n",
    "uses-gradlab.ts": "import { tensor } from 'gradlab'\nexport const made = tensor([1, 2])\n",
    "cyc-a.ts": "import { b } from './cyc-b.ts'\nexport const a = () => b\n",
    "cyc-b.ts": "import { a } from './cyc-a.ts'\nexport const b = a\n",
    "data.json": JSON.stringify({ k: 1 }),
  });
});

afterAll(() => fs.rmSync(notebook, { recursive: true, force: true }));

const imports = [
  {
    name: "ES module package",
    cells: ["import esmDefault, { double } from 'esm-pkg'", "[double(21), esmDefault]"],
    value: [42, "esm-default"],
  },
  {
    name: "CommonJS named imports",
    cells: ["import { triple, name } from 'cjs-pkg'", "[triple(2), name]"],
    value: [6, "cjs"],
  },
  { name: "CommonJS default import", cells: ["import cjs from 'cjs-pkg'", "cjs.triple(3)"], value: 9 },
  { name: "CommonJS function export", cells: ["import called from 'cjs-fn'", "called()"], value: "called" },
  { name: "require of CommonJS", cells: ["const c = require('cjs-pkg')", "c.name"], value: "cjs" },
  { name: "require of an ES module", cells: ["const e = require('esm-pkg')", "e.double(4)"], value: 8 },
  { name: "untyped package (any)", cells: ["import untyped from 'untyped'", "untyped.v"], value: 1 },
  { name: "import-only exports", cells: ["import { only } from 'esm-only'", "only()"], value: "import-only" },
  {
    name: "notebook's node_modules first",
    cells: ["import { fake } from 'katex'", "fake"],
    value: "notebook katex",
  },
  {
    name: "dynamic import from the notebook",
    cells: ["const m = await import('esm-pkg')", "m.double(5)"],
    value: 10,
  },
  {
    name: "local .ts with extension",
    cells: ["import { greet } from './util.ts'", "greet('a')"],
    value: "hi a 42",
  },
  {
    name: "local .ts, .js specifier",
    cells: ["import { greet } from './util.js'", "greet('b')"],
    value: "hi b 42",
  },
  {
    name: "local .ts, no extension",
    cells: ["import { greet } from './util'", "greet('c')"],
    value: "hi c 42",
  },
  {
    name: "local .ts via require",
    cells: ["const u = require('./util.ts')", "u.greet('d')"],
    value: "hi d 42",
  },
  {
    name: "local .ts importing gradlab",
    cells: ["import { made } from './uses-gradlab.ts'", "made.shape"],
    value: [2],
  },
  { name: "JSON next to the notebook", cells: ["import data from './data.json'", "data.k"], value: 1 },
  {
    name: "gradlab despite a decoy",
    cells: ["import { DISPLAY } from 'gradlab'", "DISPLAY === Symbol.for('Jupyter.display')"],
    value: true,
  },
];

describe.each([{ check: true }, { check: false }])("imports (check: $check)", ({ check }) => {
  it.each(imports)("$name", async ({ cells, value }) => {
    const engine = createEngine({ cwd: notebook, check });
    expect(valueOf(await runCells(engine, cells))).toEqual(value);
  });

  it("reports circular local imports clearly, and the session continues", async () => {
    const engine = createEngine({ cwd: notebook, check });
    const error = errorOf(await engine.execute("import { a } from './cyc-a.ts'"));
    expect(error.evalue).toBe("Circular import between local modules: cyc-a.ts → cyc-b.ts → cyc-a.ts");
    expect(valueOf(await engine.execute("'next'"))).toBe("next");
  });

  it("maps an error inside a local module to its TypeScript line", async () => {
    const engine = createEngine({ cwd: notebook, check });
    const error = errorOf(await runCells(engine, ["import { fail } from './util.ts'", "fail()"]));
    expect(error.evalue).toBe("local failure");
    expect(plainTraceback(error)).toMatch(/at fail \(util\.ts:5:9\)/);
  });

  it("reloads a local module after it changes", async () => {
    const engine = createEngine({ cwd: notebook, check });
    const name = `changing-${check}`;
    const file = path.join(notebook, `${name}.ts`);
    fs.writeFileSync(file, "export const version = 1\n");
    const cells = [`import { version } from './${name}.ts'`, "version"];
    expect(valueOf(await runCells(engine, cells))).toBe(1);
    fs.writeFileSync(file, "export const version = 2\n");
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file, later, later);
    expect(valueOf(await runCells(engine, cells))).toBe(2);
  });
});

describe("one gradlab for everyone", () => {
  it("gives cells and local modules the same library instance (in a plain Node process, as the kernel)", () => {
    // vitest loads dynamic imports through its own module runner, so this runs where the kernel runs
    const script = `
      const { createEngine } = await import(process.argv[1]);
      const engine = createEngine({ cwd: process.argv[2], check: false });
      await engine.execute("import { Tensor } from 'gradlab'");
      await engine.execute("import { made } from './uses-gradlab.ts'");
      await engine.execute("import { only } from 'esm-only'"); // must not print Node's ExperimentalWarning
      console.log(JSON.stringify(await engine.execute("made instanceof Tensor && only() === 'import-only'")));
    `;
    const engine = path.join(process.cwd(), "dist", "kernel", "engine", "index.js");
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, engine, notebook], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout.trim())).toEqual({ ok: true, hasValue: true, value: true });
  });
});

describe("types of imported modules (checked)", () => {
  const typeErrors = [
    { name: "ES module package", code: "import { double } from 'esm-pkg'\ndouble('x')", ts: 2345 },
    {
      name: "CommonJS package",
      code: "import { triple } from 'cjs-pkg'\nconst s: string = triple(1)",
      ts: 2322,
    },
    { name: "local .ts file", code: "import { greet } from './util.ts'\ngreet(1)", ts: 2345 },
    { name: "notebook's own katex", code: "import { fake } from 'katex'\nconst n: number = fake", ts: 2322 },
    { name: "gradlab", code: "import { DISPLAY } from 'gradlab'\nconst s: string = DISPLAY", ts: 2322 },
    { name: "missing export", code: "import { nothing } from 'esm-pkg'", ts: 2614 },
  ];
  it.each(typeErrors)("$name", async ({ code, ts }) => {
    const engine = createEngine({ cwd: notebook, check: true });
    const error = errorOf(await engine.execute(code));
    expect(error.evalue).toMatch(new RegExp(`^TS${ts}: `));
  });
});

describe("gradlab from a folder outside the project", () => {
  let outside: string;
  beforeAll(() => {
    outside = tempFolder("outside");
  });
  afterAll(() => fs.rmSync(outside, { recursive: true, force: true }));

  it.each([{ check: true }, { check: false }])(
    "imports this project's library (check: $check)",
    async ({ check }) => {
      expect(outside.startsWith(process.cwd())).toBe(false);
      const engine = createEngine({ cwd: outside, check });
      const cells = [
        "import { tensor, DISPLAY } from 'gradlab'",
        "const t = tensor([1, 2, 3])",
        "[t.shape, typeof t[DISPLAY]]",
      ];
      expect(valueOf(await runCells(engine, cells))).toEqual([[3], "function"]);
    },
  );

  it("has the library's types", async () => {
    const engine = createEngine({ cwd: outside, check: true });
    await engine.execute("import { tensor } from 'gradlab'");
    const error = errorOf(await engine.execute("tensor([1, 2]).noSuchMethod()"));
    expect(error.evalue).toMatch(/^TS2339: Property 'noSuchMethod' does not exist on type 'Tensor'/);
  });
});
