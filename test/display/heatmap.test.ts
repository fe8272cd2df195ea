import { describe, expect, it } from "vitest";
import { heatmap, heatmapBundle, PLOTLY_MIME, type PlotlyFigure, type TensorView } from "gradlab";
import { elements, group, parseXml, readNumber, text } from "./xml.js";
import type { Document, Element } from "@xmldom/xmldom";

const view = (shape: number[], data: ArrayLike<number>, extra: Partial<TensorView> = {}): TensorView => ({
  shape,
  dtype: "float64",
  data,
  ...extra,
});
const jac = view([2, 3], [1, -0.5, 2, 0, 0.25, -3], { labels: { kind: "jacobian" } });

function svgOf(bundle: Record<string, unknown>): Document {
  const doc = parseXml(bundle["image/svg+xml"] as string, "image/svg+xml");
  expect(doc.documentElement!.tagName).toBe("svg");
  expect(doc.documentElement!.getAttribute("xmlns")).toBe("http://www.w3.org/2000/svg");
  return doc;
}
const cellRects = (doc: Document): Element[] => elements(group(doc, "cells"), "rect");
const titleOf = (e: Element) => text(elements(e, "title")[0]!);
const rgb = (hex: string) =>
  [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];

describe("heatmap bundle", () => {
  it("carries plotly JSON, SVG, HTML showing that same SVG, and text", () => {
    const b = heatmap(jac).bundle;
    expect(Object.keys(b).sort()).toEqual([PLOTLY_MIME, "image/svg+xml", "text/html", "text/plain"].sort());
    expect(b["text/html"]).toContain(b["image/svg+xml"] as string);
    for (const member of [b["text/html"], b["image/svg+xml"]] as string[]) {
      expect(member).not.toMatch(/<script|\son\w+=|javascript:|href=/i);
    }
    expect(JSON.parse(JSON.stringify(b[PLOTLY_MIME]))).toEqual(b[PLOTLY_MIME]);
  });

  it("draws one rect per entry, row-major, hover titles ∂f_i/∂x_j = value, labels ∂f_i and ∂x_j", () => {
    const doc = svgOf(heatmapBundle(jac));
    const rects = cellRects(doc);
    expect(rects.map(titleOf)).toEqual([
      "∂f₁/∂x₁ = 1.00",
      "∂f₁/∂x₂ = −0.50",
      "∂f₁/∂x₃ = 2.00",
      "∂f₂/∂x₁ = 0.00",
      "∂f₂/∂x₂ = 0.25",
      "∂f₂/∂x₃ = −3.00",
    ]);
    // Row-major and laid out as a matrix: x grows along a row, y down the rows.
    const xy = rects.map((r) => [Number(r.getAttribute("x")), Number(r.getAttribute("y"))]);
    expect(xy[1]![0]).toBeGreaterThan(xy[0]![0]!);
    expect(xy[3]![1]).toBeGreaterThan(xy[0]![1]!);
    expect(elements(group(doc, "row-labels"), "text").map(text)).toEqual(["∂f₁", "∂f₂"]);
    expect(elements(group(doc, "col-labels"), "text").map(text)).toEqual(["∂x₁", "∂x₂", "∂x₃"]);
    expect(elements(group(doc, "cells"), "text").map(text)).toEqual([
      "1.00",
      "−0.50",
      "2.00",
      "0.00",
      "0.25",
      "−3.00",
    ]);
  });

  it("uses a diverging scale centred on 0 for signed values: 0 is the neutral middle, sign is hue", () => {
    const fills = cellRects(svgOf(heatmapBundle(jac))).map((r) => r.getAttribute("fill")!);
    expect(fills[3]).toBe("#f7f7f7"); // the value 0
    expect(fills[5]).toBe("#2166ac"); // −3 = −max|v|: the blue end
    const [r, , b] = rgb(fills[2]!); // +2: red side
    expect(r).toBeGreaterThan(b);
    const [r2, , b2] = rgb(fills[1]!); // −0.5: blue side
    expect(b2).toBeGreaterThan(r2);
    // Symmetric range: −v and +v take the two ends of the scale.
    const sym = cellRects(svgOf(heatmapBundle([[-1, 0, 1]]))).map((e) => e.getAttribute("fill"));
    expect(sym).toEqual(["#2166ac", "#f7f7f7", "#b2182b"]);
  });

  it("uses a sequential scale for values of one sign, lightest at the max", () => {
    const fills = cellRects(svgOf(heatmapBundle([[0, 1, 2]]))).map((r) => r.getAttribute("fill")!);
    expect(fills[0]).toBe("#440154");
    expect(fills[2]).toBe("#fde725");
    const luminance = (h: string) => rgb(h).reduce((a, c) => a + c, 0);
    expect(luminance(fills[1]!)).toBeGreaterThan(luminance(fills[0]!));
    expect(heatmapBundle([[1, 2]], { scale: "diverging" })["text/plain"]).toMatch(
      /^heatmap · diverging colours over \[-2, 2\]/,
    );
  });

  it("zmin / zmax fix the colour range: figures share a scale, values beyond are clamped in colour only", () => {
    const range = { zmin: -1, zmax: 1 };
    const small = heatmapBundle([[-0.5, 0, 0.5]], range);
    const large = heatmapBundle([[-4, 0, 0.5, 2]], range);
    const fills = (b: Record<string, unknown>) => cellRects(svgOf(b)).map((r) => r.getAttribute("fill"));
    // The same value has the same colour in both figures, though their own ranges differ 8-fold.
    expect(fills(small)[2]).toBe(fills(large)[2]);
    expect(fills(small)[1]).toBe("#f7f7f7");
    // Beyond the range: the end colours, exactly as at zmin and zmax.
    expect(fills(large)[0]).toBe("#2166ac");
    expect(fills(large)[3]).toBe("#b2182b");
    expect(fills(heatmapBundle([[-1, 1]], range))).toEqual(["#2166ac", "#b2182b"]);
    // Hover titles and cell texts keep the exact values.
    expect(cellRects(svgOf(large)).map(titleOf)).toEqual([
      "[0, 0] = −4.0",
      "[0, 1] = 0.0",
      "[0, 2] = 0.5",
      "[0, 3] = 2.0",
    ]);
    // The colour bar spans [zmin, zmax], read top to bottom.
    const bar = group(svgOf(large), "colorbar");
    const ticks = elements(bar, "text").sort(
      (a, b) => Number(a.getAttribute("y")) - Number(b.getAttribute("y")),
    );
    expect(ticks.map(text)).toEqual(["1.0", "0.5", "0.0", "−0.5", "−1.0"]);
    // plotly: the same range and stops, the exact values in z.
    const trace = (large[PLOTLY_MIME] as PlotlyFigure).data[0]!;
    expect([trace.zmin, trace.zmax]).toEqual([-1, 1]);
    expect(trace.z).toEqual([[-4, 0, 0.5, 2]]);
    expect(large["text/plain"]).toMatch(/^heatmap · diverging colours over \[-1, 1\] \(fixed\)/);
  });

  it("an asymmetric fixed range keeps white at 0 (both in the SVG and in plotly's stops)", () => {
    const b = heatmapBundle([[-1, 0, 3]], { zmin: -1, zmax: 3 });
    expect(cellRects(svgOf(b)).map((r) => r.getAttribute("fill"))).toEqual(["#2166ac", "#f7f7f7", "#b2182b"]);
    const stops = (b[PLOTLY_MIME] as PlotlyFigure).data[0]!.colorscale as [number, string][];
    expect(stops.find(([, c]) => c === "#f7f7f7")![0]).toBeCloseTo(0.25, 12); // (0 − zmin) / (zmax − zmin)
    expect(stops[0]).toEqual([0, "#2166ac"]);
    expect(stops.at(-1)).toEqual([1, "#b2182b"]);
    // A colour between stops: 1.5 is halfway from 0 (white) to 3 (red end) → the red stop in the middle.
    expect(cellRects(svgOf(heatmapBundle([[1.5]], { zmin: -1, zmax: 3 })))[0]!.getAttribute("fill")).toBe(
      "#f4a582",
    );
    // A sequential range when it does not cross 0; one end alone takes the other from the values.
    expect(
      (heatmapBundle([[0.2, 0.4]], { zmin: 0, zmax: 1 })[PLOTLY_MIME] as PlotlyFigure).data[0],
    ).toMatchObject({
      zmin: 0,
      zmax: 1,
      colorscale: expect.arrayContaining([[0, "#440154"]]),
    });
    expect((heatmapBundle([[0.2, 0.4]], { zmin: 0 })[PLOTLY_MIME] as PlotlyFigure).data[0]).toMatchObject({
      zmin: 0,
      zmax: 0.4,
    });
  });

  it("rejects a colour range that is empty or not finite, naming it", () => {
    expect(() => heatmap([[1, 2]], { zmin: 2, zmax: 1 })).toThrow(
      /heatmap: zmin must be less than zmax, got zmin = 2 and zmax = 1/,
    );
    expect(() => heatmap([[1, 2]], { zmax: NaN })).toThrow(/heatmap: zmax must be a finite number, got NaN/);
    expect(() => heatmap([[-3, -2]], { zmin: 0 })).toThrow(
      /zmin = 0 and zmax = 0 \(the other end taken from/,
    );
  });

  it("has a colour bar running from max (top) to min (bottom) with ticks including 0", () => {
    const doc = svgOf(heatmapBundle(jac));
    const bar = group(doc, "colorbar");
    const slices = elements(bar, "rect").filter((r) => r.getAttribute("fill") !== "none");
    expect(slices.length).toBeGreaterThan(50);
    const ys = slices.map((s) => Number(s.getAttribute("y")));
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    const top = rgb(slices[0]!.getAttribute("fill")!);
    const bottom = rgb(slices[slices.length - 1]!.getAttribute("fill")!);
    expect(top[0]).toBeGreaterThan(top[2]); // red at the top (+3)
    expect(bottom[2]).toBeGreaterThan(bottom[0]); // blue at the bottom (−3)
    const ticks = elements(bar, "text").sort(
      (a, b) => Number(a.getAttribute("y")) - Number(b.getAttribute("y")),
    );
    expect(ticks.map(text)).toEqual(["2", "0", "−2"]); // read top to bottom
  });

  it("gives plotly the same values, colours, range, hover texts and matrix orientation", () => {
    const b = heatmapBundle(jac);
    const fig = b[PLOTLY_MIME] as PlotlyFigure;
    const trace = fig.data[0]!;
    expect(trace.type).toBe("heatmap");
    expect(trace.z).toEqual([
      [1, -0.5, 2],
      [0, 0.25, -3],
    ]);
    expect([trace.zmin, trace.zmax]).toEqual([-3, 3]);
    expect((trace.colorscale as [number, string][])[4]).toEqual([0.5, "#f7f7f7"]);
    expect((trace.customdata as string[][]).flat()).toEqual(cellRects(svgOf(b)).map(titleOf));
    expect(trace.hovertemplate).toBe("%{customdata}<extra></extra>");
    expect((fig.layout.yaxis as { autorange: string }).autorange).toBe("reversed");
    expect((fig.layout.xaxis as { side: string }).side).toBe("top");
    expect((fig.layout.xaxis as { ticktext: string[] }).ticktext).toEqual(["∂x₁", "∂x₂", "∂x₃"]);
  });

  it("downsamples a 1000×1000 matrix to 32×32 block means, says so, and stays small", () => {
    const n = 1000;
    const data = Float64Array.from({ length: n * n }, (_, k) => Math.sin(k / 7919) + (k % n) / n);
    const b = heatmapBundle(view([n, n], data));
    const doc = svgOf(b);
    const rects = cellRects(doc);
    expect(rects).toHaveLength(32 * 32);
    expect(text(doc)).toContain("shown as 32×32 blocks");
    // Each hover names its block; the mean it states is the mean of exactly those entries.
    for (const k of [0, 33, 500, 1023]) {
      const m = /^rows (\d+)–(\d+) × cols (\d+)–(\d+): mean (.+)$/.exec(titleOf(rects[k]!))!;
      const [r0, r1, c0, c1] = m.slice(1, 5).map(Number) as [number, number, number, number];
      let sum = 0;
      for (let i = r0; i <= r1; i++) for (let j = c0; j <= c1; j++) sum += data[i * n + j]!;
      expect(readNumber(m[5]!)).toBeCloseTo(sum / ((r1 - r0 + 1) * (c1 - c0 + 1)), 3);
    }
    const covered = new Set(rects.map((r) => /^rows (\d+)/.exec(titleOf(r))![1]));
    expect(covered.size).toBe(32);
    expect(((b[PLOTLY_MIME] as PlotlyFigure).data[0]!.z as number[][]).length).toBe(32);
    expect(JSON.stringify(b).length).toBeLessThan(400_000);
  });

  it("draws NaN cells grey in SVG and leaves them empty (null) in plotly", () => {
    const b = heatmapBundle([[1, NaN]]);
    expect(cellRects(svgOf(b))[1]!.getAttribute("fill")).toBe("#d9d9d9");
    expect((b[PLOTLY_MIME] as PlotlyFigure).data[0]!.z).toEqual([[1, null]]);
  });

  it("escapes labels and titles in SVG, HTML and plotly", () => {
    const evil = `<script>alert(1)</script>&"'`;
    const b = heatmapBundle([[1, 2]], { rows: [evil], cols: ["a", evil], title: evil });
    for (const m of [b["image/svg+xml"], b["text/html"], JSON.stringify(b[PLOTLY_MIME])] as string[]) {
      expect(m).not.toContain("<script");
    }
    const doc = svgOf(b);
    expect(elements(group(doc, "row-labels"), "text").map(text)).toEqual([evil]);
    expect(titleOf(cellRects(doc)[1]!)).toBe(`${evil} · ${evil} = 2`);
    expect((b[PLOTLY_MIME] as PlotlyFigure).layout.title).toMatchObject({
      text: "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;",
    });
  });

  it("a vector is one row; a 3-D tensor needs row and column labels", () => {
    expect(cellRects(svgOf(heatmapBundle([1, 2, 3])))).toHaveLength(3);
    expect(() => heatmap(view([2, 2, 2], new Float64Array(8)))).toThrow(
      /heatmap: needs a scalar, vector or matrix, got shape \[2, 2, 2\]/,
    );
    const labelled = heatmapBundle(
      view([2, 2, 2], new Float64Array(8), {
        labels: { kind: "jacobian", rows: ["f_1", "f_2"], cols: ["a", "b", "c", "d"] },
      }),
    );
    expect(cellRects(svgOf(labelled))).toHaveLength(8);
  });
});
