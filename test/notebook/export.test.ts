import { describe, expect, it } from "vitest";
import { exportNotebook } from "../../kernel/notebook/export.js";
import { parseNotebook, type Notebook } from "../../kernel/notebook/nbformat.js";
import { exportFixture, mainOf } from "./helpers.js";

/** Sections of the page, one per rendered cell, keyed by the cell id the fixture gave it. */
function cellHtml(html: string, id: string): string {
  const start = html.indexOf(`id="cell-${id}"`);
  expect(start, `cell ${id} present`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</section>", start));
}

/** Inlined copies of plotly.js (each starts with its licence banner). */
const plotlyLibraries = (html: string) =>
  (html.match(/<script class="plotly-library">\/\*\*\n\* plotly\.js/g) ?? []).length;

function notebook(cells: unknown[], metadata = {}): Notebook {
  return parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }), "t.ipynb");
}

describe("export: each kind of output", async () => {
  const { html, warnings } = await exportFixture("rich-outputs.ipynb");

  it("streams: stdout plain, stderr marked", () => {
    const c = cellHtml(html, "c03");
    expect(c).toContain('<pre class="stream stdout">hello\n</pre>');
    expect(c).toContain('<pre class="stream stderr">careful\n</pre>');
  });

  it("execute_result prefers HTML over LaTeX and text, with its Out prompt", () => {
    const c = cellHtml(html, "c04");
    expect(c).toContain('<table class="gl-tensor">');
    expect(c).toContain("Out[2]:");
    expect(c).not.toContain("tensor([[6, 3]");
  });

  it("text/latex is typeset at export time", () => {
    const c = cellHtml(html, "c05");
    expect(c).toContain('class="output-latex"');
    expect(c).toContain('class="katex-display"');
    expect(c).toContain("\\frac{\\partial f_1}{\\partial x_1}");
  });

  it("plotly figures carry their JSON and a static SVG fallback", () => {
    const c = cellHtml(html, "c06");
    expect(c.match(/class="plotly-figure"/g)).toHaveLength(2);
    expect(c).toContain('<div class="plotly-static"><div class="output-svg"><svg');
    expect(c).toMatch(
      /<script type="application\/json" class="plotly-data">\{"data":\[\{[^<]*"type":"heatmap"/,
    );
    // A figure without any static picture says so when scripts are off.
    expect(c).toContain("<noscript>");
  });

  it("SVG is inlined without its prolog and with scoped ids", () => {
    const c = cellHtml(html, "c07");
    expect(c).not.toContain("<?xml");
    expect(c).toMatch(/<linearGradient id="o\d+-bar">/);
    expect(c).toMatch(/fill="url\(#o\d+-bar\)"/);
    // The heatmap's static copy in cell 6 defines the same id: scoped differently.
    const ids = [...html.matchAll(/<linearGradient id="(o\d+-bar)">/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(2);
  });

  it("PNG as a data URI with its size from metadata", () => {
    expect(cellHtml(html, "c08")).toMatch(
      /<img src="data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+" width="40" height="20"/,
    );
  });

  it("errors keep their ANSI colours as spans, text escaped", () => {
    const c = cellHtml(html, "c09");
    expect(c).toContain('<pre class="error"><span class="ansi-red-fg">Error</span>: shape mismatch');
    expect(c).toContain('<span class="ansi-green-fg" style="font-weight:bold">hint</span>');
    expect(c).toContain("&lt;b&gt;not html&lt;/b&gt;");
  });

  it("self-contained HTML (a stepper) keeps its script and controls", () => {
    const c = cellHtml(html, "c10");
    expect(c).toContain('<button class="next" type="button">next</button>');
    expect(c).toContain('<script>(function(){var r=document.getElementById("st-1")');
  });

  it("an unknown MIME type falls back to text/plain, or a placeholder, and warns", () => {
    const c = cellHtml(html, "c11");
    expect(c).toContain("This output (application/vnd.custom.thing+json) has no representation");
    expect(c).toContain("custom fallback &lt;text&gt;");
    expect(warnings).toContain(
      "cell 11: no renderable representation among application/vnd.custom.thing+json",
    );
  });

  it("JSON pretty-printed and highlighted; markdown output rendered with math", () => {
    const c = cellHtml(html, "c12");
    expect(c).toContain('<pre class="output-json">');
    expect(c).toContain('<span class="tok-attr">&quot;a&quot;</span>');
    expect(c).toContain("<strong>bold</strong>");
    expect(c).toContain('<annotation encoding="application/x-tex">x^2</annotation>');
  });

  it("broken HTML is closed inside its own output", () => {
    expect(cellHtml(html, "c13")).toContain('<div class="unclosed"><b>never closed</b></div></div>');
  });

  it("code is highlighted as TypeScript and escaped", () => {
    const c = cellHtml(html, "c14");
    expect(c).toContain('<span class="tok-keyword">const</span>');
    expect(c).toContain("&lt;/script&gt;");
    expect(c).toContain("In&nbsp;[ ]:");
  });

  it("bad TeX is reported with its cell", () => {
    expect(warnings.some((w) => w.startsWith('cell 2: cannot typeset "\\\\frac{1}{"'))).toBe(true);
  });

  it("the page has one plotly.js (the cartesian bundle) for both figures, and no URL it would load", async () => {
    const r = await exportFixture("rich-outputs.ipynb");
    expect(r.figures).toBe(2);
    expect(r.plotlyBundle).toBe("cartesian");
    expect(plotlyLibraries(html)).toBe(1);
    const ours = html.slice(0, html.indexOf('<script class="plotly-library">'));
    expect(ours).not.toMatch(/<script[^>]+src=|<link[^>]+href=|url\((?!data:|#|'#)/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html.length).toBeLessThan(2.5e6);
  });

  it("only the KaTeX fonts the page uses are inlined", () => {
    const faces = [
      ...html.matchAll(
        /font-family:(KaTeX_\w+);src:url\(data:font\/woff2;base64,[^)]*\) format\("woff2"\);font-weight:(\w+);font-style:(\w+)/g,
      ),
    ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(faces).toContain("KaTeX_Main normal normal");
    expect(faces).toContain("KaTeX_Math normal italic");
    expect(faces).toContain("KaTeX_AMS normal normal"); // \mathbb{R}
    expect(faces).not.toContain("KaTeX_Fraktur normal normal");
    expect(faces.length).toBeLessThan(10);
  });
});

describe("export: plotly bundle choice and modes", () => {
  it("a non-cartesian trace brings the full bundle, once", async () => {
    const r = await exportFixture("plotly-full.ipynb");
    expect(r.plotlyBundle).toBe("full");
    expect(plotlyLibraries(r.html)).toBe(1);
  });

  it("--plotly none: no plotly.js, static pictures stay", async () => {
    const r = await exportFixture("rich-outputs.ipynb", { plotly: "none" });
    expect(plotlyLibraries(r.html)).toBe(0);
    expect(r.html).not.toContain("plotly-data");
    expect(cellHtml(r.html, "c06")).toContain('<div class="plotly-figure"><div class="output-svg"><svg');
    expect(r.html.length).toBeLessThan(400_000);
  });

  it("--plotly cdn: one script tag from the CDN and the figures' JSON", async () => {
    const r = await exportFixture("rich-outputs.ipynb", { plotly: "cdn" });
    expect(plotlyLibraries(r.html)).toBe(0);
    expect(
      r.html.match(
        /<script class="plotly-library" src="https:\/\/cdn\.plot\.ly\/plotly-\d+\.\d+\.\d+\.min\.js"/g,
      ),
    ).toHaveLength(1);
  });

  it("a page without figures has no plotly at all and stays small", async () => {
    const r = await exportFixture("plain.ipynb");
    expect(r.figures).toBe(0);
    expect(r.html).not.toMatch(/plotly-library|plotly-data|Plotly\./);
    expect(r.html).not.toContain("@font-face"); // and no math, so no KaTeX
    expect(r.html.length).toBeLessThan(400_000);
  });
});

describe("export: a Python notebook", async () => {
  const { html, plotlyBundle } = await exportFixture("python.ipynb");

  it("highlights Python", () => {
    expect(cellHtml(html, "c02")).toContain('<span class="tok-keyword">import</span> math');
  });

  it("applies carriage returns in streams", () => {
    expect(cellHtml(html, "c02")).toContain('<pre class="stream stdout">100%</pre>');
  });

  it("a plotly figure from Python is drawn by our plotly.js; its CDN/require.js HTML is not used", () => {
    expect(plotlyBundle).toBe("cartesian");
    expect(html).not.toContain("require([");
    expect(cellHtml(html, "c06")).toContain("plotly-data");
  });

  it("sympy's $\\displaystyle …$ LaTeX is typeset", () => {
    expect(cellHtml(html, "c07")).toContain(
      '<annotation encoding="application/x-tex">\\displaystyle \\int x^{2}\\, dx</annotation>',
    );
  });

  it("raw cells: HTML ones are included, others left out (as nbconvert does)", () => {
    expect(html).toContain('<p class="raw-html">raw html cell</p>');
    expect(html).not.toContain("raw text that HTML export leaves out");
  });
});

describe("export options", () => {
  it("--no-input hides code and prompts but keeps outputs", async () => {
    const { html } = await exportFixture("rich-outputs.ipynb", { input: false });
    const main = mainOf(html);
    expect(main).not.toContain('class="row input"');
    expect(main).not.toContain("In&nbsp;[");
    expect(main).not.toContain("Out[");
    expect(main).toContain('<table class="gl-tensor">');
    expect(main).toContain('<main class="notebook">');
  });

  it("--no-prompt hides prompts only", async () => {
    const { html } = await exportFixture("rich-outputs.ipynb", { prompts: false });
    expect(mainOf(html)).toContain('class="row input"');
    expect(mainOf(html)).not.toMatch(/In&nbsp;\[|Out\[/);
  });

  it("--sanitize strips scripts, handlers and javascript outputs but keeps figures and math", async () => {
    const nb = notebook([
      { cell_type: "markdown", metadata: {}, source: "ok $x$ <img src=x onerror=alert(1)>" },
      {
        cell_type: "code",
        metadata: {},
        source: "",
        execution_count: 1,
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: { "application/javascript": "alert(2)", "text/plain": "js" },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: { "text/html": "<b onclick=alert(3)>b</b><script>alert(4)</script>" },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: { "image/svg+xml": "<svg onload=alert(5)><script>alert(6)</script></svg>" },
          },
        ],
      },
    ]);
    const trusted = (await exportNotebook(nb)).html;
    expect(trusted).toContain("alert(2)");
    const { html } = await exportNotebook(nb, { sanitize: true });
    const main = mainOf(html);
    expect(main).not.toMatch(/alert|onerror|onclick|onload|<script/);
    expect(main).toContain("<b>b</b>");
    expect(main).toContain('<pre class="output-text">js</pre>');
    expect(main).toContain("katex");
  });

  it("cell tags remove-cell / remove-input / remove-output", async () => {
    const code = (tags: string[], src: string) => ({
      cell_type: "code",
      metadata: { tags },
      source: src,
      execution_count: 1,
      outputs: [{ output_type: "stream", name: "stdout", text: `out of ${src}` }],
    });
    const { html } = await exportNotebook(
      notebook([code(["remove-cell"], "A1"), code(["remove-input"], "B2"), code(["remove-output"], "C3")]),
    );
    expect(html).not.toContain("A1");
    expect(html).not.toMatch(/>B2</);
    expect(html).toContain("out of B2");
    expect(html).toContain("C3");
    expect(html).not.toContain("out of C3");
  });

  it("title: metadata, first heading, or file name; always escaped", async () => {
    const md = (s: string) => ({ cell_type: "markdown", metadata: {}, source: s });
    expect((await exportNotebook(notebook([md("# The <Jacobian>")]))).html).toContain(
      "<title>The &lt;Jacobian&gt;</title>",
    );
    expect((await exportNotebook(notebook([], { title: "T" }))).html).toContain("<title>T</title>");
    expect((await exportNotebook(notebook([]), { fileName: "dir/lec 1.ipynb" })).html).toContain(
      "<title>lec 1</title>",
    );
  });

  it("an output whose bundle is empty or odd never crashes the export", async () => {
    const nb = notebook([
      {
        cell_type: "code",
        metadata: {},
        source: "",
        execution_count: 1,
        outputs: [
          { output_type: "display_data", metadata: {}, data: {} },
          {
            output_type: "display_data",
            metadata: {},
            data: { "application/vnd.plotly.v1+json": "not json", "text/plain": "fig" },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: { "application/vnd.jupyter.widget-view+json": { model_id: "x" }, "text/plain": "HBox()" },
          },
          {
            output_type: "execute_result",
            execution_count: 1,
            metadata: {},
            data: { "text/plain": ["a\n", "b"] },
          },
        ],
      },
    ]);
    const { html, warnings } = await exportNotebook(nb);
    expect(html).toContain("has no representation");
    expect(html).toContain('<pre class="output-text">fig</pre>');
    expect(html).toContain('<pre class="output-text">HBox()</pre>');
    expect(html).toContain('<pre class="output-text">a\nb</pre>');
    expect(warnings).toHaveLength(1);
  });
});
