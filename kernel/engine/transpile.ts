/**
 * TypeScript → the JavaScript body of a cell function, with a source map back to the cell's text.
 * Types are erased by `ts.transpileModule` (no type information needed, so this is also the whole
 * compiler in `--no-check` mode); `rewrite.ts` moves top-level bindings onto the session's scope.
 */
import type * as TS from "typescript";
import { scopeRewriter, type RewriteOptions } from "./rewrite.js";
import type { TypeScript } from "./typescript.js";

export interface TranspiledCell {
  /** Statements of an async function body; see `run.ts` for the wrapper. */
  js: string;
  /** Source map (JSON) from `js` to the cell's text. */
  sourceMap: string;
  /** Top-level names the cell defines at run time. */
  declared: string[];
  /** Whether the cell ends in an expression whose value is shown. */
  hasValue: boolean;
  /** Syntax errors (transpiling never reports type errors). */
  diagnostics: readonly TS.Diagnostic[];
}

export interface TranspileInput {
  code: string;
  /** File name used in diagnostics and the source map. */
  fileName: string;
  known: ReadonlySet<string>;
}

export function compilerOptionsForRun(ts: TypeScript): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    sourceMap: true,
    // Without type information every import is kept (a later cell may use it as a value); an import
    // that only names a type reads as undefined at run time, which is harmless.
    verbatimModuleSyntax: true,
    useDefineForClassFields: true,
    removeComments: false,
  };
}

export function transpileCell(
  ts: TypeScript,
  input: TranspileInput,
  options: TS.CompilerOptions,
): TranspiledCell {
  const result: RewriteOptions["result"] = { declared: [], hasValue: false };
  const rewrite: RewriteOptions = {
    known: input.known,
    userEnd: input.code.length,
    result,
  };
  const out = ts.transpileModule(input.code, {
    compilerOptions: options,
    fileName: input.fileName,
    reportDiagnostics: true,
    transformers: { after: [scopeRewriter(ts, rewrite)] },
  });
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  return {
    js,
    sourceMap: out.sourceMapText ?? "",
    declared: result.declared,
    hasValue: result.hasValue,
    diagnostics: out.diagnostics ?? [],
  };
}
