/**
 * The TypeScript engine behind the kernel: `createEngine({ cwd, check })` gives the session an `Engine`
 * (see types.ts). Nothing heavy happens at import time: TypeScript (9 MB) is loaded by `warm()` in the
 * background or by the first request that needs it, so the kernel answers `kernel_info` at once.
 *
 * A cell goes: parse → (type check against earlier cells' declarations → emit) or (transpile only) →
 * run on the main realm (run.ts; top-level names live on a scope object, rewrite.ts) → its declarations
 * become visible to later cells (checker.ts, environment.ts).
 *
 * Type checking is on unless the session was started with `check: false` (`gradlab kernel --no-check`)
 * or the cell's first line is `//% nocheck` (or the session passes `noCheck`). Unchecked cells still
 * feed their declarations to later checked cells and to completion.
 */
import * as path from "node:path";
import type * as TS from "typescript";
import type { CellOutcome, Completeness, Completion, Engine, ExecuteOptions, Inspection } from "./types.js";
import { loadTypeScript, type TypeScript } from "./typescript.js";
import { compilerOptionsForRun, transpileCell } from "./transpile.js";
import { scopeRewriter, type RewriteOptions } from "./rewrite.js";
import { runCell, WRAPPER_LINES, type RunResult } from "./run.js";
import { createModuleHost, type ModuleHost } from "./modules.js";
import {
  diagnosticsError,
  internalError,
  interruptError,
  runtimeError,
  type SourceRegistry,
} from "./errors.js";
import { completeness } from "./completeness.js";
import { createChecker, isEnvironmentImport, type Checker } from "./checker.js";
import {
  cellDeclarations,
  hasNoCheckDirective,
  type CellDeclarations,
  type DeclaredName,
} from "./declarations.js";
import { completions } from "./completion.js";
import { inspection } from "./inspect.js";
import { findPackageRoot } from "./package-root.js";

export interface EngineOptions {
  /** The notebook's folder: packages and local .ts files resolve from here. */
  cwd: string;
  /** Type-check cells before running them (`gradlab kernel --no-check` turns it off). */
  check: boolean;
}

/** A cell that ran without checking: its declarations are computed when someone needs them. */
interface PendingTypes {
  code: string;
  decls: CellDeclarations;
  names: [string, DeclaredName][];
}

/** What a compiled cell is, whichever way it was compiled. */
interface CompiledCell {
  js: string;
  sourceMap: string;
  dts?: string;
  declared: string[];
}

export function createEngine(options: EngineOptions): Engine {
  const cwd = path.resolve(options.cwd);
  const packageRoot = findPackageRoot();
  const kernelDirs = [path.join(packageRoot, "kernel"), path.join(packageRoot, "dist", "kernel")];
  const scope: Record<string, unknown> = Object.create(null);
  const known = new Set<string>();
  const sources: SourceRegistry = new Map();
  const pending: PendingTypes[] = [];
  let cellCount = 0;
  let typescript: Promise<TypeScript> | undefined;
  let checker: Checker | undefined;
  let modules: ModuleHost | undefined;

  const loadTs = () => (typescript ??= loadTypeScript());

  const getChecker = (ts: TypeScript): Checker => {
    checker ??= createChecker(ts, { cwd, packageRoot });
    // Cells that ran unchecked: their declarations, in order, before anyone looks at the types.
    for (let p = pending.shift(); p; p = pending.shift()) {
      const program = checker.setCell(p.code, p.decls);
      checker.addChunk(checker.emit(program, undefined, "dts").dts, p.names);
    }
    return checker;
  };

  const moduleHost = (ts: TypeScript): ModuleHost =>
    (modules ??= createModuleHost({
      cwd,
      packageRoot,
      compileLocal: (code, fileName) => {
        const out = ts.transpileModule(code, {
          fileName,
          compilerOptions: {
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.CommonJS,
            esModuleInterop: true,
            sourceMap: true,
          },
        });
        return { js: out.outputText, sourceMap: out.sourceMapText ?? "" };
      },
      registerSource: (fileName, text, sourceMap, lineOffset) =>
        sources.set(fileName, {
          label: path.relative(cwd, fileName) || fileName,
          isCell: false,
          text,
          sourceMap,
          lineOffset,
        }),
    }));

  /** Checked compile: diagnostics first; on success JavaScript and declarations from the same checker. */
  const compileChecked = (ts: TypeScript, code: string, decls: CellDeclarations, label: string) => {
    const cell = getChecker(ts).cell(code, decls);
    const syntax = cell.syntaxDiagnostics();
    if (syntax.length) return { error: diagnosticsError(ts, syntax, code, label, "SyntaxError") };
    const errors = cell.diagnostics();
    if (errors.length) return { error: diagnosticsError(ts, errors, code, label, "TSError") };
    const result: RewriteOptions["result"] = { declared: [], hasValue: false };
    const rewrite = scopeRewriter(ts, {
      known,
      userEnd: code.length,
      isGenerated: (node) => isEnvironmentImport(ts, node),
      result,
    });
    const out = cell.emit({ after: [rewrite] }, decls.names.size ? "both" : "js");
    const dts = decls.names.size ? out.dts : undefined;
    return { cell: { ...out, dts, declared: result.declared } satisfies CompiledCell };
  };

  const compileUnchecked = (ts: TypeScript, code: string, label: string, fileName: string) => {
    const out = transpileCell(ts, { code, fileName, known }, compilerOptionsForRun(ts));
    if (out.diagnostics.length)
      return { error: diagnosticsError(ts, out.diagnostics, code, label, "SyntaxError") };
    return { cell: out satisfies CompiledCell };
  };

  const execute = async (code: string, opts: ExecuteOptions = {}): Promise<CellOutcome> => {
    try {
      return await executeCell(code, opts);
    } catch (err) {
      // a bug of ours, never the user's: say so, and keep the session
      return { ok: false, error: internalError(err) };
    }
  };

  const executeCell = async (code: string, opts: ExecuteOptions): Promise<CellOutcome> => {
    const ts = await loadTs();
    const n = ++cellCount;
    const label = `In[${opts.executionCount ?? n}]`;
    const fileName = `gradlab-cell-${n}.ts`;
    const check = options.check && !opts.noCheck && !hasNoCheckDirective(code);
    const decls = cellDeclarations(ts, parse(ts, code));
    const compiled = check
      ? compileChecked(ts, code, decls, label)
      : compileUnchecked(ts, code, label, fileName);
    if (compiled.error) return { ok: false, error: compiled.error };
    const cell: CompiledCell = compiled.cell;

    sources.set(fileName, {
      label,
      isCell: true,
      text: code,
      sourceMap: cell.sourceMap,
      lineOffset: WRAPPER_LINES,
      generatedLines: cell.js.split("\n").length,
    });
    for (const name of cell.declared) known.add(name);
    const before = new Map(cell.declared.map((name) => [name, { had: name in scope, value: scope[name] }]));
    const host = moduleHost(ts);
    const importModule = Object.assign((spec: string) => host.importModule(spec), { meta: host.meta });
    const result = await runCell(
      cell.js,
      fileName,
      {
        scope,
        importModule,
        require: host.require,
        dirname: host.meta.dirname,
        filename: host.meta.filename,
      },
      opts.signal,
    );

    // Later cells see this cell's types for every name it defined, also when it failed halfway.
    const defined = (name: string) => {
      const b = before.get(name);
      return !b || result.kind === "value" || (name in scope && (!b.had || scope[name] !== b.value));
    };
    const names = [...decls.names].filter(([name]) => defined(name));
    if (check) {
      if (cell.dts !== undefined) checker!.addChunk(cell.dts, names);
    } else if (names.length) pending.push({ code, decls, names });
    if (options.check && !check) getChecker(ts); // a `//% nocheck` cell among checked ones: types now
    if (check && n === 1) checker!.keep(); // made now (and taking the first cell's declarations), not by the second

    return outcome(result, sources, kernelDirs);
  };

  const complete = async (code: string, cursorPos: number): Promise<Completion> => {
    const ts = await loadTs();
    try {
      return completions(getChecker(ts), code, cursorPos, cellDeclarations(ts, parse(ts, code)));
    } catch {
      return { matches: [], cursor_start: cursorPos, cursor_end: cursorPos, metadata: {} };
    }
  };

  const inspect = async (code: string, cursorPos: number, _detailLevel: number): Promise<Inspection> => {
    const ts = await loadTs();
    try {
      return inspection(getChecker(ts), code, cursorPos, cellDeclarations(ts, parse(ts, code)));
    } catch {
      return { found: false, data: {}, metadata: {} };
    }
  };

  const isComplete = async (code: string): Promise<Completeness> => completeness(await loadTs(), code);

  /**
   * Load TypeScript and, with checking on, build the first program and language service (all lib files
   * parsed) while the user is still typing. Without checking, transpile a cell once (JIT warm-up).
   */
  const warm = () => {
    setImmediate(() => {
      loadTs()
        .then((ts) => {
          if (!options.check) {
            transpileCell(
              ts,
              { code: "const x = 1; x", fileName: "warm.ts", known: new Set() },
              compilerOptionsForRun(ts),
            );
            return;
          }
          const c = getChecker(ts);
          const empty = { names: new Map(), exported: new Set<string>() };
          c.diagnostics(c.setCell("", empty), 0);
          c.keep();
          c.serviceFor("", empty).getProgram();
          // TypeScript's functions are compiled on first use and optimised after many: check and emit
          // (never run) a cell like the ones users write, once now and again while the kernel is idle,
          // so their first classes and generic functions do not pay for it (a cold class cell takes
          // ~20 ms, a warm one ~10). From the user's first cell on, their own cells keep it warm.
          const decls = cellDeclarations(ts, parse(ts, WARM_CELL));
          // (through the kept checker, as the user's cells will go: little garbage, no new program)
          const pass = (left: number): void => {
            const cell = c.cell(WARM_CELL, decls);
            cell.diagnostics();
            cell.emit(undefined, "both");
            if (left > 1) setImmediate(() => cellCount === 0 && pass(left - 1));
          };
          pass(WARM_PASSES);
        })
        .catch(() => undefined);
    });
  };

  return { execute, complete, inspect, isComplete, warm };
}

/** How often warm() checks WARM_CELL while no cell has run (about 0.3 s of background work). */
const WARM_PASSES = 20;

/** What warm() checks: the constructs of a typical cell (never run, never seen by later cells). */
const WARM_CELL = `interface Shape { area(): number }
class Square implements Shape {
  constructor(public side: number) {}
  area(): number { return this.side ** 2; }
  toString(): string { return \`Square(\${this.side})\`; }
}
function total<T extends Shape>(shapes: readonly T[]): number {
  return shapes.map((s) => s.area()).reduce((a, b) => a + b, 0);
}
const squares = [1, 2, 3].map((n) => new Square(n));
let sum = total(squares);
for (const s of squares) sum += s.side;
const table = new Map<string, number>(squares.map((s) => [String(s), s.area()]));
({ sum, table, first: squares.at(0)?.toString() })`;

function parse(ts: TypeScript, code: string): TS.SourceFile {
  return ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
}

function outcome(result: RunResult, sources: SourceRegistry, kernelDirs: string[]): CellOutcome {
  if (result.kind === "interrupted") return { ok: false, error: interruptError() };
  if (result.kind === "thrown") return { ok: false, error: runtimeError(result.thrown, sources, kernelDirs) };
  return result.hasValue ? { ok: true, hasValue: true, value: result.value } : { ok: true, hasValue: false };
}
