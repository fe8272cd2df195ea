/**
 * A notebook to one self-contained HTML page. Everything a reader needs is in the file: typeset math with
 * its fonts, highlighted code, images, SVG, and one plotly.js for all figures. The page makes no network
 * request (unless asked for `--plotly cdn`) and shows math and static figures with scripts disabled.
 */
import { basename } from "node:path";
import type { Load } from "./code-cache.js";
import type { Mark } from "./timing.js";
import { createHighlighter } from "./highlight.js";
import { balanceHtml, escapeHtml, joinParts, type PagePart } from "./html.js";
import { createMarkdownIt, renderMarkdown } from "./markdown.js";
import { joinSource, type Cell, type CodeCell, type Notebook } from "./nbformat.js";
import { chooseMime, mimeText, renderOutput, type OutputContext } from "./outputs.js";
import { PAGE_CSS } from "./page-style.js";
import { bundleFor, plotlyScripts, type PlotlyMode } from "./plotly.js";
import { sanitizeHtml } from "./sanitize.js";
import { createTexRenderer } from "./tex.js";

export interface ExportOptions {
  /** How figures get plotly.js: inlined once (default), from the CDN, or not at all (static pictures). */
  plotly?: PlotlyMode;
  /** Show code cells' source (default true; `--no-input` hides it). */
  input?: boolean;
  /** Show `In [n]:` / `Out[n]:` prompts (default true; `--no-prompt`). */
  prompts?: boolean;
  /** Treat the notebook as untrusted: strip scripts, handlers and unsafe URLs from HTML and SVG. */
  sanitize?: boolean;
  /** The page title (default: notebook metadata title, first heading, or the file name). */
  title?: string;
  /** The notebook's file name, for the default title. */
  fileName?: string;
  /** How KaTeX and markdown-it are loaded (the CLI passes a code-cached require). */
  load?: Load;
  /** Notes the end of each phase (GRADLAB_EXPORT_TIMING, see timing.ts). */
  mark?: Mark;
}

export interface ExportResult {
  /** The page as one string (made on first use from `parts`). */
  readonly html: string;
  /** The page in pieces, to write without joining them (the inlined plotly.js stays bytes). */
  parts: PagePart[];
  /** Problems that did not stop the export, each naming its cell (e.g. TeX KaTeX cannot parse). */
  warnings: string[];
  figures: number;
  plotlyBundle?: "cartesian" | "full";
}

const MATH_HINT = /\$|\\\(|\\\[|\\begin\{/;

/** Exports a parsed notebook to HTML. */
export async function exportNotebook(nb: Notebook, options: ExportOptions = {}): Promise<ExportResult> {
  const opts = { plotly: "inline" as PlotlyMode, input: true, prompts: true, sanitize: false, ...options };
  const mark = opts.mark ?? (() => {});
  const prompts = opts.prompts && opts.input;
  const warnings: string[] = [];
  let where = "";
  const highlight = createHighlighter();
  mark("highlighter ready");
  const tex = needsTex(nb) ? await createTexRenderer(opts.load) : undefined;
  mark(tex ? "KaTeX loaded" : "no math: KaTeX not loaded");
  const md = createMarkdownIt(highlight, opts.load);
  mark("markdown-it loaded");
  let outputIds = 0;
  const ctx: OutputContext = {
    tex,
    md,
    highlight,
    sanitize: opts.sanitize,
    cleanHtml: opts.sanitize ? sanitizeHtml : (html) => html,
    plotly: opts.plotly,
    figures: [],
    slugs: new Set(),
    nextId: () => `o${++outputIds}`,
    warn: (message) => warnings.push(`${where}: ${message}`),
  };
  const language = notebookLanguage(nb);
  const cells: string[] = [];
  nb.cells.forEach((cell, i) => {
    where = `cell ${i + 1}`;
    const texProblems = tex?.problems.length ?? 0;
    const html = renderCell(cell, ctx, { ...opts, prompts, language });
    if (html) cells.push(html);
    for (const p of tex?.problems.slice(texProblems) ?? [])
      warnings.push(`${where}: cannot typeset ${JSON.stringify(p.tex.slice(0, 60))}: ${p.message}`);
  });
  mark("cells rendered");
  const bundle = bundleFor(ctx.figures);
  const title = opts.title ?? notebookTitle(nb, opts.fileName);
  const styles = [PAGE_CSS, tex?.used ? tex.css() : ""].join("\n");
  const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gradlab export">
<title>${escapeHtml(title)}</title>
<style>${styles}</style>
</head>
<body>
<main class="notebook${prompts ? " with-prompts" : ""}">
${cells.join("\n")}
</main>
`;
  const parts: PagePart[] = [page, ...plotlyScripts(opts.plotly, bundle), "\n</body>\n</html>\n"];
  mark("page assembled");
  let html: string | undefined;
  return {
    parts,
    get html() {
      return (html ??= joinParts(parts));
    },
    warnings,
    figures: ctx.figures.length,
    plotlyBundle: opts.plotly === "none" ? undefined : bundle,
  };
}

interface CellOptions {
  input: boolean;
  prompts: boolean;
  language: string | undefined;
}

/** Jupyter Book / nbconvert tags that hide parts of a cell in a published page. */
function tags(cell: Cell): string[] {
  const t = cell.metadata.tags;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

function renderCell(cell: Cell, ctx: OutputContext, opts: CellOptions): string | undefined {
  const cellTags = tags(cell);
  if (cellTags.includes("remove-cell")) return undefined;
  const id = cell.id ? ` id="cell-${escapeHtml(cell.id)}"` : "";
  const source = joinSource(cell.source);
  if (cell.cell_type === "markdown") {
    const body = renderMarkdown(ctx.md, source, { ...ctx, attachments: cell.attachments });
    return `<section class="cell markdown-cell"${id}><div class="row"><div class="prompt"></div><div class="markdown">${body}</div></div></section>`;
  }
  if (cell.cell_type === "raw") return renderRaw(cell, source, ctx, id);
  return renderCodeCell(cell, source, ctx, opts, cellTags, id);
}

/** Raw cells reach an HTML page only when their format says they are HTML or markdown (as in nbconvert). */
function renderRaw(cell: Cell, source: string, ctx: OutputContext, id: string): string | undefined {
  const format = String(cell.metadata.raw_mimetype ?? cell.metadata.format ?? "");
  if (format === "text/html")
    return `<section class="cell raw-cell"${id}><div class="row"><div class="prompt"></div><div class="output-html">${balanceHtml(ctx.cleanHtml(source))}</div></div></section>`;
  if (format === "text/markdown")
    return `<section class="cell raw-cell"${id}><div class="row"><div class="prompt"></div><div class="markdown">${renderMarkdown(ctx.md, source, ctx)}</div></div></section>`;
  return undefined;
}

function renderCodeCell(
  cell: CodeCell,
  source: string,
  ctx: OutputContext,
  opts: CellOptions,
  cellTags: string[],
  id: string,
): string | undefined {
  const count = cell.execution_count ?? " ";
  const parts: string[] = [];
  if (opts.input && !cellTags.includes("remove-input")) {
    const prompt = opts.prompts ? `In&nbsp;[${count}]:` : "";
    parts.push(
      `<div class="row input"><div class="prompt in">${prompt}</div><pre class="source"><code>${ctx.highlight(source, opts.language)}</code></pre></div>`,
    );
  }
  if (!cellTags.includes("remove-output") && cell.outputs.length) {
    const outputs = cell.outputs.map((o) => {
      const out =
        o.output_type === "execute_result" && opts.prompts ? `Out[${o.execution_count ?? count}]:` : "";
      return `<div class="row output"><div class="prompt out">${out}</div><div class="output-body">${renderOutput(o, ctx)}</div></div>`;
    });
    parts.push(`<div class="outputs">${outputs.join("")}</div>`);
  }
  if (!parts.length) return undefined;
  return `<section class="cell code-cell"${id}>${parts.join("")}</section>`;
}

/** Math can only come from markdown text, a text/latex output, or markdown/HTML outputs. */
function needsTex(nb: Notebook): boolean {
  return nb.cells.some((cell) => {
    if (cell.cell_type !== "code") return MATH_HINT.test(joinSource(cell.source));
    return cell.outputs.some((o) => {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") return false;
      const mime = chooseMime(o.data, { sanitize: false, plotly: "inline" });
      if (mime === "text/latex") return true;
      if (mime === "text/markdown") return MATH_HINT.test(mimeText(o.data[mime]));
      return mime === "text/html" && mimeText(o.data[mime]).includes("katex");
    });
  });
}

function notebookLanguage(nb: Notebook): string | undefined {
  return nb.metadata.language_info?.name ?? nb.metadata.kernelspec?.language ?? undefined;
}

function notebookTitle(nb: Notebook, fileName: string | undefined): string {
  if (typeof nb.metadata.title === "string" && nb.metadata.title) return nb.metadata.title;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const h1 = /^\s{0,3}#\s+(.+?)\s*#*\s*$/m.exec(joinSource(cell.source));
    if (h1) return h1[1].replace(/[*_`$\\]/g, "");
  }
  return fileName ? basename(fileName).replace(/\.ipynb$/i, "") : "Notebook";
}
