/**
 * Syntax highlighting with highlight.js: the core, plus each language grammar loaded the first time a
 * page asks for it (loading all 190, or even the six we know, costs startup time on every export).
 * A fresh instance per page: no shared registry. highlight.js is CommonJS, so it is required, not
 * imported (an ESM import of CommonJS runs a lexer over the source first).
 */
import type { HLJSApi, LanguageFn } from "highlight.js";
import { plainLoad, type Load } from "./code-cache.js";
import { escapeHtml } from "./html.js";

/** Returns highlighted HTML (token spans, text escaped) for `code` in `language`. */
export type Highlighter = (code: string, language: string | undefined) => string;

const ALIASES: Record<string, string> = {
  ts: "typescript",
  tsx: "typescript",
  js: "javascript",
  jsx: "javascript",
  py: "python",
  ipython: "python",
  ipython3: "python",
  python3: "python",
  sh: "bash",
  shell: "bash",
  html: "xml",
  svg: "xml",
};
/** The grammars we highlight with (the prebuilt bundle includes exactly these). */
export const LANGUAGES = ["typescript", "javascript", "python", "json", "bash", "xml"];
const KNOWN = new Set(LANGUAGES);

export function createHighlighter(load: Load = plainLoad): Highlighter {
  const hljs = (load("highlight.js/lib/core") as HLJSApi).newInstance();
  return (code, language) => {
    const lang = language ? (ALIASES[language.toLowerCase()] ?? language.toLowerCase()) : undefined;
    if (!lang || !KNOWN.has(lang)) return escapeHtml(code);
    if (!hljs.getLanguage(lang))
      hljs.registerLanguage(lang, load(`highlight.js/lib/languages/${lang}`) as LanguageFn);
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  };
}
