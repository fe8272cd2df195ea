/**
 * Finds TeX in text the way Jupyter does before markdown sees it (JupyterLab's removeMath): `$…$`,
 * `$$…$$`, `\(…\)`, `\[…\]` and `\begin{env}…\end{env}`. Markdown must never see TeX: `a_1 * b_2`
 * would turn into emphasis, `\\` into `\`, and a matrix row starting with `- ` into a list item.
 * In markdown mode, fenced code blocks and inline code spans are left alone (a `$` in code is a dollar).
 */

export interface TextSegment {
  kind: "text";
  text: string;
}
export interface MathSegment {
  kind: "math";
  /** The TeX to typeset: without `$`/`\(` delimiters; a whole `\begin{…}…\end{…}` for environments. */
  tex: string;
  display: boolean;
  /** The original text including delimiters (shown when math cannot be typeset, e.g. inside code). */
  raw: string;
}
export type Segment = TextSegment | MathSegment;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Splits `src` into text and math. `markdown: true` skips fenced code and inline code spans. */
export function scanMath(src: string, { markdown }: { markdown: boolean }): Segment[] {
  const out: Segment[] = [];
  let text = "";
  const flushText = () => {
    if (text) out.push({ kind: "text", text });
    text = "";
  };
  const pushMath = (tex: string, display: boolean, raw: string) => {
    flushText();
    out.push({ kind: "math", tex, display, raw });
  };
  let i = 0;
  while (i < src.length) {
    if (markdown && (i === 0 || src[i - 1] === "\n")) {
      const fence = FENCE.exec(src.slice(i, i + 64));
      if (fence) {
        const end = fenceEnd(src, i, fence[1]);
        text += src.slice(i, end);
        i = end;
        continue;
      }
    }
    const c = src[i];
    if (c === "\\") {
      const next = src[i + 1];
      if (next === "(" || next === "[") {
        const close = next === "(" ? "\\)" : "\\]";
        const end = findClosing(src, i + 2, close, next === "(");
        if (end >= 0) {
          pushMath(src.slice(i + 2, end), next === "[", src.slice(i, end + 2));
          i = end + 2;
          continue;
        }
      }
      const env = /^\\begin\{([a-zA-Z*]+)\}/.exec(src.slice(i, i + 40));
      if (env) {
        const end = environmentEnd(src, i, env[1]);
        if (end >= 0) {
          pushMath(src.slice(i, end), true, src.slice(i, end));
          i = end;
          continue;
        }
      }
      // An escape pair (`\$`, `\\`, `` \` ``) stays as it is: markdown turns `\$` into a literal dollar.
      text += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "`" && markdown) {
      let k = 1;
      while (src[i + k] === "`") k++;
      const end = codeSpanEnd(src, i + k, k);
      const stop = end >= 0 ? end + k : i + k;
      text += src.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === "$") {
      const display = src[i + 1] === "$";
      const open = display ? 2 : 1;
      const end = findClosing(src, i + open, display ? "$$" : "$", !display);
      if (end > i + open) {
        pushMath(src.slice(i + open, end), display, src.slice(i, end + open));
        i = end + open;
        continue;
      }
      text += src.slice(i, i + open);
      i += open;
      continue;
    }
    text += c;
    i++;
  }
  flushText();
  return out;
}

/** Index just past the closing fence line (or the end of the text when the fence is never closed). */
function fenceEnd(src: string, start: number, fence: string): number {
  let lineStart = src.indexOf("\n", start);
  while (lineStart >= 0) {
    lineStart++;
    const lineEnd = src.indexOf("\n", lineStart);
    const line = src.slice(lineStart, lineEnd < 0 ? src.length : lineEnd);
    const m = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (m && m[1][0] === fence[0] && m[1].length >= fence.length)
      return lineEnd < 0 ? src.length : lineEnd + 1;
    lineStart = lineEnd;
  }
  return src.length;
}

/** A code span closes at the next run of exactly `k` backticks within the same paragraph. */
function codeSpanEnd(src: string, from: number, k: number): number {
  for (let j = from; j < src.length; j++) {
    if (src[j] === "\n" && /^\n[ \t]*\n/.test(src.slice(j, j + 64))) return -1;
    if (src[j] !== "`") continue;
    let run = 1;
    while (src[j + run] === "`") run++;
    if (run === k) return j;
    j += run - 1;
  }
  return -1;
}

/**
 * Index of `close` after `from`, skipping TeX escapes (`\$` inside math is a dollar sign).
 * `inline` math may not run across a blank line (a new paragraph), as in Jupyter.
 */
function findClosing(src: string, from: number, close: string, inline: boolean): number {
  for (let j = from; j < src.length; j++) {
    const c = src[j];
    if (c === "\\" && !close.startsWith("\\")) {
      j++;
      continue;
    }
    if (inline && c === "\n" && /^\n[ \t]*\n/.test(src.slice(j, j + 64))) return -1;
    if (src.startsWith(close, j)) {
      if (close.startsWith("\\") && isEscapedBackslash(src, j)) continue;
      return j;
    }
  }
  return -1;
}

/** True when the backslash at `j` is itself escaped (`\\)` is a TeX line break followed by `)`). */
function isEscapedBackslash(src: string, j: number): boolean {
  let n = 0;
  while (j - 1 - n >= 0 && src[j - 1 - n] === "\\") n++;
  return n % 2 === 1;
}

/** End index (exclusive) of `\begin{name}…\end{name}` starting at `start`, counting nested same-name envs. */
function environmentEnd(src: string, start: number, name: string): number {
  const begin = `\\begin{${name}}`;
  const end = `\\end{${name}}`;
  let depth = 0;
  for (let j = start; j < src.length; j++) {
    if (src.startsWith(begin, j)) {
      depth++;
      j += begin.length - 1;
    } else if (src.startsWith(end, j)) {
      depth--;
      if (depth === 0) return j + end.length;
      j += end.length - 1;
    }
  }
  return -1;
}
