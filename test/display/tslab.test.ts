/**
 * show() in tslab for real: a notebook importing "gradlab" runs under the tslab kernel, executed by
 * Debian's nbclient, and its outputs hold the table and the SVG heatmap.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasPythonModules, PYTHON, requireTool } from "../support/e2e.js";
import { elements, parseXml, text } from "./xml.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = requireTool(
  "python3 nbclient (Debian python3-nbclient)",
  hasPythonModules("nbclient", "nbformat"),
);

interface Output {
  output_type: string;
  data?: Record<string, string>;
  text?: string;
  ename?: string;
  evalue?: string;
}

const cells = [
  'import { heatmap, jacobian, show, table, tensor } from "gradlab";\n' +
    'show(table([[1, 2], [3, 4]], { rows: ["a", "b<c"], cols: ["u", "v"], title: "first table" }));',
  "const J = jacobian((x) => x.mul(x), tensor([1, 2]));\nshow(heatmap(J));",
  'show(tensor([0.5, 1.5], { name: "w" }));',
  "heatmap([[1, -1]])",
];

/** Runs the notebook with nbclient under the kernel "tslab" (kernelspec found through JUPYTER_PATH). */
const runner = `
import json, sys, nbformat, nbclient
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(src) for src in json.load(open(sys.argv[1]))]
nbclient.NotebookClient(nb, kernel_name="tslab", timeout=60, startup_timeout=60,
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
json.dump([c.outputs for c in nb.cells], open(sys.argv[3], "w"))
`;

describe.runIf(run)("show() under the tslab kernel (nbclient)", () => {
  let dir: string;
  let outputs: Output[][];
  let stderr: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gradlab-tslab-"));
    // The kernelspec, written directly: tslab's own installer needs IPython and puts a bare `tslab` on argv.
    const spec = join(dir, "jupyter", "kernels", "tslab");
    mkdirSync(spec, { recursive: true });
    const tslabBin = join(root, "node_modules", "tslab", "bin", "tslab");
    writeFileSync(
      join(spec, "kernel.json"),
      JSON.stringify({
        argv: [process.execPath, tslabBin, "kernel", "--config-path", "{connection_file}"],
        display_name: "TypeScript (tslab)",
        language: "typescript",
      }),
    );
    // tslab compiles cells to CommonJS and resolves "gradlab" from the notebook folder: link the repo there
    // (its package.json points at dist/, built by test/setup/build.ts; Node 20.19+ can require() ESM).
    const work = join(dir, "notebook");
    mkdirSync(join(work, "node_modules"), { recursive: true });
    symlinkSync(root, join(work, "node_modules", "gradlab"), "dir");
    writeFileSync(join(dir, "cells.json"), JSON.stringify(cells));
    writeFileSync(join(dir, "run.py"), runner);
    const r = spawnSync(PYTHON, [join(dir, "run.py"), join(dir, "cells.json"), work, join(dir, "out.json")], {
      env: { ...process.env, JUPYTER_PATH: join(dir, "jupyter") },
      encoding: "utf8",
      timeout: 120_000,
    });
    stderr = r.stderr;
    expect(r.status, `nbclient failed:\n${r.stderr}`).toBe(0);
    outputs = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as Output[][];
  }, 150_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("no cell failed", () => {
    const errors = outputs.flat().filter((o) => o.output_type === "error");
    expect(errors, stderr).toEqual([]);
  });

  it("the table arrives as text/html, escaped, with its values", () => {
    const [out] = outputs[0]!;
    expect(out!.output_type).toBe("display_data");
    const html = out!.data!["text/html"]!;
    const doc = parseXml(`<root>${html}</root>`);
    expect(text(elements(doc, "caption")[0]!)).toBe("first table · shape [2, 2] · float64");
    expect(elements(doc, "th").map(text)).toEqual(["", "u", "v", "a", "b<c"]);
    expect(elements(doc, "td").map(text)).toEqual(["1", "2", "3", "4"]);
  });

  it("the Jacobian heatmap arrives as an inline SVG with ∂f_i/∂x_j hover titles", () => {
    const [out] = outputs[1]!;
    const html = out!.data!["text/html"]!;
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)![0];
    const doc = parseXml(svg, "image/svg+xml");
    // d(x²)/dx at x = [1, 2] is diag(2, 4).
    expect(elements(doc, "title").map(text)).toEqual([
      "∂f₁/∂x₁ = 2",
      "∂f₁/∂x₂ = 0",
      "∂f₂/∂x₁ = 0",
      "∂f₂/∂x₂ = 4",
    ]);
  });

  it("a Tensor shows through show() as its table", () => {
    const html = outputs[2]![0]!.data!["text/html"]!;
    expect(html).toContain('<b style="color:#1f2328">w</b> · shape [2] · float64');
  });

  it("a displayable as the cell's last value prints as its text/plain (tslab's own output)", () => {
    const printed = outputs[3]!.map((o) => o.text ?? "").join("");
    expect(printed).toContain("heatmap · diverging colours over [-1, 1]");
  });
});
