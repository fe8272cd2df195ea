/**
 * `is_complete_request`: decided by TypeScript's parser, not by counting brackets. Code that parses is
 * complete; code whose only errors sit at the very end (an unclosed block, a dangling operator, an open
 * template literal or comment) is incomplete and the next line is indented by the open brackets; any other
 * syntax error is invalid (running it would report the error).
 */
import type * as TS from "typescript";
import type { Completeness } from "./types.js";
import type { TypeScript } from "./typescript.js";

export function completeness(ts: TypeScript, code: string): Completeness {
  if (code.trim() === "") return { status: "complete" };
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const errors = (file as TS.SourceFile & { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (errors.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  const allAtEnd = errors.every((d) => (d.start ?? 0) >= end);
  if (!allAtEnd) return { status: "invalid" };
  return { status: "incomplete", indent: "  ".repeat(openBrackets(ts, code)) };
}

/** How many ( [ { are still open at the end of the code (strings and comments skipped by the scanner). */
function openBrackets(ts: TypeScript, code: string): number {
  const K = ts.SyntaxKind;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  let depth = 0;
  const templates: number[] = [];
  for (let t = scanner.scan(); t !== K.EndOfFileToken; t = scanner.scan()) {
    if (t === K.OpenBraceToken || t === K.OpenParenToken || t === K.OpenBracketToken) depth++;
    else if (t === K.CloseParenToken || t === K.CloseBracketToken) depth = Math.max(0, depth - 1);
    else if (t === K.TemplateHead) templates.push(depth);
    else if (t === K.CloseBraceToken) {
      // `}` closing a `${` of a template literal: continue scanning the template
      if (templates.length && templates[templates.length - 1] === depth) {
        const next = scanner.reScanTemplateToken(false);
        if (next === K.TemplateTail) templates.pop();
      } else depth = Math.max(0, depth - 1);
    }
  }
  return depth;
}
