/**
 * TeX to HTML at export time with KaTeX, so the page needs no script to show math (and no MathJax CDN,
 * which is why nbconvert's pages show raw TeX offline). One renderer per page: it keeps the macros that
 * cells define with \newcommand (as MathJax does across a notebook) and the set of fonts the page needs.
 *
 * Typesetting a lecture's hundred formulas is the largest single cost of an export, so it can run on a
 * worker thread (tex-worker.ts) while the main thread renders markdown and code: `render` then returns a
 * placeholder, and `resolve` puts the typeset HTML in once `finish` has waited for the worker.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type Katex from "katex";
import { plainLoad, type Load } from "./code-cache.js";
import { escapeHtml } from "./html.js";
import { collectFontUse, katexCss, loadKatexStyles, type KatexStyles } from "./katex-fonts.js";

export interface TexProblem {
  tex: string;
  message: string;
  /** Which distinct formula (see TexRenderer.count) failed. */
  index: number;
}

export interface TexRenderer {
  /**
   * HTML for one formula, or a placeholder for it that `resolve` replaces. A formula KaTeX cannot parse
   * is shown as its source, marked, and reported in `problems`.
   */
  render(tex: string, display: boolean): string;
  /** Notes the fonts used by KaTeX markup that arrived already rendered (e.g. inside a text/html output). */
  noteHtml(html: string): void;
  /** True once any formula was rendered or noted: the page then needs the KaTeX stylesheet. */
  readonly used: boolean;
  /** Distinct formulas so far: problem `index`es below it came from the cells rendered so far. */
  readonly count: number;
  /** Waits for every formula to be typeset; afterwards `resolve`, `css` and `problems` are final. */
  finish(): Promise<void>;
  /** `html` with every placeholder replaced by its typeset formula. */
  resolve(html: string): string;
  /** The KaTeX stylesheet with only the needed fonts inlined. */
  css(): string;
  readonly problems: TexProblem[];
}

/** One formula typeset: its HTML, or the parse error (the HTML then shows the source). */
export interface Typeset {
  html: string;
  error?: string;
}

/** KaTeX with the page's macros, noting fonts as it goes. Used on the main thread or in the worker. */
export function createTypesetter(katex: typeof Katex, styles: KatexStyles) {
  const macros: Record<string, string> = {};
  const fonts = new Set<string>();
  return {
    fonts,
    typeset(tex: string, display: boolean): Typeset {
      try {
        const html = katex.renderToString(cleanTex(tex), {
          displayMode: display,
          throwOnError: true,
          macros,
          globalGroup: true,
          strict: "ignore",
          trust: false,
          output: "htmlAndMathml",
        });
        collectFontUse(html, styles, fonts);
        return { html };
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        const tag = display ? "div" : "span";
        return {
          html: `<${tag} class="math-error" title="${escapeHtml(error)}">${escapeHtml(tex)}</${tag}>`,
          error,
        };
      }
    },
  };
}

export interface TexOptions {
  load?: Load;
  /** Typeset on a worker thread (when its compiled file exists; tests running from sources cannot). */
  worker?: boolean;
}

/** The worker's module next to this one (in dist/; from the TypeScript sources there is none). */
function workerFile(): string | undefined {
  const file = fileURLToPath(new URL("./tex-worker.js", import.meta.url));
  return existsSync(file) ? file : undefined;
}

/**
 * A renderer for one page. KaTeX is loaded lazily (pages without math never pay for it), as CommonJS,
 * which Node loads faster than the same code as an ES module.
 */
export async function createTexRenderer(options: TexOptions = {}): Promise<TexRenderer> {
  const load = options.load ?? plainLoad;
  const styles = loadKatexStyles();
  const file = options.worker ? workerFile() : undefined;
  if (file) return workerRenderer(new Worker(file), styles);
  const typesetter = createTypesetter(load("katex") as typeof Katex, styles);
  const results: string[] = [];
  const problems: TexProblem[] = [];
  return pageRenderer(styles, typesetter.fonts, problems, {
    send(index, tex, display) {
      const r = typesetter.typeset(tex, display);
      if (r.error) problems.push({ tex, message: r.error, index });
      results[index] = r.html;
      return r.html;
    },
    finish: async () => undefined,
    resolve: (html) => html,
  });
}

interface Backend {
  /** Typesets formula `index`; returns what goes in the page now (HTML, or a placeholder). */
  send(index: number, tex: string, display: boolean): string;
  finish(): Promise<void>;
  resolve(html: string): string;
}

/**
 * What both ways share: the memo (a lecture repeats $x$ and $J$ dozens of times, each distinct formula
 * is typeset once; a formula that defines macros changes what later ones mean, so it starts the memo
 * afresh) and the fonts of KaTeX markup met in HTML outputs.
 */
function pageRenderer(
  styles: KatexStyles,
  fonts: Set<string>,
  problems: TexProblem[],
  backend: Backend,
): TexRenderer {
  const memo = new Map<string, string>();
  let count = 0;
  let used = false;
  return {
    render(tex, display) {
      used = true;
      const key = `${display ? "D" : "I"}${tex}`;
      const known = memo.get(key);
      if (known !== undefined) return known;
      if (DEFINES.test(tex)) memo.clear();
      const out = backend.send(count++, tex, display);
      memo.set(key, out);
      return out;
    },
    noteHtml(html) {
      if (!html.includes("katex")) return;
      used = true;
      collectFontUse(html, styles, fonts);
    },
    get used() {
      return used;
    },
    get count() {
      return count;
    },
    finish: () => backend.finish(),
    resolve: (html) => backend.resolve(html),
    css: () => katexCss(styles, fonts),
    problems,
  };
}

/** Messages to the worker: one formula, or the end of the page. */
export type ToWorker = { tex: string; display: boolean } | { done: true };
/** The worker's answer at the end: every formula's HTML in order, the fonts used, the failures. */
export interface FromWorker {
  html: string[];
  fonts: string[];
  problems: TexProblem[];
}

const SLOT = /\uE010(\d+)\uE011/g;

function workerRenderer(worker: Worker, styles: KatexStyles): TexRenderer {
  const fonts = new Set<string>();
  const problems: TexProblem[] = [];
  let html: string[] = [];
  const answer = new Promise<FromWorker>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the TeX worker stopped (exit code ${code})`)));
  });
  answer.catch(() => undefined); // observed in finish()
  return pageRenderer(styles, fonts, problems, {
    send(index, tex, display) {
      worker.postMessage({ tex, display } satisfies ToWorker);
      return `\uE010${index}\uE011`;
    },
    async finish() {
      worker.postMessage({ done: true } satisfies ToWorker);
      try {
        const result = await answer;
        html = result.html;
        for (const f of result.fonts) fonts.add(f);
        problems.push(...result.problems);
      } finally {
        await worker.terminate();
      }
    },
    resolve: (page) => page.replace(SLOT, (_, i: string) => html[Number(i)] ?? ""),
  });
}

const DEFINES = /\\(?:newcommand|renewcommand|def|gdef|edef|xdef|let|DeclareMathOperator)\b/;

/** MathJax accepts `\label{…}` (for \eqref); KaTeX does not, and a label shows nothing anyway. */
function cleanTex(tex: string): string {
  return tex.replace(/\\label\{[^}]*\}/g, "");
}
