import { describe, expect, it } from "vitest";
import katex from "katex";
import { tensorBundle, table, latex, type TensorView } from "gradlab";
import { children, elements, parseFragment, readNumber, text } from "./xml.js";

const view = (shape: number[], data: ArrayLike<number>, extra: Partial<TensorView> = {}): TensorView => ({
  shape,
  dtype: "float64",
  data,
  ...extra,
});
const ramp = (n: number, f = (i: number) => i) => Float64Array.from({ length: n }, (_, i) => f(i));
const jac = view([2, 3], [1, -0.5, 2, 0, 0.25, -3], { labels: { kind: "jacobian" } });

/** The LaTeX inside `$\displaystyle …$`, rendered by KaTeX with errors thrown. */
function renderLatex(tex: string): string {
  const m = /^\$\\displaystyle ([\s\S]*)\$$/.exec(tex);
  expect(m, `delimited: ${tex}`).not.toBeNull();
  return katex.renderToString(m![1]!, { throwOnError: true, displayMode: true, output: "html" });
}

/** The <td> texts of an HTML table, row by row. */
function cells(html: string): string[][] {
  const doc = parseFragment(html);
  return elements(doc, "tbody")
    .flatMap((b) => children(b, "tr"))
    .map((tr) => children(tr, "td").map((td) => text(td)));
}

describe("text/plain", () => {
  it.each([
    [view([], [3.14159]), "tensor(3.1416, shape=[], dtype=float64)"],
    [view([3], [0.5, 1, -2]), "tensor([ 0.5,  1.0, -2.0], shape=[3], dtype=float64)"],
    [
      view([2, 2], [1, 2, 3, 4], { name: "W1" }),
      'tensor([[1, 2],\n        [3, 4]], shape=[2, 2], dtype=float64, name="W1")',
    ],
  ])("NumPy layout %#", (v, expected) => {
    expect(tensorBundle(v)["text/plain"]).toBe(expected);
  });

  it("separates the blocks of a 3-D tensor with a blank line", () => {
    const t = tensorBundle({ shape: [2, 2, 2], dtype: "float32", data: new Float32Array(ramp(8)) })[
      "text/plain"
    ] as string;
    expect(t.split("\n")).toEqual([
      "tensor([[[0, 1],",
      "         [2, 3]],",
      "",
      "        [[4, 5],",
      "         [6, 7]]], shape=[2, 2, 2], dtype=float32)",
    ]);
  });

  it("summarises more than 1000 elements with ... and keeps the edge values", () => {
    const data = ramp(1000 * 1000, (i) => i / 1000);
    const t = tensorBundle(view([1000, 1000], data))["text/plain"] as string;
    const lines = t.split("\n");
    expect(lines.length).toBe(7); // 3 rows, the ellipsis row, 3 rows
    expect(lines[3]!.trim()).toBe("...,");
    const first = lines[0]!.match(/-?\d+\.\d+|\.\.\./g)!;
    expect(first).toHaveLength(7);
    expect(first[3]).toBe("...");
    expect(Number(first[0])).toBe(data[0]);
    expect(Number(first[6])).toBeCloseTo(data[999]!, 4);
    expect(Number(lines[6]!.match(/(-?\d+\.\d+)\]\]/)![1])).toBeCloseTo(data[data.length - 1]!, 4);
    expect(t.length).toBeLessThan(1000);
  });

  it("wraps a long vector at 75 characters", () => {
    const t = tensorBundle(
      view(
        [30],
        ramp(30, (i) => i / 7),
      ),
    )["text/plain"] as string;
    const lines = t.split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines.slice(0, -1)) expect(l.length).toBeLessThanOrEqual(75);
    expect(t.match(/\d+\.\d{4}/g)).toHaveLength(30);
  });

  it("a Jacobian is a grid with ∂f_i rows and ∂x_j columns", () => {
    const lines = (tensorBundle(jac)["text/plain"] as string).split("\n");
    expect(lines[0]).toBe("∂f/∂x · shape [2, 3] · float64");
    expect(lines[1]!.trim().split(/\s+/)).toEqual(["∂x₁", "∂x₂", "∂x₃"]);
    expect(lines[2]!.trim().split(/\s+/)).toEqual(["∂f₁", "1.00", "-0.50", "2.00"]);
    expect(lines[3]!.trim().split(/\s+/)).toEqual(["∂f₂", "0.00", "0.25", "-3.00"]);
  });
});

describe("text/html table", () => {
  it("has the caption, headers and every value of a small matrix, right-aligned", () => {
    const data = [1.5, -2, 0.25, 3, 4, -0.125];
    const html = tensorBundle(view([2, 3], data))["text/html"] as string;
    const doc = parseFragment(html);
    expect(text(elements(doc, "caption")[0]!)).toBe("shape [2, 3] · float64");
    expect(elements(doc, "th").map(text)).toEqual(["", "0", "1", "2", "0", "1"]);
    const shown = cells(html);
    expect(shown.map((r) => r.map(readNumber))).toEqual([data.slice(0, 3), data.slice(3)]);
    expect(new Set(shown.flat().map((s) => s.split(".")[1]!.length))).toEqual(new Set([3])); // one precision
    for (const td of elements(doc, "td")) expect(td.getAttribute("style")).toContain("text-align:right");
  });

  it("labels a Jacobian ∂f_i / ∂x_j, with hover titles ∂f_i/∂x_j = value", () => {
    const doc = parseFragment(tensorBundle(jac)["text/html"] as string);
    expect(text(elements(doc, "caption")[0]!)).toBe("∂f/∂x · shape [2, 3] · float64");
    expect(
      elements(doc, "thead")
        .flatMap((h) => elements(h, "th"))
        .map(text),
    ).toEqual(["", "∂x₁", "∂x₂", "∂x₃"]);
    expect(
      elements(doc, "tbody")
        .flatMap((b) => elements(b, "th"))
        .map(text),
    ).toEqual(["∂f₁", "∂f₂"]);
    expect(elements(doc, "td")[5]!.getAttribute("title")).toBe("∂f₂/∂x₃ = −3.00");
  });

  it("uses given names for rows and columns", () => {
    const html = table([[0.1, 0.9]], { rows: ["cat"], cols: ["p(cat)", "p(dog)"], title: "softmax" }).bundle[
      "text/html"
    ] as string;
    const doc = parseFragment(html);
    expect(elements(doc, "th").map(text)).toEqual(["", "p(cat)", "p(dog)", "cat"]);
    expect(text(elements(doc, "caption")[0]!)).toBe("softmax · shape [1, 2] · float64");
  });

  it("truncates a 1000×1000 tensor to its corners with ⋮ ⋯ ⋱, in a few kilobytes", () => {
    const data = ramp(1000 * 1000, (i) => Math.sin(i));
    const bundle = tensorBundle(view([1000, 1000], data));
    const rows = cells(bundle["text/html"] as string);
    expect(rows).toHaveLength(15); // 7 + ellipsis + 7
    expect(rows[7]).toEqual(["⋮", "⋮", "⋮", "⋮", "⋱", "⋮", "⋮", "⋮", "⋮"]);
    expect(rows[0]![4]).toBe("⋯");
    expect(readNumber(rows[0]![0]!)).toBeCloseTo(data[0]!, 4);
    expect(readNumber(rows[14]![8]!)).toBeCloseTo(data[999_999]!, 4);
    expect(readNumber(rows[8]![5]!)).toBeCloseTo(data[993 * 1000 + 996]!, 4);
    expect(bundle["text/latex"]).toBeUndefined();
    expect(JSON.stringify(bundle).length).toBeLessThan(60_000);
  });

  it("shows a vector as one row with index headers, and a scalar as a value with its dtype", () => {
    expect(cells(tensorBundle(view([4], [1, 2, 3, -4]))["text/html"] as string)).toEqual([
      ["1", "2", "3", "−4"],
    ]);
    const scalar = parseFragment(tensorBundle(view([], [2.5], { name: "loss" }))["text/html"] as string);
    expect(text(scalar)).toBe("loss = 2.5 · scalar · float64");
  });

  it("draws a >2-D tensor as one table per leading index", () => {
    const html = tensorBundle(view([2, 2, 3], ramp(12)))["text/html"] as string;
    const doc = parseFragment(html);
    expect(elements(doc, "caption").map(text)).toEqual(["[0, :, :]", "[1, :, :]"]);
    expect(cells(html).flat().map(readNumber)).toEqual(Array.from(ramp(12)));
    const many = parseFragment(tensorBundle(view([50, 2, 2], ramp(200)))["text/html"] as string);
    expect(elements(many, "table")).toHaveLength(4);
    expect(text(many)).toContain("46 more slices");
  });

  it("escapes user strings: names, titles and labels never become markup", () => {
    const evil = `<script>alert("x")</script>&'`;
    for (const html of [
      tensorBundle(view([1, 1], [1], { name: evil }))["text/html"],
      table([[1]], { rows: [evil], cols: [evil], title: evil }).bundle["text/html"],
      tensorBundle(view([], [1], { name: evil }))["text/html"],
    ] as string[]) {
      expect(html).not.toContain("<script");
      const doc = parseFragment(html); // still well-formed
      expect(elements(doc, "script")).toHaveLength(0);
      expect(text(doc)).toContain(evil);
    }
  });
});

describe("text/latex", () => {
  it("is a bmatrix that KaTeX renders, with the name on the left", () => {
    const tex = tensorBundle(view([2, 2], [1, -2, 3.5, 4], { name: "W1" }))["text/latex"] as string;
    expect(tex).toBe(
      "$\\displaystyle W_{1} = \\begin{bmatrix} 1.0 & -2.0 \\\\ 3.5 & \\phantom{-}4.0 \\end{bmatrix}$",
    );
    expect(renderLatex(tex)).toContain("katex");
  });

  it("shows a vector as a column and a scalar as a number", () => {
    expect(tensorBundle(view([3], [1, 2, 3]))["text/latex"]).toBe(
      "$\\displaystyle \\begin{bmatrix} 1 \\\\ 2 \\\\ 3 \\end{bmatrix}$",
    );
    expect(tensorBundle(view([], [0.5]))["text/latex"]).toBe("$\\displaystyle 0.5$");
  });

  it("writes a small Jacobian as ∂f/∂x = [∂f_i/∂x_j] = [numbers]", () => {
    const tex = tensorBundle(jac)["text/latex"] as string;
    expect(
      tex.startsWith(
        "$\\displaystyle \\frac{\\partial f}{\\partial x} = \\begin{bmatrix} \\frac{\\partial f_{1}}{\\partial x_{1}} &",
      ),
    ).toBe(true);
    expect(tex).toContain(
      "\\frac{\\partial f_{2}}{\\partial x_{3}} \\end{bmatrix} = \\begin{bmatrix} 1.00 & -0.50",
    );
    const html = renderLatex(tex);
    expect(html).toContain("∂");
  });

  it("uses the given names: a gradient row ∂loss/∂w", () => {
    const tex = latex(
      view([3], [0.1, -0.2, 0.3], {
        labels: { kind: "jacobian", rows: ["loss"], cols: ["w_1", "w_2", "b"] },
      }),
    ).bundle["text/latex"] as string;
    expect(tex).toContain("\\frac{\\partial \\mathrm{loss}}{\\partial x}");
    expect(tex).toContain("\\frac{\\partial \\mathrm{loss}}{\\partial w_{2}}");
    expect(tex).toContain("\\frac{\\partial \\mathrm{loss}}{\\partial b}");
    expect(tex).toMatch(/= \\begin\{bmatrix\} 0\.1 & -0\.2 & 0\.3 \\end\{bmatrix\}\$$/);
    renderLatex(tex);
  });

  it("is left out for large or >2-D tensors; latex() summarises on request", () => {
    expect(tensorBundle(view([13, 2], ramp(26)))["text/latex"]).toBeUndefined();
    expect(tensorBundle(view([2, 2, 2], ramp(8)))["text/latex"]).toBeUndefined();
    const tex = latex(view([100, 100], ramp(10000))).bundle["text/latex"] as string;
    expect(tex).toContain("\\cdots");
    expect(tex).toContain("\\vdots");
    expect(tex).toContain("\\ddots");
    expect(tex.length).toBeLessThan(2000);
    renderLatex(tex);
  });

  it("latex(string) adds delimiters only when missing; names with specials are escaped", () => {
    expect(latex("x^2").bundle["text/latex"]).toBe("$\\displaystyle x^2$");
    expect(latex("$$x^2$$").bundle["text/latex"]).toBe("$$x^2$$");
    const tex = tensorBundle(view([1], [1], { name: "a&b_{c}" }))["text/latex"] as string;
    expect(tex).toContain("\\mathrm{a\\&b\\_\\{c\\}}");
    renderLatex(tex);
  });
});

describe("bad input", () => {
  it("names the problem", () => {
    expect(() => table([[1, 2], [3]])).toThrow(
      /ragged nested array at \[1\]: expected length 2, got length 1/,
    );
    expect(() => table([[1, 2]], { cols: ["a"] })).toThrow(/1 column labels for 2 columns/);
    expect(() => tensorBundle(view([2, 2], [1, 2, 3]))).toThrow(
      /shape \[2, 2\] needs 4 values but data has 3/,
    );
  });
});
