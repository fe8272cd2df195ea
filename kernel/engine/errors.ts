/**
 * Jupyter `error` content (ename, evalue, traceback) for the three ways a cell fails: TypeScript
 * diagnostics (the cell never ran), a value thrown at run time, and an interrupt. Tracebacks are what
 * the user reads, so every location is the cell's TypeScript line and column, with a code frame.
 */
import { SourceMap } from "node:module";
import { inspect } from "node:util";
import type * as TS from "typescript";
import type { CellError } from "./types.js";
import type { TypeScript } from "./typescript.js";
import { SCOPE } from "./rewrite.js";

const RED = "\u001b[31m";
const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const DIM = "\u001b[2m";
const RESET = "\u001b[0m";

/** Compiled code the engine ran, so stack frames can be mapped back to the TypeScript the user wrote. */
export interface SourceRecord {
  /** What the user calls it: `In[3]` or a file path. */
  label: string;
  text: string;
  sourceMap: string;
  /** Lines the wrapper added above the compiled code. */
  lineOffset: number;
  /** A notebook cell (rather than a local module): frames below the last cell frame are the kernel's. */
  isCell: boolean;
  /** Lines of compiled code; frames below them are the wrapper calling the cell (not shown). */
  generatedLines?: number;
  decoded?: SourceMap;
}

export type SourceRegistry = Map<string, SourceRecord>;

/** V8 quotes `(0, scope.f)()` as `(0 , __gradlab_scope.f)` in "is not a function" messages. */
const CALL_THROUGH_SCOPE = new RegExp(`\\(0 ?, ?${SCOPE}\\.([\\w$]+)\\)`, "g");

/** The rewritten scope access `__gradlab_scope.x` reads as `x` to the user. */
export function unscoped(text: string): string {
  return text.replace(CALL_THROUGH_SCOPE, "$1").split(`${SCOPE}.`).join("");
}

/** A few lines of `text` around a 0-based line, with a caret under [column, column + length). */
export function codeFrame(text: string, line: number, column: number, length: number): string[] {
  const lines = text.split("\n");
  const first = Math.max(0, line - 1);
  const width = String(line + 1).length;
  const out: string[] = [];
  for (let i = first; i <= Math.min(line, lines.length - 1); i++) {
    const marker = i === line ? `${RED}>${RESET}` : " ";
    out.push(`${marker} ${DIM}${String(i + 1).padStart(width)} |${RESET} ${lines[i]!.replace(/\r$/, "")}`);
  }
  const lineText = lines[line] ?? "";
  const span = Math.max(1, Math.min(length, lineText.length - column));
  out.push(`  ${" ".repeat(width)} ${DIM}|${RESET} ${" ".repeat(column)}${RED}${"^".repeat(span)}${RESET}`);
  return out;
}

/** Diagnostics that stop a cell: `SyntaxError` for parse errors, `TSError` for type errors. */
export function diagnosticsError(
  ts: TypeScript,
  diagnostics: readonly TS.Diagnostic[],
  text: string,
  label: string,
  kind: "SyntaxError" | "TSError",
): CellError {
  const traceback: string[] = [];
  const messages: string[] = [];
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    messages.push(message);
    if (d.start === undefined || !d.file) {
      traceback.push(`${RED}error${RESET} TS${d.code}: ${message}`);
      continue;
    }
    const pos = Math.min(d.start, text.length);
    const { line, character } = ts.getLineAndCharacterOfPosition(d.file, pos);
    traceback.push(
      `${RED}error${RESET} ${DIM}TS${d.code}${RESET} ${CYAN}${label}${RESET} line ${line + 1}, column ${character + 1}: ${BOLD}${message}${RESET}`,
      ...codeFrame(text, line, character, d.length ?? 1),
      "",
    );
  }
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more)` : "";
  const first = diagnostics[0];
  const evalue = `${kind === "TSError" && first ? `TS${first.code}: ` : ""}${messages[0] ?? ""}${more}`;
  return { ename: kind, evalue, traceback: traceback.length ? traceback : [evalue] };
}

/** The engine itself failed on this cell: a bug to report, not the user's mistake. */
export function internalError(err: unknown): CellError {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    ename: "InternalError",
    evalue: `gradlab could not run this cell (a kernel bug, please report it): ${err instanceof Error ? err.message : String(err)}`,
    traceback: [
      `${RED}InternalError${RESET}: gradlab could not run this cell (a kernel bug, please report it)`,
      text,
    ],
  };
}

export function interruptError(): CellError {
  return {
    ename: "KeyboardInterrupt",
    evalue: "the cell was interrupted",
    traceback: [`${RED}KeyboardInterrupt${RESET}: the cell was interrupted`],
  };
}

interface Frame {
  text: string;
  file?: string;
  line?: number;
  column?: number;
}

const FRAME = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

function parseFrame(raw: string): Frame {
  const m = FRAME.exec(raw);
  if (!m) return { text: raw.trim() };
  return { text: raw.trim(), file: m[2], line: Number(m[3]), column: Number(m[4]) };
}

/** 1-based line/column in the TypeScript source for a frame in compiled code, if we compiled it. */
function mapFrame(
  frame: Frame,
  sources: SourceRegistry,
): { record: SourceRecord; line: number; column: number } | undefined {
  const record = frame.file === undefined ? undefined : sources.get(frame.file);
  if (!record || frame.line === undefined || frame.column === undefined) return undefined;
  try {
    record.decoded ??= new SourceMap(JSON.parse(record.sourceMap));
    const entry = record.decoded.findEntry(frame.line - 1 - record.lineOffset, frame.column - 1) as {
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalLine === undefined) return undefined;
    return { record, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  } catch {
    return undefined;
  }
}

function safeString(read: () => unknown): string | undefined {
  try {
    const v = read();
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A value thrown by a cell. Frames in cells and local modules are mapped to TypeScript; frames below the
 * last cell frame (the engine calling the cell, Node internals) and the kernel's own frames are dropped.
 */
export function runtimeError(thrown: unknown, sources: SourceRegistry, kernelDirs: string[]): CellError {
  const isErrorLike =
    thrown instanceof Error || (typeof thrown === "object" && thrown !== null && "stack" in thrown);
  if (!isErrorLike) {
    const shown = safeInspect(thrown);
    return {
      ename: "Uncaught",
      evalue: shown,
      traceback: [
        `${RED}Uncaught${RESET} ${shown}`,
        `${DIM}(a value that is not an Error was thrown, so there is no stack)${RESET}`,
      ],
    };
  }
  const name = safeString(() => (thrown as Error).name) ?? "Error";
  const message = unscoped(safeString(() => (thrown as Error).message) ?? "");
  const stack = safeString(() => (thrown as Error).stack) ?? "";
  const frames = stack
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .map(parseFrame);
  const recordOf = (f: Frame) => (f.file === undefined ? undefined : sources.get(f.file));
  const isWrapper = (f: Frame) => {
    const r = recordOf(f);
    return r?.generatedLines !== undefined && (f.line ?? 0) > r.lineOffset + r.generatedLines;
  };
  const isKernel = (f: Frame) =>
    f.file !== undefined &&
    (kernelDirs.some((d) => f.file!.startsWith(d)) || f.file.startsWith("node:internal"));
  let lastCell = -1;
  frames.forEach((f, i) => {
    if (recordOf(f)?.isCell && !isWrapper(f)) lastCell = i;
  });
  const kept = (lastCell >= 0 ? frames.slice(0, lastCell + 1) : frames).filter(
    (f) => !isWrapper(f) && !isKernel(f),
  );
  const lines: string[] = [];
  let frameSource: { record: SourceRecord; line: number; column: number } | undefined;
  for (const f of kept) {
    const mapped = mapFrame(f, sources);
    if (mapped) {
      frameSource ??= mapped;
      const fn = /^\s*at (.*?) \(/.exec(f.text)?.[1];
      const where = `${mapped.record.label}:${mapped.line}:${mapped.column}`;
      lines.push(`    at ${fn ? `${unscoped(fn)} (${where})` : where}`);
    } else {
      lines.push(`    ${DIM}${unscoped(f.text)}${RESET}`);
    }
  }
  const traceback = [`${RED}${name}${RESET}: ${message}`, ...lines];
  if (frameSource) {
    traceback.push(
      "",
      ...codeFrame(frameSource.record.text, frameSource.line - 1, frameSource.column - 1, 1),
    );
  }
  return { ename: name, evalue: message, traceback };
}

function safeInspect(value: unknown): string {
  try {
    return inspect(value, { depth: 2, breakLength: 100 });
  } catch {
    return Object.prototype.toString.call(value);
  }
}
