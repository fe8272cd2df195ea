/**
 * Syntax highlighting for exported code: TypeScript/JavaScript, Python, JSON, shell and HTML/XML, each
 * a small lexical grammar run as ONE global regular expression (an alternation of token patterns) plus a
 * word table. Every `gradlab export` is a fresh process: highlight.js spent ~17 ms of a lecture's export
 * compiling its grammars and running its tokenizer loop in the interpreter, Prism ~10 ms; here the
 * scanning happens inside the regex engine and a lecture's code takes about a millisecond. The price is
 * a lexer, not a parser: no nested template substitutions in template substitutions, regex literals by
 * what precedes the slash. What the page needs is tokens coloured, and every byte of text escaped.
 *
 * Class names are `tok-<kind>` (page-style.ts colours them). Unknown languages come back escaped, plain.
 * Patterns mark the end of the code with `(?![\s\S])`, never `$`, so that no flag can change its meaning.
 */
import { escapeHtml } from "./html.js";

/** Returns highlighted HTML (token spans, text escaped) for `code` in `language`. */
export type Highlighter = (code: string, language: string | undefined) => string;

/** What a token is: the suffix of its class (`tok-keyword`). */
type Kind =
  | "keyword"
  | "literal"
  | "builtin"
  | "type"
  | "function"
  | "string"
  | "number"
  | "comment"
  | "regexp"
  | "meta"
  | "attr"
  | "tag"
  | "variable";

/** A token pattern: what it matches (no capturing groups) and how the match is shown. */
interface Rule {
  pattern: RegExp;
  /** A kind, or "word" (looked up in the grammar's tables), "template" or "tag" (split further). */
  kind: Kind | "word" | "template" | "tag";
}

interface Grammar {
  rules: Rule[];
  words?: { keyword?: Set<string>; literal?: Set<string>; builtin?: Set<string>; type?: Set<string> };
  /** Capitalised identifiers are types (TypeScript classes and interfaces, Python classes). */
  capitalisedTypes?: boolean;
  /** Keywords after which the next identifier is being defined (`function f`, `class C`, `def f`). */
  defines?: Record<string, Kind>;
}

const words = (s: string) => new Set(s.split(" "));

// ── TypeScript / JavaScript ────────────────────────────────────────────────────────────────────────
const JS_KEYWORDS =
  "as async await break case catch class const continue debugger default delete do else export extends " +
  "finally for from function get if import in instanceof let new of return set static super switch this " +
  "throw try typeof var void while with yield";
const TS_KEYWORDS =
  "abstract asserts declare enum implements infer interface is keyof module namespace override private " +
  "protected public readonly satisfies type unique";
const JS_LITERALS = "true false null undefined NaN Infinity";
const JS_BUILTINS =
  "console Math JSON Object Array Promise Number String Boolean Symbol BigInt Map Set WeakMap WeakSet " +
  "Error TypeError RangeError Date RegExp Reflect Proxy Intl globalThis process require module exports " +
  "Float32Array Float64Array Int8Array Int16Array Int32Array Uint8Array Uint16Array Uint32Array " +
  "Uint8ClampedArray ArrayBuffer SharedArrayBuffer DataView Atomics WebAssembly setTimeout setInterval " +
  "clearTimeout clearInterval queueMicrotask structuredClone parseInt parseFloat isNaN isFinite";
const TS_TYPES = "any unknown never void object string number boolean bigint symbol";

const JS_COMMENT = /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|(?![\s\S]))/;
const QUOTED = /"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?/;
const TEMPLATE = /`(?:[^`\\]|\\[\s\S])*`?/;
/** A slash starts a regex literal where an operand is expected: after an operator, `(`, `,` or `return`. */
const REGEX_LITERAL =
  /(?<=(?:^|[(,=:[!&|?{};+\-*%<>~^]|\breturn|\btypeof|\bcase)\s*)\/(?![*/])(?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[dgimsuyv]*/;
const JS_NUMBER =
  /\b(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?)n?\b|\.\d[\d_]*(?:[eE][+-]?\d+)?\b/;
const JS_WORD = /[A-Za-z_$][\w$]*/;

function jsGrammar(typescript: boolean): Grammar {
  return {
    rules: [
      { pattern: JS_COMMENT, kind: "comment" },
      { pattern: QUOTED, kind: "string" },
      { pattern: TEMPLATE, kind: "template" },
      { pattern: REGEX_LITERAL, kind: "regexp" },
      { pattern: JS_NUMBER, kind: "number" },
      { pattern: /@[A-Za-z_$][\w$.]*/, kind: "meta" },
      { pattern: JS_WORD, kind: "word" },
    ],
    words: {
      keyword: words(typescript ? `${JS_KEYWORDS} ${TS_KEYWORDS}` : JS_KEYWORDS),
      literal: words(JS_LITERALS),
      builtin: words(JS_BUILTINS),
      type: typescript ? words(TS_TYPES) : undefined,
    },
    capitalisedTypes: true,
    defines: { function: "function", class: "type", interface: "type", type: "type", enum: "type" },
  };
}

// ── Python ───────────────────────────────────────────────────────────────────────────────────────────
const PY_KEYWORDS =
  "and as assert async await break class continue def del elif else except finally for from global if " +
  "import in is lambda nonlocal not or pass raise return try while with yield match case";
const PY_BUILTINS =
  "print len range int float str list dict set tuple bool bytes abs min max sum zip enumerate map filter " +
  "sorted reversed isinstance issubclass type super open repr round any all iter next object getattr " +
  "setattr hasattr callable format input id hash divmod pow vars dir Exception ValueError TypeError " +
  "KeyError IndexError RuntimeError StopIteration NotImplementedError AttributeError self cls";

const PYTHON: Grammar = {
  rules: [
    { pattern: /#[^\n]*/, kind: "comment" },
    {
      pattern:
        /\b[rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|(?![\s\S]))|'''[\s\S]*?(?:'''|(?![\s\S]))|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?)|(?:"""[\s\S]*?(?:"""|(?![\s\S]))|'''[\s\S]*?(?:'''|(?![\s\S]))|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?)/,
      kind: "string",
    },
    {
      pattern:
        /\b(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?[jJ]?)\b|\.\d[\d_]*(?:[eE][+-]?\d+)?[jJ]?\b/,
      kind: "number",
    },
    { pattern: /(?<=(?:^|\n)[ \t]*)@[A-Za-z_][\w.]*/, kind: "meta" },
    { pattern: /[A-Za-z_]\w*/, kind: "word" },
  ],
  words: { keyword: words(PY_KEYWORDS), literal: words("True False None"), builtin: words(PY_BUILTINS) },
  capitalisedTypes: false,
  defines: { def: "function", class: "type" },
};

// ── JSON ─────────────────────────────────────────────────────────────────────────────────────────────
const JSON_GRAMMAR: Grammar = {
  rules: [
    { pattern: /"(?:[^"\\\n]|\\[\s\S])*"?(?=\s*:)/, kind: "attr" },
    { pattern: /"(?:[^"\\\n]|\\[\s\S])*"?/, kind: "string" },
    { pattern: /-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/, kind: "number" },
    { pattern: /[A-Za-z_]\w*/, kind: "word" },
  ],
  words: { literal: words("true false null") },
};

// ── shell ────────────────────────────────────────────────────────────────────────────────────────────
const BASH: Grammar = {
  rules: [
    { pattern: /(?<![^\s;|&(])#[^\n]*/, kind: "comment" },
    { pattern: /"(?:[^"\\]|\\[\s\S])*"?|'[^']*'?/, kind: "string" },
    { pattern: /\$\{[^}\n]*\}?|\$[A-Za-z_]\w*|\$[0-9@#?$!*-]/, kind: "variable" },
    { pattern: /(?<![\w-])--?[A-Za-z][\w-]*/, kind: "attr" },
    { pattern: /\b\d+\b/, kind: "number" },
    { pattern: /[A-Za-z_][\w-]*/, kind: "word" },
  ],
  words: {
    keyword: words("if then else elif fi for while until do done case esac function in select return"),
    builtin: words(
      "echo cd export source set unset read printf test exit local alias eval exec pwd shift trap " +
        "wait kill true false npm npx node python3 python pip git",
    ),
  },
};

// ── HTML / XML / SVG ─────────────────────────────────────────────────────────────────────────────────
const XML: Grammar = {
  rules: [
    { pattern: /<!--[\s\S]*?(?:-->|(?![\s\S]))/, kind: "comment" },
    {
      pattern: /<!\[CDATA\[[\s\S]*?(?:\]\]>|(?![\s\S]))|<![A-Za-z][^>]*>?|<\?[\s\S]*?(?:\?>|(?![\s\S]))/,
      kind: "meta",
    },
    {
      pattern: /<\/?[A-Za-z][\w:.-]*(?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s>"']+))?)*\s*\/?>?/,
      kind: "tag",
    },
    { pattern: /&(?:#\d+|#x[\da-fA-F]+|[A-Za-z]\w*);/, kind: "literal" },
  ],
};

/** Inside a tag: its name, each attribute name, each value. */
const TAG_PARTS = /(^<\/?)([\w:.-]+)|([^\s=>"'/]+)(?=\s*=)|("[^"]*"?|'[^']*'?|(?<==\s*)[^\s>"']+)/g;

const GRAMMARS: Record<string, Grammar> = {
  typescript: jsGrammar(true),
  javascript: jsGrammar(false),
  python: PYTHON,
  json: JSON_GRAMMAR,
  bash: BASH,
  xml: XML,
};

const ALIASES: Record<string, string> = {
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  node: "javascript",
  py: "python",
  python3: "python",
  ipython: "python",
  ipython3: "python",
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  html: "xml",
  svg: "xml",
  xhtml: "xml",
};

/** The languages we highlight (aliases such as `ts`, `py`, `sh`, `html` map onto them). */
export const LANGUAGES = Object.keys(GRAMMARS);

/** One grammar's rules as a single global pattern: group i+1 is rule i. */
interface Compiled {
  grammar: Grammar;
  scanner: RegExp;
}

/**
 * A highlighter for one page. Grammars are compiled to their scanner on first use (the regex engine
 * compiles a pattern when it first runs; a page of TypeScript never pays for Python's).
 */
export function createHighlighter(): Highlighter {
  const compiled = new Map<string, Compiled>();
  const compile = (name: string): Compiled => {
    let c = compiled.get(name);
    if (!c) {
      const grammar = GRAMMARS[name];
      const source = grammar.rules.map((r) => `(${r.pattern.source})`).join("|");
      c = { grammar, scanner: new RegExp(source, "g") };
      compiled.set(name, c);
    }
    return c;
  };
  const highlight: Highlighter = (code, language) => {
    const key = language?.toLowerCase();
    const name = key && (ALIASES[key] ?? key);
    if (!name || !Object.hasOwn(GRAMMARS, name)) return escapeHtml(code);
    return scan(code, compile(name), highlight, name);
  };
  return highlight;
}

const span = (kind: Kind, text: string) => `<span class="tok-${kind}">${escapeHtml(text)}</span>`;

function scan(code: string, { grammar, scanner }: Compiled, highlight: Highlighter, name: string): string {
  const rules = grammar.rules;
  let out = "";
  let last = 0;
  /** The kind the next identifier gets, after a defining keyword (`class` → type). */
  let defining: Kind | undefined;
  scanner.lastIndex = 0;
  for (let m = scanner.exec(code); m; m = scanner.exec(code)) {
    const text = m[0];
    if (!text) {
      scanner.lastIndex++; // never happens with these patterns; guards against an endless loop
      continue;
    }
    let r = 0;
    while (m[r + 1] === undefined) r++;
    const kind = rules[r].kind;
    const gap = code.slice(last, m.index);
    out += escapeHtml(gap);
    last = m.index + text.length;
    if (gap.trim()) defining = undefined;
    if (kind === "word") {
      const wordKind = classifyWord(text, grammar, defining, code, m.index, last);
      defining = grammar.defines?.[text];
      out += wordKind ? span(wordKind, text) : escapeHtml(text);
      continue;
    }
    defining = undefined;
    if (kind === "template") {
      out += template(text, highlight, name);
      scanner.lastIndex = last; // the substitutions were scanned with this same pattern
    } else if (kind === "tag") out += tag(text);
    else out += span(kind as Kind, text);
  }
  return out + escapeHtml(code.slice(last));
}

function classifyWord(
  word: string,
  grammar: Grammar,
  defining: Kind | undefined,
  code: string,
  start: number,
  end: number,
): Kind | undefined {
  const w = grammar.words;
  // A property (`x.type`, `xs.map(`): never a keyword or a global, perhaps a method call.
  const property = code.charCodeAt(start - 1) === 46 && code.charCodeAt(start - 2) !== 46;
  if (property) return isCall(code, end) && grammar.defines ? "function" : undefined;
  if (w?.keyword?.has(word)) return "keyword";
  if (w?.literal?.has(word)) return "literal";
  if (defining) return defining;
  if (w?.type?.has(word)) return "type";
  if (w?.builtin?.has(word)) return "builtin";
  if (grammar.capitalisedTypes && word.charCodeAt(0) >= 65 && word.charCodeAt(0) <= 90) return "type";
  return isCall(code, end) && grammar.defines ? "function" : undefined;
}

/** A call: the identifier ending at `end` is followed by `(` (spaces allowed). */
function isCall(code: string, end: number): boolean {
  let i = end;
  while (code.charCodeAt(i) === 32) i++;
  return code.charCodeAt(i) === 40;
}

/** A template literal: string parts coloured as strings, each `${…}` highlighted as code again. */
function template(text: string, highlight: Highlighter, name: string): string {
  let out = "";
  let from = 0;
  let at = text.indexOf("${");
  while (at >= 0) {
    let depth = 1;
    let j = at + 2;
    for (; j < text.length && depth > 0; j++) {
      const c = text.charCodeAt(j);
      if (c === 123) depth++;
      else if (c === 125) depth--;
    }
    if (depth > 0) break;
    out += span("string", text.slice(from, at + 2)) + highlight(text.slice(at + 2, j - 1), name);
    from = j - 1;
    at = text.indexOf("${", j);
  }
  return out + span("string", text.slice(from));
}

/** A start or end tag: name, attribute names and values coloured, the rest escaped. */
function tag(text: string): string {
  let out = "";
  let last = 0;
  TAG_PARTS.lastIndex = 0;
  for (let m = TAG_PARTS.exec(text); m; m = TAG_PARTS.exec(text)) {
    out += escapeHtml(text.slice(last, m.index));
    if (m[2] !== undefined) out += escapeHtml(m[1]) + span("tag", m[2]);
    else if (m[3] !== undefined) out += span("attr", m[3]);
    else out += span("string", m[4]);
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
