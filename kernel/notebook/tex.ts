/**
 * TeX to HTML at export time with KaTeX, so the page needs no script to show math (and no MathJax CDN,
 * which is why nbconvert's pages show raw TeX offline). One renderer per page: it keeps the macros that
 * cells define with \newcommand (as MathJax does across a notebook) and the set of fonts the page needs.
 * (Typesetting on a worker thread, in parallel with markdown and code, was tried: starting the worker
 * and loading KaTeX there cost more than it saved on two busy cores.)
 */
import type Katex from "katex";
import { plainLoad, type Load } from "./code-cache.js";
import { escapeHtml } from "./html.js";
import { katexStyles } from "./installed.js";
import {
  collectFontUse,
  collectTreeFontUse,
  katexCss,
  type KatexDomNode,
  type KatexDomTypes,
} from "./katex-fonts.js";

export interface TexProblem {
  tex: string;
  message: string;
}

export interface TexRenderer {
  /** HTML for one formula; a formula KaTeX cannot parse is shown as its source, marked, and reported. */
  render(tex: string, display: boolean): string;
  /** Notes the fonts used by KaTeX markup that arrived already rendered (e.g. inside a text/html output). */
  noteHtml(html: string): void;
  /** True once any formula was rendered or noted: the page then needs the KaTeX stylesheet. */
  readonly used: boolean;
  /** The KaTeX stylesheet with only the needed fonts inlined. */
  css(): string;
  readonly problems: TexProblem[];
}

/**
 * A renderer for one page. KaTeX is loaded lazily (pages without math never pay for it), as CommonJS,
 * which Node loads faster than the same code as an ES module.
 */
export async function createTexRenderer(load: Load = plainLoad): Promise<TexRenderer> {
  const katex = load("katex") as typeof Katex;
  const styles = katexStyles();
  const macros: Record<string, string> = {};
  const fonts = new Set<string>();
  const problems: TexProblem[] = [];
  const memo = new Map<string, string>();
  let used = false;

  const tree = treeApi(katex);
  const typeset = (tex: string, display: boolean): string => {
    try {
      const options: Katex.KatexOptions = {
        displayMode: display,
        throwOnError: true,
        macros,
        globalGroup: true,
        strict: "ignore",
        trust: false,
        output: "htmlAndMathml",
      };
      if (tree) {
        // renderToString is this tree's toMarkup(); fonts are read off the tree, not the markup.
        const root = tree.render(cleanTex(tex), options);
        collectTreeFontUse(root, tree.types, styles, fonts);
        return root.toMarkup();
      }
      const html = katex.renderToString(cleanTex(tex), options);
      collectFontUse(html, styles, fonts);
      return html;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      problems.push({ tex, message });
      const tag = display ? "div" : "span";
      return `<${tag} class="math-error" title="${escapeHtml(message)}">${escapeHtml(tex)}</${tag}>`;
    }
  };

  return {
    render(tex, display) {
      used = true;
      // A lecture repeats its symbols ($x$, $J$) dozens of times: each distinct formula is typeset once.
      // A formula that defines macros changes what later ones mean, so it starts the memo afresh.
      const key = `${display ? "D" : "I"}${tex}`;
      const known = memo.get(key);
      if (known !== undefined) return known;
      if (DEFINES.test(tex)) memo.clear();
      const html = typeset(tex, display);
      memo.set(key, html);
      return html;
    },
    noteHtml(html) {
      if (!html.includes("katex")) return;
      used = true;
      collectFontUse(html, styles, fonts);
    },
    get used() {
      return used;
    },
    css: () => katexCss(styles, fonts),
    problems,
  };
}

/**
 * KaTeX's build tree (`__renderToDomTree`, `__domTree`: exported, marked internal), when this KaTeX has
 * it; else undefined and formulas go through renderToString and the markup scan. katex-fonts.test.ts
 * checks that both ways find the same fonts.
 */
export function treeApi(
  katex: typeof Katex,
): { render(tex: string, options: Katex.KatexOptions): KatexDomNode; types: KatexDomTypes } | undefined {
  const k = katex as unknown as {
    __renderToDomTree?: (tex: string, options: Katex.KatexOptions) => KatexDomNode;
    __domTree?: Partial<KatexDomTypes>;
  };
  const types = k.__domTree;
  if (typeof k.__renderToDomTree !== "function" || !types?.Span || !types.Anchor || !types.SymbolNode)
    return undefined;
  return { render: k.__renderToDomTree, types: types as KatexDomTypes };
}

const DEFINES = /\\(?:newcommand|renewcommand|def|gdef|edef|xdef|let|DeclareMathOperator)\b/;

/** MathJax accepts `\label{…}` (for \eqref); KaTeX does not, and a label shows nothing anyway. */
function cleanTex(tex: string): string {
  return tex.replace(/\\label\{[^}]*\}/g, "");
}
