/**
 * Each kind of display, executed as a notebook through gradlab's own kernel by Debian's nbclient (which
 * drops outputs that arrive after idle): the executed notebook must hold every bundle member.
 * The executed notebook is kept as test-output/display/display-kinds.ipynb.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasPythonModules, PYTHON, requireTool } from "../support/e2e.js";
import { installKernelspec, ROOT } from "../support/kernel.js";
import { elements, parseXml, text } from "./xml.js";

const run = requireTool(
  "python3 nbclient (Debian python3-nbclient)",
  hasPythonModules("nbclient", "nbformat"),
);

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string;
  ename?: string;
  evalue?: string;
}

const cells = {
  tensor:
    'import { heatmap, html, jacobian, latex, markdown, plot, show, table, tensor, randn } from "gradlab";\n' +
    'tensor([[1, -2.5], [0.25, 4]], { name: "W" })',
  jacobian:
    'const J = jacobian((x) => x.mul(x).sin(), tensor([0.5, 1, 2]), { inputNames: ["a", "b", "c"] });\nJ',
  heatmap: "heatmap(J)",
  table:
    'show(table([[0.1, 0.9], [0.7, 0.3]], { rows: ["cat", "dog"], cols: ["p(cat)", "p(dog)"], title: "softmax <out>" }));',
  latex: 'latex("\\\\frac{\\\\partial L}{\\\\partial w} = x^\\\\top \\\\delta")',
  html: 'html("<b>epoch 3</b>: loss &lt; 0.1")',
  markdown: 'markdown("**Jacobian** of $f$")',
  plot: 'const losses = Array.from({ length: 100 }, (_, i) => 2 * Math.exp(-i / 20) + 0.1);\nplot(losses, { title: "loss", xLabel: "step" })',
  large: "randn([1000, 1000])",
  largeHeatmap: "heatmap(randn([1000, 1000]))",
};
const names = Object.keys(cells) as (keyof typeof cells)[];

const runner = `
import json, sys, nbformat, nbclient
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "gradlab", "display_name": "TypeScript (gradlab)", "language": "typescript"}
nb.cells = [nbformat.v4.new_code_cell(src) for src in json.load(open(sys.argv[1]))]
nbclient.NotebookClient(nb, kernel_name="gradlab", timeout=60, startup_timeout=60,
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[3])
`;

describe.runIf(run)("display kinds through gradlab's kernel (nbclient)", () => {
  let dir: string;
  const out = {} as Record<keyof typeof cells, Output[]>;
  let stderr = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gradlab-display-nb-"));
    const jupyterPath = installKernelspec(dir);
    writeFileSync(join(dir, "cells.json"), JSON.stringify(names.map((n) => cells[n])));
    writeFileSync(join(dir, "run.py"), runner);
    const saved = join(ROOT, "test-output", "display", "display-kinds.ipynb");
    mkdirSync(join(ROOT, "test-output", "display"), { recursive: true });
    const r = spawnSync(PYTHON, [join(dir, "run.py"), join(dir, "cells.json"), dir, saved], {
      env: { ...process.env, JUPYTER_PATH: jupyterPath },
      encoding: "utf8",
      timeout: 150_000,
    });
    stderr = r.stderr;
    expect(r.status, `nbclient failed:\n${r.stderr}`).toBe(0);
    const nb = JSON.parse(readFileSync(saved, "utf8")) as { cells: { outputs: Output[] }[] };
    names.forEach((n, k) => (out[n] = nb.cells[k]!.outputs));
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const result = (n: keyof typeof cells, type = "execute_result"): Record<string, unknown> => {
    const o = out[n].find((x) => x.output_type === type);
    expect(o, `${n}: ${JSON.stringify(out[n]).slice(0, 500)}\n${stderr}`).toBeDefined();
    // nbformat stores multi-line text as a list of lines; JSON MIME types stay objects.
    return Object.fromEntries(
      Object.entries(o!.data!).map(([k, v]) => [
        k,
        Array.isArray(v) && v.every((x) => typeof x === "string") ? v.join("") : v,
      ]),
    );
  };

  it("no cell failed", () => {
    expect(
      Object.values(out)
        .flat()
        .filter((o) => o.output_type === "error"),
      stderr,
    ).toEqual([]);
  });

  it("a tensor: text/plain, text/html table and text/latex bmatrix", () => {
    const d = result("tensor");
    expect(Object.keys(d).sort()).toEqual(["text/html", "text/latex", "text/plain"]);
    expect(d["text/plain"]).toBe(
      'tensor([[ 1.00, -2.50],\n        [ 0.25,  4.00]], shape=[2, 2], dtype=float64, name="W")',
    );
    expect(d["text/html"]).toContain("W</b> · shape [2, 2] · float64");
    expect(d["text/latex"]).toBe(
      "$\\displaystyle W = \\begin{bmatrix} 1.00 & -2.50 \\\\ 0.25 & \\phantom{-}4.00 \\end{bmatrix}$",
    );
  });

  it("a Jacobian: ∂f_i and ∂(given names) in text, table and LaTeX", () => {
    const d = result("jacobian");
    expect(d["text/plain"]).toMatch(/^∂f\/∂\(a, b, c\) · shape \[3, 3\] · float64\n\s+∂a\s+∂b\s+∂c\n∂f₁/);
    const doc = parseXml(`<root>${d["text/html"] as string}</root>`);
    expect(elements(doc, "th").map(text)).toEqual(["", "∂a", "∂b", "∂c", "∂f₁", "∂f₂", "∂f₃"]);
    // d sin(x²)/dx = 2x cos(x²) on the diagonal.
    const diag = [0.5, 1, 2].map((x) => 2 * x * Math.cos(x * x));
    expect(elements(doc, "td")[4]!.getAttribute("title")).toBe(`∂f₂/∂b = ${diag[1]!.toFixed(4)}`);
    expect(d["text/latex"]).toContain("\\frac{\\partial f_{3}}{\\partial c}");
  });

  it("a heatmap: plotly JSON, SVG, HTML with that SVG, text", () => {
    const d = result("heatmap");
    expect(Object.keys(d).sort()).toEqual([
      "application/vnd.plotly.v1+json",
      "image/svg+xml",
      "text/html",
      "text/plain",
    ]);
    const fig = d["application/vnd.plotly.v1+json"] as { data: { type: string; z: number[][] }[] };
    expect(fig.data[0]!.type).toBe("heatmap");
    expect(fig.data[0]!.z).toHaveLength(3);
    const svg = parseXml(d["image/svg+xml"] as string, "image/svg+xml");
    expect(elements(svg, "title").map(text)[0]).toMatch(/^∂f₁\/∂a = /);
    expect(d["text/html"]).toContain(d["image/svg+xml"] as string);
  });

  it("show(table(…)) from inside a cell: display_data with the escaped title", () => {
    const d = result("table", "display_data");
    expect(d["text/html"]).toContain("softmax &lt;out&gt;");
    expect(d["text/plain"]).toContain("p(cat)");
  });

  it("latex, html and markdown strings", () => {
    expect(result("latex")["text/latex"]).toBe(
      "$\\displaystyle \\frac{\\partial L}{\\partial w} = x^\\top \\delta$",
    );
    expect(result("html")["text/html"]).toBe("<b>epoch 3</b>: loss &lt; 0.1");
    expect(result("markdown")["text/markdown"]).toBe("**Jacobian** of $f$");
  });

  it("a line plot: plotly JSON and SVG", () => {
    const d = result("plot");
    const fig = d["application/vnd.plotly.v1+json"] as { data: { type: string; y: number[] }[] };
    expect(fig.data[0]!.y).toHaveLength(100);
    expect(elements(parseXml(d["image/svg+xml"] as string, "image/svg+xml"), "path")).toHaveLength(1);
  });

  it("1000×1000 tensors stay small in the notebook", () => {
    expect(JSON.stringify(result("large")).length).toBeLessThan(60_000);
    expect(JSON.stringify(result("largeHeatmap")).length).toBeLessThan(400_000);
  });
});
