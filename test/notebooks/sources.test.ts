/**
 * The lecture notebooks as files (no kernel): each is generated from its Markdown source in
 * scripts/notebooks/lectures/ and up to date, is valid nbformat for the gradlab kernel, carries its checks,
 * and says where the source notes are wrong (the asides issue 8 asks for).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAll, jupyterJson, notebookFromLecture, parseLecture } from "../../scripts/notebooks/build.js";
import { hasPythonModules, PYTHON, requireTool } from "../support/e2e.js";
import { joined, LECTURES, type NotebookJson } from "./helpers.js";

const notebooks = LECTURES.map((file) => ({
  name: basename(file),
  file,
  nb: JSON.parse(readFileSync(file, "utf8")) as NotebookJson,
}));
const codeOf = (nb: NotebookJson) =>
  nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => joined(c.source))
    .join("\n");
const markdownOf = (nb: NotebookJson) =>
  nb.cells
    .filter((c) => c.cell_type === "markdown")
    .map((c) => joined(c.source))
    .join("\n");

describe("the lecture source format", () => {
  it("splits Markdown and ```ts code cells, +++ between Markdown cells, and drops the prettier markers", () => {
    const src = [
      "<!-- prettier-ignore-start -->",
      "# Title",
      "",
      "text with ```inline``` and a fence:",
      "```text",
      "not a cell",
      "```",
      "+++",
      "second",
      "```ts",
      "const a = 1;",
      "",
      "a",
      "```",
      "```ts",
      "```",
      "tail",
      "<!-- prettier-ignore-end -->",
    ].join("\n");
    expect(parseLecture(src)).toEqual([
      {
        kind: "markdown",
        source: "# Title\n\ntext with ```inline``` and a fence:\n```text\nnot a cell\n```",
      },
      { kind: "markdown", source: "second" },
      { kind: "code", source: "const a = 1;\n\na" },
      { kind: "code", source: "" },
      { kind: "markdown", source: "tail" },
    ]);
  });

  it("refuses a code cell that is never closed", () => {
    expect(() => parseLecture("```ts\nconst a = 1;\n")).toThrow(/never closed/);
  });

  it("writes notebooks the way Jupyter does: sorted keys, one-space indent, lines keeping their newline", () => {
    const text = jupyterJson(notebookFromLecture("# A\n\nb\n```ts\nx\ny\n```"));
    expect(text.endsWith("}\n")).toBe(true);
    const nb = JSON.parse(text) as NotebookJson;
    expect(Object.keys(nb)).toEqual(["cells", "metadata", "nbformat", "nbformat_minor"]);
    expect(nb.cells.map((c) => c.source)).toEqual([
      ["# A\n", "\n", "b"],
      ["x\n", "y"],
    ]);
    expect(text).toContain('\n "cells": [\n  {\n');
  });
});

describe("the lecture notebooks", () => {
  it("are the six lectures, numbered", () => {
    expect(notebooks.map((n) => n.name)).toEqual([
      "01-the-jacobian.ipynb",
      "02-element-wise-operations.ipynb",
      "03-the-linear-layer.ipynb",
      "04-the-chain-rule.ipynb",
      "05-backpropagation.ipynb",
      "06-experiment-training.ipynb",
    ]);
    notebooks.forEach(({ nb }, k) =>
      expect(joined(nb.cells[0].source)).toMatch(new RegExp(`^# Lecture ${k + 1} · `)),
    );
  });

  it("are generated from their sources and up to date (npx tsx scripts/notebooks/build.ts)", () => {
    const built = buildAll();
    expect(built.map(([, nb]) => nb).sort()).toEqual(LECTURES);
    for (const [src, nb, text] of built) expect(readFileSync(nb, "utf8"), `${nb} vs ${src}`).toBe(text);
  });

  it.each(notebooks.map((n) => [n.name, n.nb] as const))(
    "%s: gradlab kernelspec, no stored outputs, checks that throw",
    (_name, nb) => {
      expect(nb.nbformat).toBe(4);
      expect(nb.metadata.kernelspec).toMatchObject({ name: "gradlab", language: "typescript" });
      const code = nb.cells.filter((c) => c.cell_type === "code");
      expect(code.length).toBeGreaterThanOrEqual(6);
      for (const c of code) {
        expect(c.outputs).toEqual([]);
        expect(c.execution_count).toBeNull();
      }
      expect(codeOf(nb)).toMatch(/^import \{[^}]+\} from "gradlab";/);
      // Running it is a test: each lecture has several checks that throw when they fail.
      expect(codeOf(nb).match(/throw new Error/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    },
  );

  it("every figure is followed by a sentence saying what to see in it", () => {
    for (const { name, nb } of notebooks) {
      const cells = nb.cells;
      cells.forEach((c, i) => {
        const src = joined(c.source);
        if (c.cell_type !== "code" || !/^(heatmap|plot|graph|html|stepper)\(/m.test(src)) return;
        const after = cells
          .slice(i + 1, i + 3)
          .filter((d) => d.cell_type === "markdown")
          .map((d) => joined(d.source))
          .join("\n");
        expect(after, `${name}, cell ${i + 1}`).toMatch(/What to (see|look for)/);
      });
    }
  });

  it("say where the source notes are loose or wrong (issue 8's asides)", () => {
    const md = Object.fromEntries(notebooks.map((n) => [n.name.slice(0, 2), markdownOf(n.nb)]));
    // The notes define J_ij = ∂f_j/∂x_i but draw rows f, columns x; they write δ for ∂.
    expect(md["01"]).toMatch(/Aside — on the source notes[\s\S]*denominator[\s\S]*\\delta/);
    // The diagonal of an element-wise Jacobian holds the derivative, not "the value of the operation".
    expect(md["02"]).toMatch(/Aside — on the source notes[\s\S]*value of[\s\S]*\*\*derivative\*\*/);
    // W given as n × m for a map from n to m nodes only works as Wᵀx or with W m × n.
    expect(md["03"]).toMatch(/Aside — on the source notes[\s\S]*n \\times m[\s\S]*W\^\\top x/);
    expect(md["04"]).toMatch(/Aside — on the source notes[\s\S]*J_f\\big\(g\(x\)\\big\)/);
    expect(md["05"]).toMatch(/Aside — on the source notes[\s\S]*\\frac\{\\delta z_1\}\{x_3\}/);
  });

  it("link to their neighbours", () => {
    notebooks.forEach(({ nb }, k) => {
      const next = notebooks[k + 1]?.name;
      if (next) expect(markdownOf(nb)).toContain(`](${next})`);
    });
  });

  const validate = requireTool("python3 nbformat (Debian python3-nbformat)", hasPythonModules("nbformat"));
  it.runIf(validate)("are valid nbformat 4 (nbformat.validate)", () => {
    const r = spawnSync(
      PYTHON,
      [
        "-c",
        "import sys, nbformat\nfor f in sys.argv[1:]: nbformat.validate(nbformat.read(f, as_version=4))",
        ...LECTURES,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
