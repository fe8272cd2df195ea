/**
 * One output (stream, error, display_data, execute_result) to HTML. A MIME bundle shows its richest
 * representation the page can render, in JupyterLab's order of preference; a bundle with nothing we
 * know shows a placeholder naming its types instead of failing the export.
 */
import type MarkdownIt from "markdown-it";
import { ansiToHtml } from "./ansi.js";
import { balanceHtml, escapeHtml, jsonForScript } from "./html.js";
import type { Highlighter } from "./highlight.js";
import { renderMarkdown } from "./markdown.js";
import { scanMath } from "./math-scan.js";
import { joinSource, type MimeBundle, type Output } from "./nbformat.js";
import { parseFigure, PLOTLY_MIME, type PlotlyFigure, type PlotlyMode } from "./plotly.js";
import { scopeSvgIds, stripProlog } from "./svg.js";
import type { TexRenderer } from "./tex.js";

/** What rendering needs from the page being built. */
export interface OutputContext {
  tex?: TexRenderer;
  md: MarkdownIt;
  highlight: Highlighter;
  sanitize: boolean;
  cleanHtml: (html: string) => string;
  plotly: PlotlyMode;
  /** Every figure rendered so far (the page picks its plotly bundle from them). */
  figures: PlotlyFigure[];
  slugs: Set<string>;
  /** A page-unique id prefix for an output (scopes SVG ids). */
  nextId(): string;
  warn(message: string): void;
}

const RASTER = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"];

/** MIME types we render, richest first (JupyterLab's ranking, with plotly before the HTML that wraps it). */
export const MIME_ORDER = [
  PLOTLY_MIME,
  "text/html",
  "text/markdown",
  "text/latex",
  "image/svg+xml",
  ...RASTER,
  "application/javascript",
  "application/json",
  "text/plain",
];

/** The text of a bundle value: nbformat stores text as a string or a list of lines. */
export function mimeText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  return JSON.stringify(value, null, 2);
}

/** The MIME type a bundle is shown as, or undefined when it has none we can render. */
export function chooseMime(
  data: MimeBundle,
  ctx: Pick<OutputContext, "sanitize" | "plotly">,
): string | undefined {
  return MIME_ORDER.find((mime) => {
    if (!(mime in data)) return false;
    if (mime === "application/javascript") return !ctx.sanitize;
    if (mime === PLOTLY_MIME) return parseFigure(data[mime]) !== undefined;
    return true;
  });
}

export function renderOutput(output: Output, ctx: OutputContext): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="stream ${output.name}">${ansiToHtml(joinSource(output.text))}</pre>`;
    case "error": {
      const tb = output.traceback.length ? output.traceback.join("\n") : `${output.ename}: ${output.evalue}`;
      return `<pre class="error">${ansiToHtml(tb)}</pre>`;
    }
    case "display_data":
    case "execute_result":
      return renderBundle(output.data, output.metadata ?? {}, ctx);
  }
}

function renderBundle(data: MimeBundle, metadata: Record<string, unknown>, ctx: OutputContext): string {
  const mime = chooseMime(data, ctx);
  if (!mime) {
    const types = Object.keys(data);
    ctx.warn(`no renderable representation among ${types.join(", ") || "(empty bundle)"}`);
    return (
      `<div class="output-unsupported">This output (${escapeHtml(types.join(", ") || "empty")}) ` +
      `has no representation an HTML page can show.</div>`
    );
  }
  const value = data[mime];
  const meta = (metadata[mime] ?? {}) as Record<string, unknown>;
  if (mime === PLOTLY_MIME) return renderPlotly(parseFigure(value)!, data, ctx);
  if (mime === "text/html") return renderHtml(mimeText(value), ctx);
  if (mime === "text/markdown")
    return `<div class="output-markdown">${renderMarkdown(ctx.md, mimeText(value), ctx)}</div>`;
  if (mime === "text/latex") return `<div class="output-latex">${renderLatex(mimeText(value), ctx)}</div>`;
  if (mime === "image/svg+xml") return `<div class="output-svg">${renderSvg(mimeText(value), ctx)}</div>`;
  if (RASTER.includes(mime)) return `<div class="output-image">${renderRaster(mime, value, meta)}</div>`;
  if (mime === "application/javascript") return renderJavascript(mimeText(value), ctx);
  if (mime === "application/json")
    return `<pre class="output-json">${ctx.highlight(JSON.stringify(value, null, 2) ?? "null", "json")}</pre>`;
  return `<pre class="output-text">${ansiToHtml(mimeText(value))}</pre>`;
}

function renderHtml(html: string, ctx: OutputContext): string {
  const clean = ctx.cleanHtml(html);
  ctx.tex?.noteHtml(clean);
  // Each output is its own DOM subtree in Jupyter; balancing keeps an unclosed <div> from eating the page.
  return `<div class="output-html">${balanceHtml(clean)}</div>`;
}

/** text/latex as JupyterLab shows it: delimited math typeset in the text; no delimiters means all math. */
function renderLatex(text: string, ctx: OutputContext): string {
  if (!ctx.tex) return `<pre>${escapeHtml(text)}</pre>`;
  const segments = scanMath(text, { markdown: false });
  if (!segments.some((s) => s.kind === "math")) return ctx.tex.render(text, true);
  return segments
    .map((s) => (s.kind === "math" ? ctx.tex!.render(s.tex, s.display) : escapeHtml(s.text)))
    .join("");
}

function renderSvg(svg: string, ctx: OutputContext): string {
  return balanceHtml(scopeSvgIds(ctx.cleanHtml(stripProlog(svg.trim())), `${ctx.nextId()}-`));
}

function renderRaster(mime: string, value: unknown, meta: Record<string, unknown>): string {
  const b64 = mimeText(value).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64))
    return `<div class="output-unsupported">This ${escapeHtml(mime)} output is not valid base64 data.</div>`;
  const size = ["width", "height"]
    .filter((k) => typeof meta[k] === "number" || typeof meta[k] === "string")
    .map((k) => ` ${k}="${escapeHtml(String(meta[k]))}"`)
    .join("");
  return `<img src="data:${mime};base64,${b64}"${size} alt="output image">`;
}

/** Like the classic Notebook: the script gets `element`, its output area; a throw is logged, not fatal. */
function renderJavascript(js: string, ctx: OutputContext): string {
  const id = ctx.nextId();
  const body = `(function (element) {\ntry {\n${js}\n} catch (err) { console.warn("gradlab: output script failed", err); }\n})(document.getElementById(${JSON.stringify(id)}));`;
  return `<div class="output-javascript" id="${id}"></div><script>${body.replace(/<\/(script)/gi, "<\\/$1")}</script>`;
}

/**
 * A plotly figure: its JSON plus the static picture from the same bundle, shown until plotly.js has drawn
 * the live figure. HTML with scripts is no static picture (plotly's own HTML loads plotly from a CDN).
 */
function renderPlotly(fig: PlotlyFigure, data: MimeBundle, ctx: OutputContext): string {
  ctx.figures.push(fig);
  const staticHtml = staticPicture(data, ctx);
  if (ctx.plotly === "none")
    return staticHtml
      ? `<div class="plotly-figure">${staticHtml}</div>`
      : `<div class="output-unsupported">An interactive plotly figure (not included: --plotly none).</div>`;
  const still = staticHtml
    ? `<div class="plotly-static">${staticHtml}</div>`
    : `<noscript><div class="output-unsupported">An interactive plotly figure: it needs JavaScript.</div></noscript>`;
  return (
    `<div class="plotly-figure">${still}` +
    `<script type="application/json" class="plotly-data">${jsonForScript(fig)}</script></div>`
  );
}

function staticPicture(data: MimeBundle, ctx: OutputContext): string | undefined {
  if ("image/svg+xml" in data)
    return `<div class="output-svg">${renderSvg(mimeText(data["image/svg+xml"]), ctx)}</div>`;
  const raster = RASTER.find((m) => m in data);
  if (raster) return `<div class="output-image">${renderRaster(raster, data[raster], {})}</div>`;
  const html = "text/html" in data ? mimeText(data["text/html"]) : undefined;
  if (html && !/<script/i.test(html)) return renderHtml(html, ctx);
  return undefined;
}
