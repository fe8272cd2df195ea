/**
 * The prelude: every global declaration file a cell is checked against (TypeScript's lib files and
 * @types/node), joined into ONE file.
 *
 * Why: each checked cell is a new program with a new type checker. Both cost in proportion to the number
 * of files, not their size: the program visits every file (≈ 160 of them), and the checker, on creation,
 * merges every file's globals into one table, cloning each interface that several lib files extend
 * (Array, String, Promise...). In one file the binder merges those declarations once, when the file is
 * first bound, and the program has 120 files fewer. That halves the fixed cost of a checked cell.
 *
 * Only script files (no top-level import or export) are joined: their declarations are global whichever
 * file they sit in. Module files (a few @types/node files with `declare global`, and what they import)
 * stay separate. Files of the closure are then served empty, so a `/// <reference types="node" />` or
 * `/// <reference lib="es2020" />` in some package adds nothing twice.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TypeScript } from "./typescript.js";

export interface Prelude {
  /** Virtual file name of the joined scripts (in TypeScript's lib folder: read-only, like the libs). */
  fileName: string;
  text: string;
  /** Module files of the closure, in program order: root files next to the prelude. */
  modules: string[];
  /** Script files whose text is in the prelude (served empty if anything references them). */
  joined: Set<string>;
}

export interface PreludeRoots {
  /** Lib names as in `compilerOptions.lib` (`"lib.es2023.d.ts"`). */
  libs: string[];
  /** Type packages as in `compilerOptions.types` (`"node"`); one that is not installed is left out. */
  types: string[];
  /** The file `types` are resolved from (as by a `/// <reference types>` in it). */
  typesFrom: string;
}

/** Joins the closure of `roots` (following `/// <reference>` directives the way the program does). */
export function buildPrelude(ts: TypeScript, roots: PreludeRoots): Prelude {
  const libDir = path.dirname(ts.getDefaultLibFilePath({}));
  const libFile = (name: string) => path.join(libDir, libFileName(ts, name));
  const visited = new Set<string>();
  const scripts: { file: string; text: string }[] = [];
  const modules: string[] = [];

  // Depth first, a file after what it references: the order in which the program lists files, which
  // is the order in which interface members merge (and so the order of overloads).
  const visit = (file: string): void => {
    if (visited.has(file)) return;
    visited.add(file);
    const text = fs.readFileSync(file, "utf8");
    if (isModuleText(text)) {
      modules.push(file); // its references and imports are the program's business
      return;
    }
    const info = ts.preProcessFile(text, false, false);
    for (const lib of info.libReferenceDirectives) visit(libFile(lib.fileName));
    for (const ref of info.referencedFiles) visit(path.resolve(path.dirname(file), ref.fileName));
    for (const ref of info.typeReferenceDirectives) {
      const entry = typesEntry(ts, ref.fileName, file);
      if (entry) visit(entry);
    }
    scripts.push({ file, text });
  };
  for (const lib of roots.libs) visit(path.join(libDir, lib));
  for (const name of roots.types) {
    const entry = typesEntry(ts, name, roots.typesFrom);
    if (entry) visit(entry);
  }
  // The program lists lib files first, in TypeScript's own order of libs (es5, es2015, ..., es2015.core...).
  const isLib = (f: string) => path.dirname(f) === libDir;
  const rank = libRank(ts);
  const libs = scripts.filter((s) => isLib(s.file));
  libs.sort((a, b) => rank(a.file) - rank(b.file));
  scripts.splice(0, scripts.length, ...libs, ...scripts.filter((s) => !isLib(s.file)));

  const text =
    `/// <reference no-default-lib="true"/>\n` +
    scripts.map((s) => `// ---- ${s.file}\n${withoutDirectives(s.text)}`).join("\n");
  return {
    fileName: path.join(libDir, "gradlab.prelude.d.ts"),
    text,
    modules,
    joined: new Set(scripts.map((s) => s.file)),
  };
}

/**
 * A declaration file is a module when a top-level statement imports or exports. Top-level statements of
 * the lib and @types files start at column 0; an export inside `declare module "x" { }` is indented. A
 * script taken for a module only stays a file of its own (slower, still right); the reverse would be
 * wrong, and the engine's tests compare this verdict with the parser's for every file of the closure.
 */
export function isModuleText(text: string): boolean {
  return /^(?:export|import)[\s{*=]/m.test(text);
}

/** Triple-slash directives are the program's instructions for one file: in the joined text, none. */
function withoutDirectives(text: string): string {
  return text.replace(/^\/\/\/\s*<reference\s[^\n]*$/gm, "");
}

/** Position of a lib file in TypeScript's list of libs (`ts.libs`, the order the program sorts them by). */
function libRank(ts: TypeScript): (file: string) => number {
  const names = (ts as unknown as { libs?: string[] }).libs ?? [];
  return (file) => {
    const i = names.indexOf(
      path
        .basename(file)
        .replace(/^lib\./, "")
        .replace(/\.d\.ts$/, ""),
    );
    return i === -1 ? names.length : i;
  };
}

function libFileName(ts: TypeScript, name: string): string {
  const map = (ts as unknown as { libMap?: Map<string, string> }).libMap;
  return map?.get(name.toLowerCase()) ?? `lib.${name.toLowerCase()}.d.ts`;
}

function typesEntry(ts: TypeScript, name: string, containingFile: string): string | undefined {
  const r = ts.resolveTypeReferenceDirective(name, containingFile, {}, ts.sys);
  return r.resolvedTypeReferenceDirective?.resolvedFileName;
}
