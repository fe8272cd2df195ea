import { describe, expect, it } from "vitest";
import { createHighlighter } from "../../kernel/notebook/highlight.js";
import { createMarkdownIt, renderMarkdown, type MarkdownContext } from "../../kernel/notebook/markdown.js";
import { sanitizeHtml } from "../../kernel/notebook/sanitize.js";
import { createTexRenderer } from "../../kernel/notebook/tex.js";

const highlight = createHighlighter();
const md = createMarkdownIt(highlight);

async function render(src: string, extra: Partial<MarkdownContext> = {}): Promise<string> {
  const tex = await createTexRenderer();
  return renderMarkdown(md, src, { tex, highlight, cleanHtml: (h) => h, slugs: new Set(), ...extra });
}

/** The TeX annotations KaTeX embeds: what was typeset, exactly. */
const typeset = (html: string) =>
  [...html.matchAll(/<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/g)].map((m) =>
    m[1].replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"),
  );

describe("markdown with math", () => {
  it("emphasis characters inside math stay TeX", async () => {
    const html = await render("The product $a_1 * b_2 * c_3$ is *real*.");
    expect(typeset(html)).toEqual(["a_1 * b_2 * c_3"]);
    expect(html).toContain("<em>real</em>");
    expect(html.match(/<em>/g)).toHaveLength(1);
  });

  it("a matrix row starting with '- ' does not become a list, and \\\\ survives", async () => {
    const html = await render("$$\nJ = \\begin{bmatrix}\n1 & 2 \\\\\n- 3 & 4\n\\end{bmatrix}\n$$");
    expect(html).not.toContain("<ul>");
    expect(typeset(html)[0]).toContain("1 & 2 \\\\\n- 3 & 4");
    expect(html).toContain('class="katex-display"');
    // Display math alone is a block: no paragraph around it.
    expect(html).not.toMatch(/<p>\s*<span class="katex-display"/);
  });

  it("environments render in display mode", async () => {
    const html = await render("\\begin{equation}\na = b\n\\end{equation}");
    expect(html).toContain('class="katex-display"');
    expect(html).toContain('class="eqn-num"'); // KaTeX numbers equations with a CSS counter
  });

  it("dollars in code stay dollars, escaped dollars are literal", async () => {
    const html = await render("`$x$` costs \\$5\n\n```ts\nconst a = `$${b}$`;\n```");
    expect(html).not.toContain("katex");
    expect(html).toContain("<code>$x$</code>");
    expect(html).toContain("costs $5");
    expect(html.replace(/<[^>]+>/g, "")).toContain("`$${b}$`");
  });

  it("math in a link title is restored as source, not HTML", async () => {
    const html = await render('[link](https://example.org "title $x$") and $y$');
    expect(html).toContain('title="title $x$"');
    expect(typeset(html)).toEqual(["y"]);
  });

  it("math inside an HTML block is typeset (as Jupyter does)", async () => {
    const html = await render('<div class="note">HTML with $\\alpha$</div>');
    expect(typeset(html)).toEqual(["\\alpha"]);
  });

  it("math in a raw HTML attribute stays TeX source; the element's text is typeset", async () => {
    const html = await render('<span title="$x$">see $y$</span>');
    expect(html).toContain('<span title="$x$">see ');
    expect(typeset(html)).toEqual(["y"]);
  });

  it("macros defined in one cell work in the next, like MathJax in Jupyter", async () => {
    const tex = await createTexRenderer();
    const ctx = { tex, highlight, cleanHtml: (h: string) => h, slugs: new Set<string>() };
    renderMarkdown(md, "$\\newcommand{\\Jac}{\\mathbf{J}}$", ctx);
    const html = renderMarkdown(md, "$\\Jac_f$", ctx);
    expect(tex.problems).toEqual([]);
    expect(html).toContain("mathbf");
  });

  it("a repeated formula is typeset once, yet a redefined macro takes effect", async () => {
    const tex = await createTexRenderer();
    const ctx = { tex, highlight, cleanHtml: (h: string) => h, slugs: new Set<string>() };
    const html = renderMarkdown(
      md,
      "$\\newcommand{\\vv}{1}$ $\\vv$ $\\vv$ $\\renewcommand{\\vv}{2}$ $\\vv$",
      ctx,
    );
    const shown = [...html.matchAll(/<span class="mord">(\d)<\/span>/g)].map((m) => m[1]);
    expect(shown).toEqual(["1", "1", "2"]);
  });

  it("bad TeX is shown as source and reported, never thrown", async () => {
    const tex = await createTexRenderer();
    const html = renderMarkdown(md, "bad $\\frac{1}{$ good $x$", {
      tex,
      highlight,
      cleanHtml: (h) => h,
      slugs: new Set(),
    });
    expect(html).toContain('class="math-error"');
    expect(tex.problems).toHaveLength(1);
    expect(typeset(html)).toEqual(["x"]);
  });

  it("without a TeX renderer math is shown as escaped source", () => {
    const html = renderMarkdown(md, "$a<b$", { highlight, cleanHtml: (h) => h, slugs: new Set() });
    expect(html).toContain("$a&lt;b$");
  });
});

describe("markdown details", () => {
  it("headings get unique ids and anchors", async () => {
    const slugs = new Set<string>();
    const a = await render("# The Jacobian\n\n## The Jacobian", { slugs });
    expect(a).toContain('id="The-Jacobian"');
    expect(a).toContain('id="The-Jacobian-1"');
    expect(a).toContain('href="#The-Jacobian"');
  });

  it("GFM tables and fenced code with highlighting", async () => {
    const html = await render("| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x: number = 1;\n```");
    expect(html).toContain("<table>");
    expect(html).toContain('<span class="tok-keyword">const</span>');
  });

  it("attachments become data URIs", async () => {
    const html = await render("![pic](attachment:p.png)", {
      attachments: { "p.png": { "image/png": "iVBORw0K\nGgo=" } },
    });
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
  });

  it("raw HTML is kept when trusted and cleaned when sanitized", async () => {
    const src = 'hi <img src=x onerror="alert(1)"> <script>alert(2)</script>';
    expect(await render(src)).toContain("onerror");
    const clean = await render(src, { cleanHtml: sanitizeHtml });
    expect(clean).not.toMatch(/onerror|<script/i);
    expect(clean).toContain("<img");
  });

  it("javascript: links are not made links", async () => {
    expect(await render("[x](javascript:alert(1))")).not.toContain('href="javascript');
  });
});
