/** The display of real gradlab tensors and Jacobians (not hand-made views). */
import { describe, expect, it } from "vitest";
import { DISPLAY, heatmap, jacobian, latex, tensor, randn, type MimeBundle, type Tensor } from "gradlab";
import { children, elements, group, parseFragment, parseXml, readNumber, text } from "./xml.js";

const bundle = (t: Tensor): MimeBundle => (t as unknown as { [DISPLAY](): MimeBundle })[DISPLAY]();
const tableCells = (html: string) =>
  elements(parseFragment(html), "tbody")
    .flatMap((b) => children(b, "tr"))
    .map((tr) => children(tr, "td").map((td) => readNumber(text(td))));

// f(x) = [x0·x1, sin(x2)]: ∂f1/∂x = [x1, x0, 0], ∂f2/∂x = [0, 0, cos(x2)].
const x0 = [0.5, -2, 1.2];
const analytic = [
  [x0[1]!, x0[0]!, 0],
  [0, 0, Math.cos(x0[2]!)],
];
const fx = (x: Tensor): Tensor => {
  // Built from ops so autodiff differentiates it: [x0·x1, sin(x2)] by picking entries with masks.
  const sel0 = tensor([1, 0, 0]);
  const sel1 = tensor([0, 1, 0]);
  const sel2 = tensor([0, 0, 1]);
  const a = x.mul(sel0).sum().mul(x.mul(sel1).sum());
  const b = x.mul(sel2).sum().sin();
  return a.mul(tensor([1, 0])).add(b.mul(tensor([0, 1])));
};

describe("through gradlab's Tensor", () => {
  it("a named matrix shows its name, shape, dtype and values", () => {
    const b = bundle(
      tensor(
        [
          [1, 2],
          [3, 4.5],
        ],
        { name: "W" },
      ),
    );
    expect(text(elements(parseFragment(b["text/html"] as string), "caption")[0]!)).toBe(
      "W · shape [2, 2] · float64",
    );
    expect(tableCells(b["text/html"] as string)).toEqual([
      [1, 2],
      [3, 4.5],
    ]);
    expect(b["text/latex"]).toBe(
      "$\\displaystyle W = \\begin{bmatrix} 1.0 & 2.0 \\\\ 3.0 & 4.5 \\end{bmatrix}$",
    );
    expect(b["text/plain"]).toContain('dtype=float64, name="W"');
  });

  it("float32 and scalars", () => {
    expect(bundle(tensor([1, 2], { dtype: "float32" }))["text/plain"]).toBe(
      "tensor([1, 2], shape=[2], dtype=float32)",
    );
    expect(bundle(tensor(2.5))["text/latex"]).toBe("$\\displaystyle 2.5$");
  });

  it("a Jacobian's table holds ∂f_i/∂x_j (checked against the analytic partials) under ∂f_i / ∂x_j headers", () => {
    const J = jacobian(fx, tensor(x0));
    const b = bundle(J);
    const doc = parseFragment(b["text/html"] as string);
    expect(
      elements(doc, "thead")
        .flatMap((h) => elements(h, "th"))
        .map(text),
    ).toEqual(["", "∂x₁", "∂x₂", "∂x₃"]);
    const shown = tableCells(b["text/html"] as string);
    shown.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(analytic[i]![j]!, 4)));
    expect(b["text/latex"]).toContain("\\frac{\\partial f_{2}}{\\partial x_{3}}");
  });

  it("input and output names flow into the table, LaTeX and heatmap hover", () => {
    const J = jacobian(fx, tensor(x0), { inputNames: ["a", "b", "theta"], outputNames: ["p", "q"] });
    const b = bundle(J);
    expect(elements(parseFragment(b["text/html"] as string), "th").map(text)).toEqual([
      "",
      "∂a",
      "∂b",
      "∂theta",
      "∂p",
      "∂q",
    ]);
    expect(latex(J).bundle["text/latex"]).toContain("\\frac{\\partial q}{\\partial \\theta}");
    const svg = parseXml(heatmap(J).bundle["image/svg+xml"] as string, "image/svg+xml");
    const titles = elements(group(svg, "cells"), "title").map(text);
    expect(titles[5]).toBe(`∂q/∂theta = ${Math.cos(x0[2]!).toFixed(4)}`);
    expect(titles[0]).toBe(`∂p/∂a = ${(-2).toFixed(4).replace("-", "−")}`);
  });

  it("a 1000×1000 tensor's bundle stays small", () => {
    const big = randn([1000, 1000]);
    const b = bundle(big);
    expect(JSON.stringify(b).length).toBeLessThan(60_000);
    expect(JSON.stringify(heatmap(big).bundle).length).toBeLessThan(400_000);
  });
});
