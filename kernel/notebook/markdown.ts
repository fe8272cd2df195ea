/**
 * Markdown cells to HTML with markdown-it (CommonMark + GFM tables and strikethrough, raw HTML allowed as
 * in Jupyter). Math is taken out before markdown-it parses (see math-scan.ts), stands in the text as a
 * private-use placeholder, and is put back as tokens: typeset where it is text, restored as source where
 * it landed in code or an attribute.
 */
import type MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import type { MimeBundle } from "./nbformat.js";
import { plainLoad, type Load } from "./code-cache.js";
import type { Highlighter } from "./highlight.js";
import { scanMath, type MathSegment } from "./math-scan.js";
import { balanceHtml, escapeHtml } from "./html.js";
import type { TexRenderer } from "./tex.js";

export interface MarkdownContext {
  /** Typesets math; without it math is shown as its TeX source. */
  tex?: TexRenderer;
  highlight: Highlighter;
  /** Cleans raw HTML (`--sanitize`); identity when the notebook is trusted. */
  cleanHtml: (html: string) => string;
  /** Heading ids already used on the page (ids must be unique across cells). */
  slugs: Set<string>;
  /** The cell's `attachments`, for `![](attachment:name.png)`. */
  attachments?: Record<string, MimeBundle>;
}

const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/**
 * A markdown-it instance configured like Jupyter's renderer. One per page. markdown-it is required as
 * CommonJS (its one-file build): its ES-module build is some 70 files, and loading them costs more
 * than the rest of a small export (about 120 ms against 40 ms here).
 */
export function createMarkdownIt(highlight: Highlighter, load: Load = plainLoad): MarkdownIt {
  const MarkdownItClass = load("markdown-it") as typeof MarkdownIt;
  const md = new MarkdownItClass({
    html: true,
    linkify: false,
    typographer: false,
    highlight: (code, lang) => highlight(code, lang || undefined),
  });
  md.renderer.rules.math = (tokens, idx) => tokens[idx].content;
  return md;
}

/**
 * Renders one markdown cell's source to HTML, balanced (see balanceHtml: a cell's stray `<div>` must not
 * swallow the cells after it). Typeset math goes in after balancing: KaTeX's markup is well-formed and
 * large, and need not be parsed again.
 */
export function renderMarkdown(md: MarkdownIt, source: string, ctx: MarkdownContext): string {
  const maths: MathSegment[] = [];
  const text = scanMath(source, { markdown: true })
    .map((s) => (s.kind === "text" ? s.text : `\uE000${maths.push(s) - 1}\uE001`))
    .join("");
  const env = {};
  const tokens = md.parse(text, env);
  // Before the heading anchors go in: they are raw HTML tokens too, but well-formed.
  const raw = hasRawHtml(tokens);
  const typesetHtml: string[] = [];
  const typeset = (m: MathSegment) =>
    `\uE002${typesetHtml.push(ctx.tex ? ctx.tex.render(m.tex, m.display) : escapeHtml(m.raw)) - 1}\uE003`;
  const restore = (s: string) => s.replace(PLACEHOLDER, (_, i: string) => maths[Number(i)].raw);
  // In raw HTML, math is typeset in text only; inside a tag (an attribute) it stays TeX source.
  const typesetIn = (s: string) =>
    s.replace(/(<[^>]*>)|[^<]+|</g, (part: string, tag?: string) =>
      tag ? restore(part) : part.replace(PLACEHOLDER, (_, i: string) => typeset(maths[Number(i)])),
    );
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === "fence" || t.type === "code_block") t.content = restore(t.content);
    else if (t.type === "html_block") t.content = ctx.cleanHtml(typesetIn(t.content));
    else if (t.type === "inline" && t.children) {
      t.children = rewriteInline(t.children, maths, typeset, restore, typesetIn, ctx);
      if (t.children.length > 0 && t.children.every(isDisplayMathOrSpace)) {
        // A paragraph of display math alone renders without <p>: a block needs no paragraph around it.
        if (tokens[i - 1]?.type === "paragraph_open") tokens[i - 1].hidden = true;
        if (tokens[i + 1]?.type === "paragraph_close") tokens[i + 1].hidden = true;
      }
    }
    if (t.type === "heading_open") addHeadingAnchor(t, tokens[i + 1], maths, ctx.slugs);
  }
  // markdown-it's own markup is balanced: only raw HTML in the cell can leave an element open.
  const rendered = md.renderer.render(tokens, md.options, env);
  const html = raw ? balanceHtml(rendered) : rendered;
  return html.replace(/\uE002(\d+)\uE003/g, (_, i: string) => typesetHtml[Number(i)]);
}

function hasRawHtml(tokens: Token[]): boolean {
  return tokens.some(
    (t) => t.type === "html_block" || (t.children?.some((c) => c.type === "html_inline") ?? false),
  );
}

function isDisplayMathOrSpace(t: Token): boolean {
  return (
    (t.type === "math" && t.meta?.display === true) ||
    (t.type === "text" && !t.content.trim()) ||
    t.type === "softbreak"
  );
}

function rewriteInline(
  children: Token[],
  maths: MathSegment[],
  typeset: (m: MathSegment) => string,
  restore: (s: string) => string,
  typesetIn: (s: string) => string,
  ctx: MarkdownContext,
): Token[] {
  const out: Token[] = [];
  for (const t of children) {
    if (t.attrs) {
      for (const attr of t.attrs) {
        attr[1] = restore(attr[1]);
        if (attr[0] === "src" && attr[1].startsWith("attachment:")) attr[1] = attachmentUrl(attr[1], ctx);
      }
    }
    if (t.children) t.children = rewriteInline(t.children, maths, typeset, restore, typesetIn, ctx);
    if (t.type === "code_inline") t.content = restore(t.content);
    if (t.type === "html_inline") t.content = ctx.cleanHtml(typesetIn(t.content));
    if (t.type !== "text" || !t.content.includes("\uE000")) {
      out.push(t);
      continue;
    }
    let last = 0;
    for (const m of t.content.matchAll(PLACEHOLDER)) {
      const at = m.index ?? 0;
      if (at > last) out.push(textToken(t, t.content.slice(last, at)));
      const math = maths[Number(m[1])];
      const token = textToken(t, typeset(math));
      token.type = "math";
      token.meta = { display: math.display, tex: math.tex };
      out.push(token);
      last = at + m[0].length;
    }
    if (last < t.content.length) out.push(textToken(t, t.content.slice(last)));
  }
  return out;
}

function textToken(like: Token, content: string): Token {
  const t = Object.assign(Object.create(Object.getPrototypeOf(like)), like) as Token;
  t.content = content;
  t.children = null;
  return t;
}

/** `attachment:name` → a data URI from the cell's attachments (left as is, and broken, when missing). */
function attachmentUrl(src: string, ctx: MarkdownContext): string {
  const name = decodeURIComponent(src.slice("attachment:".length));
  const bundle = ctx.attachments?.[name];
  if (!bundle) return src;
  for (const [mime, data] of Object.entries(bundle)) {
    if (typeof data !== "string") continue;
    if (mime === "image/svg+xml") return `data:image/svg+xml;base64,${Buffer.from(data).toString("base64")}`;
    if (mime.startsWith("image/")) return `data:${mime};base64,${data.replace(/\s+/g, "")}`;
  }
  return src;
}

/** Jupyter gives each heading an id made of its text, so links like `#The-Jacobian` work in the export. */
function addHeadingAnchor(
  open: Token,
  inline: Token | undefined,
  maths: MathSegment[],
  slugs: Set<string>,
): void {
  if (!inline?.children) return;
  const text = inline.children
    .map((c) =>
      c.type === "math"
        ? String(c.meta?.tex ?? "")
        : c.type === "text" || c.type === "code_inline"
          ? c.content
          : "",
    )
    .join("")
    .replace(PLACEHOLDER, (_, i: string) => maths[Number(i)].tex)
    .trim();
  const base = text.replace(/\s+/g, "-").replace(/["'<>&]/g, "") || "section";
  let slug = base;
  for (let n = 1; slugs.has(slug); n++) slug = `${base}-${n}`;
  slugs.add(slug);
  open.attrSet("id", slug);
  const anchor = textToken(
    inline.children[0] ?? inline,
    `<a class="anchor-link" href="#${escapeHtml(slug)}">¶</a>`,
  );
  anchor.type = "html_inline";
  inline.children.push(anchor);
}
