/**
 * `complete_request` from the language service: members (`Math.`, `t.` on a value from an earlier cell),
 * globals, earlier cells' names, imports. `cursor_start..cursor_end` is the partial word the frontend
 * replaces by a match; `_jupyter_types_experimental` gives JupyterLab each match's kind.
 */
import type * as TS from "typescript";
import type { Checker } from "./checker.js";
import type { CellDeclarations } from "./declarations.js";
import type { Completion } from "./types.js";

const IDENT = /[\w$\u00c0-\uffff]/;

export function completions(
  checker: Checker,
  code: string,
  cursor: number,
  decls: CellDeclarations,
): Completion {
  const ts = checker.ts;
  cursor = Math.max(0, Math.min(cursor, code.length));
  let start = cursor;
  while (start > 0 && IDENT.test(code[start - 1]!)) start--;
  // Earlier names the cell does not mention yet matter only when completing a bare word: then only
  // those the word could become. (Importing all of a 200-cell session's names costs milliseconds.)
  const partial = code.slice(start, cursor).toLowerCase();
  const afterDot = /\.\s*$/.test(code.slice(0, start));
  const service = checker.serviceFor(
    code,
    decls,
    (name) => !afterDot && name.toLowerCase().startsWith(partial),
  );
  const info = service.getCompletionsAtPosition(checker.cellFile, cursor, {
    includeCompletionsWithInsertText: true,
    includeCompletionsForModuleExports: false,
    includeAutomaticOptionalChainCompletions: true,
  });
  const empty: Completion = { matches: [], cursor_start: start, cursor_end: cursor, metadata: {} };
  if (!info) return empty;
  // Inside a string (an import path, a keyof literal) TypeScript says which span the matches replace.
  const span = info.optionalReplacementSpan ?? commonSpan(info.entries);
  if (span && span.start + span.length >= cursor && span.start <= cursor) start = span.start;
  const typed = code.slice(start, cursor);
  const prefix = typed.toLowerCase();
  const seen = new Set<string>();
  const entries = info.entries
    // an entry replacing some other span (`.[Symbol.iterator]` rewrites the dot) cannot share cursor_start
    .filter((e) => !e.replacementSpan || e.replacementSpan.start === start)
    .filter((e) => !e.name.startsWith("__gradlab") && e.name.toLowerCase().startsWith(prefix))
    .sort(
      (a, b) =>
        rank(a, typed) - rank(b, typed) ||
        a.sortText.localeCompare(b.sortText) ||
        a.name.localeCompare(b.name),
    )
    .filter((e) => !seen.has(e.name) && seen.add(e.name));
  return {
    matches: entries.map((e) => e.name),
    cursor_start: start,
    cursor_end: cursor,
    metadata: {
      _jupyter_types_experimental: entries.map((e) => ({
        start,
        end: cursor,
        text: e.name,
        type: jupyterKind(ts, e.kind),
      })),
    },
  };
}

/** The span every entry replaces, when they all say the same (completions inside a string). */
function commonSpan(entries: readonly TS.CompletionEntry[]): TS.TextSpan | undefined {
  const first = entries[0]?.replacementSpan;
  if (!first) return undefined;
  const same = entries.every(
    (e) => e.replacementSpan?.start === first.start && e.replacementSpan.length === first.length,
  );
  return same ? first : undefined;
}

/** Same-case prefix matches first. */
function rank(entry: TS.CompletionEntry, typed: string): number {
  return entry.name.startsWith(typed) ? 0 : 1;
}

function jupyterKind(ts: typeof TS, kind: TS.ScriptElementKind): string {
  const K = ts.ScriptElementKind;
  switch (kind) {
    case K.functionElement:
    case K.localFunctionElement:
    case K.memberFunctionElement:
    case K.constructSignatureElement:
    case K.callSignatureElement:
      return "function";
    case K.classElement:
    case K.localClassElement:
    case K.interfaceElement:
    case K.typeElement:
    case K.enumElement:
      return "class";
    case K.keyword:
      return "keyword";
    case K.moduleElement:
    case K.externalModuleName:
    case K.alias:
      return "module";
    case K.memberVariableElement:
    case K.memberGetAccessorElement:
    case K.memberSetAccessorElement:
    case K.enumMemberElement:
      return "property";
    case K.parameterElement:
      return "param";
    case K.directory:
    case K.scriptElement:
      return "path";
    default:
      return "instance";
  }
}
