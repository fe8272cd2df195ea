/**
 * The prelude (kernel/engine/prelude.ts) must be the program TypeScript itself would build from
 * `lib: ["lib.es2023.d.ts"], types: ["node"]`, only joined: same scripts, same order, modules kept apart.
 */
import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { createRequire } from "node:module";
import * as ts from "typescript";
import { buildPrelude, isModuleText } from "../../kernel/engine/prelude.js";
import { createEngine, errorOf, runCells, tempFolder, valueOf } from "./helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const nodeTypesDir = path.dirname(
  createRequire(path.join(ROOT, "package.json")).resolve("@types/node/package.json"),
);

/** The files TypeScript puts in a program with es2023 and @types/node, in its order. */
function referenceProgram(): readonly ts.SourceFile[] {
  const empty = path.join(ROOT, "__prelude_probe__.ts");
  const host = ts.createCompilerHost({});
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, o) =>
    f === empty ? ts.createSourceFile(f, "export {};", o) : getSourceFile(f, o);
  const program = ts.createProgram({
    rootNames: [empty],
    options: {
      lib: ["lib.es2023.d.ts"],
      types: ["node"],
      typeRoots: [path.dirname(nodeTypesDir)],
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      module: ts.ModuleKind.ESNext,
    },
    host,
  });
  return program.getSourceFiles().filter((f) => f.fileName !== empty);
}

describe("the prelude", () => {
  const reference = referenceProgram();
  const prelude = buildPrelude(ts, {
    libs: ["lib.es2023.d.ts"],
    types: ["node"],
    typesFrom: path.join(ROOT, "package.json"),
  });

  it("tells modules from scripts as the parser does, for every file of the closure", () => {
    const wrong = reference.filter((f) => isModuleText(f.text) !== ts.isExternalModule(f));
    expect(wrong.map((f) => f.fileName)).toEqual([]);
  });

  it("joins exactly TypeScript's script files, in TypeScript's order", () => {
    const scripts = reference.filter((f) => !ts.isExternalModule(f)).map((f) => path.normalize(f.fileName));
    expect([...prelude.joined]).toEqual(scripts);
    expect(scripts.length).toBeGreaterThan(100);
    for (const s of scripts.slice(0, 5)) expect(prelude.text).toContain(`// ---- ${s}\n`);
  });

  it("keeps the module files that scripts reference as files of their own", () => {
    const modules = reference
      .filter((f) => ts.isExternalModule(f) && f.fileName.includes("@types/node"))
      .map((f) => path.normalize(f.fileName));
    expect(modules.length).toBeGreaterThan(0);
    for (const m of modules) expect(prelude.modules).toContain(m);
  });

  it("has no triple-slash directive left to pull the lib files in again", () => {
    expect(prelude.text.split("\n").filter((l) => /^\/\/\/\s*<reference\s/.test(l))).toEqual([
      '/// <reference no-default-lib="true"/>',
    ]);
  });
});

describe("cells checked against the prelude", () => {
  it("see es2023, Node's globals, its modules and the web globals of @types/node", async () => {
    const engine = createEngine({ cwd: tempFolder("prelude"), check: true });
    const out = await runCells(engine, [
      `import { join } from "node:path";`,
      `const parts: string[] = [1, 2, 3].toSorted((a, b) => b - a).map(String);`,
      `const b: Buffer = Buffer.from(parts.join(""));`,
      `const c = new AbortController(); const u = new URL("https://example.org/a");`,
      `[join("a", "b"), b.length, c.signal.aborted, u.pathname, typeof process.env.HOME, [1, 2].findLast((x) => x > 0)]`,
    ]);
    expect(valueOf(out)).toEqual(["a/b", 3, false, "/a", "string", 2]);
  });

  it("still reports type errors against lib declarations with TypeScript's message", async () => {
    const engine = createEngine({ cwd: tempFolder("prelude"), check: true });
    const err = errorOf(await engine.execute(`const n: number = Math.max("1", 2);`));
    expect(err.ename).toBe("TSError");
    expect(err.evalue).toMatch(/Argument of type 'string' is not assignable to parameter of type 'number'/);
  });

  it("load a package that references Node's types and es2020 without declaring anything twice", async () => {
    const dir = tempFolder("prelude");
    const pkg = path.join(dir, "node_modules", "refs-node");
    const fs = await import("node:fs");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "refs-node", main: "index.js" }));
    fs.writeFileSync(path.join(pkg, "index.js"), "exports.size = (b) => b.length;\n");
    fs.writeFileSync(
      path.join(pkg, "index.d.ts"),
      `/// <reference types="node" />\n/// <reference lib="es2020" />\nexport declare function size(b: Buffer): number;\n`,
    );
    const engine = createEngine({ cwd: dir, check: true });
    const out = await runCells(engine, [`import { size } from "refs-node";`, `size(Buffer.from("abcd"))`]);
    expect(valueOf(out)).toBe(4);
    const err = errorOf(await engine.execute(`size("abcd")`));
    expect(err.evalue).toMatch(/not assignable to parameter of type 'Buffer/);
  });
});
