/** Whatever a valid notebook holds, the export finishes and each cell's markup stays inside its section. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportNotebook } from "../../kernel/notebook/export.js";
import { parseNotebook } from "../../kernel/notebook/nbformat.js";
import { balanceHtml } from "../../kernel/notebook/html.js";

const text = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "$x$",
    "$$",
    "\\begin{bmatrix}",
    "</div>",
    "<div>",
    "<script>",
    "`$a$`",
    "\x1b[31m",
    "\r",
    "```",
    "\\(",
    "&amp;",
  ),
);
const mime = fc.constantFrom(
  "text/plain",
  "text/html",
  "text/markdown",
  "text/latex",
  "image/svg+xml",
  "image/png",
  "application/json",
  "application/javascript",
  "application/vnd.plotly.v1+json",
  "application/x-unknown",
);
const output = fc.oneof(
  fc.record({ output_type: fc.constant("stream"), name: fc.constantFrom("stdout", "stderr"), text }),
  fc.record({
    output_type: fc.constant("error"),
    ename: text,
    evalue: text,
    traceback: fc.array(text, { maxLength: 3 }),
  }),
  fc.record({
    output_type: fc.constantFrom("display_data", "execute_result"),
    data: fc.dictionary(mime, fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.object({ maxDepth: 1 }))),
    metadata: fc.constant({}),
  }),
);
const cell = fc.oneof(
  fc.record({ cell_type: fc.constant("markdown"), metadata: fc.constant({}), source: text }),
  fc.record({
    cell_type: fc.constant("code"),
    metadata: fc.constant({}),
    source: text,
    execution_count: fc.option(fc.nat(), { nil: null }),
    outputs: fc.array(output, { maxLength: 3 }),
  }),
);

async function mainOf(cells: unknown[], sanitize = false): Promise<string> {
  const nb = parseNotebook(
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }),
    "f.ipynb",
  );
  const { html } = await exportNotebook(nb, { sanitize, plotly: "none" });
  return html.slice(html.indexOf("<main"), html.lastIndexOf("</main>"));
}

/** Every output closed what it opened: balancing the page's main adds and removes nothing. */
function expectContained(main: string): void {
  expect(balanceHtml(main + "</main>")).toBe(main + "</main>");
  expect((main.match(/<section /g) ?? []).length).toBe((main.match(/<\/section>/g) ?? []).length);
}

describe("export never crashes on a valid notebook", () => {
  it.each([
    ["an empty heading", [{ cell_type: "markdown", metadata: {}, source: "#" }]],
    ["an unclosed div in markdown", [{ cell_type: "markdown", metadata: {}, source: "<div>" }]],
    [
      "a half tag at the end of a markdown output",
      [
        {
          cell_type: "code",
          metadata: {},
          source: "",
          execution_count: 1,
          outputs: [
            { output_type: "display_data", metadata: {}, data: { "text/markdown": ["</div>", "<A"] } },
          ],
        },
      ],
    ],
    [
      "an image that is not base64",
      [
        {
          cell_type: "code",
          metadata: {},
          source: "",
          execution_count: 1,
          outputs: [{ output_type: "display_data", metadata: {}, data: { "image/png": { '"': 0 } } }],
        },
      ],
    ],
  ])("%s (found by the property below)", async (_name, cells) => {
    expectContained(await mainOf(cells));
  });

  it("random cells and bundles", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { maxLength: 4 }), fc.boolean(), async (cells, sanitize) => {
        const nb = parseNotebook(
          JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }),
          "f.ipynb",
        );
        const { html } = await exportNotebook(nb, { sanitize, plotly: "none" });
        const main = html.slice(html.indexOf("<main"), html.lastIndexOf("</main>"));
        // Balancing the page's main adds no closers: every output closed what it opened.
        expect(balanceHtml(main + "</main>")).toBe(main + "</main>");
        expect((main.match(/<section /g) ?? []).length).toBe((main.match(/<\/section>/g) ?? []).length);
      }),
      { numRuns: 60 },
    );
  });
});
