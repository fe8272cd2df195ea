import { describe, expect, it } from "vitest";
import { plot, plotBundle, html, markdown, PLOTLY_MIME, type PlotlyFigure, type TensorView } from "gradlab";
import { elements, group, parseXml, text } from "./xml.js";
import type { Document, Element } from "@xmldom/xmldom";

const svgOf = (b: Record<string, unknown>): Document =>
  parseXml(b["image/svg+xml"] as string, "image/svg+xml");
const paths = (doc: Document): Element[] =>
  elements(doc, "g")
    .filter((g) => g.getAttribute("class") === "series")
    .map((g) => elements(g, "path")[0]!);
/** The points of an SVG path "M x y L x y …", split into runs at each M. */
function runs(d: string): [number, number][][] {
  return d
    .split("M")
    .filter(Boolean)
    .map((run) => run.split("L").map((p) => p.trim().split(" ").map(Number) as [number, number]));
}
const losses = Array.from({ length: 200 }, (_, i) => 2 * Math.exp(-i / 30) + 0.05);

describe("plot", () => {
  it("bundles plotly JSON, SVG, HTML with that SVG, and a text summary", () => {
    const b = plot(losses, { title: "loss", xLabel: "step", yLabel: "loss" }).bundle;
    expect(Object.keys(b).sort()).toEqual([PLOTLY_MIME, "image/svg+xml", "text/html", "text/plain"].sort());
    expect(b["text/html"]).toContain(b["image/svg+xml"] as string);
    expect(b["text/html"]).not.toMatch(/<script|\son\w+=/i);
    expect(b["text/plain"]).toBe(
      `plot · loss\n  y: 200 points, first ${losses[0]!.toFixed(4)}, last ${losses[199]!.toFixed(4)}, min ${losses[199]!.toFixed(4)} at x = 199`,
    );
  });

  it("draws each point of a series where its value says: decreasing values go down the page", () => {
    const doc = svgOf(plotBundle(losses));
    const [line] = paths(doc);
    const [pts] = runs(line!.getAttribute("d")!);
    expect(pts).toHaveLength(200);
    for (let i = 1; i < pts!.length; i++) {
      expect(pts![i]![0]).toBeGreaterThan(pts![i - 1]![0]); // x increases
      expect(pts![i]![1]).toBeGreaterThanOrEqual(pts![i - 1]![1]); // y (down) increases as loss falls
    }
  });

  it("labels axes and ticks, and draws a legend and a colour per series", () => {
    const b = plotBundle(
      [
        { y: losses, name: "train" },
        { y: losses.map((v) => v * 1.2), name: "test" },
      ],
      { xLabel: "step", yLabel: "loss" },
    );
    const doc = svgOf(b);
    const ps = paths(doc);
    expect(ps).toHaveLength(2);
    expect(ps[0]!.getAttribute("stroke")).not.toBe(ps[1]!.getAttribute("stroke"));
    expect(elements(group(doc, "legend"), "text").map(text)).toEqual(["train", "test"]);
    const axisTexts = elements(group(doc, "axes"), "text").map(text);
    expect(axisTexts).toContain("step");
    expect(axisTexts).toContain("loss");
    expect(axisTexts).toContain("100");
    const fig = b[PLOTLY_MIME] as PlotlyFigure;
    expect(fig.data.map((t) => t.name)).toEqual(["train", "test"]);
    expect(fig.data[0]!.y).toEqual(losses);
    expect((fig.layout.xaxis as { title: { text: string } }).title.text).toBe("step");
    expect(fig.layout.showlegend).toBe(true);
  });

  it("marks each point of a short series, with hover text (x, y)", () => {
    const doc = svgOf(plotBundle({ y: [3, 2, 1.5], x: [10, 20, 30], name: "loss" }));
    const circles = elements(doc, "circle");
    expect(circles.map((c) => text(elements(c, "title")[0]!))).toEqual([
      "loss: (10, 3.0)",
      "loss: (20, 2.0)",
      "loss: (30, 1.5)",
    ]);
  });

  it("breaks the line at NaN (a gap), and plotly gets null there", () => {
    const b = plotBundle([1, 2, NaN, 4, 5]);
    expect(runs(paths(svgOf(b))[0]!.getAttribute("d")!).map((r) => r.length)).toEqual([2, 2]);
    expect((b[PLOTLY_MIME] as PlotlyFigure).data[0]!.y).toEqual([1, 2, null, 4, 5]);
  });

  it("reduces a 100 000-point series to at most maxPoints, keeping its extremes", () => {
    const y = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 300) + (i === 77_777 ? 5 : 0));
    const b = plotBundle(y, { maxPoints: 1000 });
    const fig = b[PLOTLY_MIME] as PlotlyFigure;
    const ys = fig.data[0]!.y as number[];
    expect(ys.length).toBeLessThanOrEqual(1002);
    expect(Math.max(...ys)).toBe(Math.max(...y));
    expect(Math.min(...ys)).toBe(Math.min(...y));
    expect((fig.data[0]!.x as number[]).includes(77_777)).toBe(true);
    expect(text(svgOf(b))).toContain("of 100000 points");
    expect(JSON.stringify(b).length).toBeLessThan(150_000);
  });

  it("log y axis: ticks at powers of ten; rejects values ≤ 0 with the index", () => {
    const b = plotBundle([1, 0.1, 0.01], { logY: true });
    expect((b[PLOTLY_MIME] as PlotlyFigure).layout.yaxis).toMatchObject({ type: "log" });
    expect(elements(group(svgOf(b), "axes"), "text").map(text)).toEqual(
      expect.arrayContaining(["0.01", "0.1", "1"]),
    );
    expect(() => plot([1, 0, 2], { logY: true })).toThrow(
      /logY needs values > 0, but series 'y' has 0 at index 1/,
    );
    expect(() => plot({ y: [1, 2], x: [1] })).toThrow(/has 1 x values but 2 y values/);
  });

  it("plots a 1-D tensor as one line and a matrix as one line per row", () => {
    const m: TensorView = {
      shape: [2, 3],
      dtype: "float64",
      data: [1, 2, 3, 3, 2, 1],
      labels: { rows: ["up", "down"] },
    };
    const fig = plotBundle(m)[PLOTLY_MIME] as PlotlyFigure;
    expect(fig.data.map((t) => [t.name, t.y])).toEqual([
      ["up", [1, 2, 3]],
      ["down", [3, 2, 1]],
    ]);
  });

  it("escapes series names and titles", () => {
    const b = plotBundle({ y: [1, 2], name: "<img src=x onerror=alert(1)>" }, { title: "<b>&" });
    expect(b["image/svg+xml"]).not.toContain("<img");
    expect(text(svgOf(b))).toContain("<b>&");
    expect(JSON.stringify(b[PLOTLY_MIME])).not.toContain("<img");
  });
});

describe("html and markdown", () => {
  it("html() shows the HTML and its text", () => {
    expect(html("<p><b>epoch 3</b>: loss &lt; 0.1</p>").bundle).toEqual({
      "text/html": "<p><b>epoch 3</b>: loss &lt; 0.1</p>",
      "text/plain": "epoch 3: loss < 0.1",
    });
  });
  it("markdown() shows Markdown", () => {
    expect(markdown("**bold** $x$").bundle).toEqual({
      "text/markdown": "**bold** $x$",
      "text/plain": "**bold** $x$",
    });
    expect(String(markdown("# hi"))).toBe("# hi");
  });
});
