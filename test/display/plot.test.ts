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
/** The plot area: the extent of the horizontal grid lines and of the y axis. */
function plotArea(doc: Document) {
  const lines = elements(group(doc, "axes"), "line").map((l) =>
    ["x1", "x2", "y1", "y2"].map((a) => Number(l.getAttribute(a))),
  );
  const yAxis = lines.find(([x1, x2, y1, y2]) => x1 === x2 && y2! - y1! > 20)!;
  const grid = lines.filter(([, , y1, y2]) => y1 === y2);
  return {
    left: Math.min(...grid.map(([x1]) => x1!)),
    right: Math.max(...grid.map(([, x2]) => x2!)),
    top: yAxis[2]!,
    bottom: yAxis[3]!,
  };
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

  it("keeps a short legend beside the plot, clear of the plot area", () => {
    const doc = svgOf(
      plotBundle([
        { y: [1, 2, 3], name: "train" },
        { y: [2, 2, 1], name: "test" },
      ]),
    );
    const area = plotArea(doc);
    const legendXs = elements(group(doc, "legend"), "line").map((l) => Number(l.getAttribute("x1")));
    expect(Math.min(...legendXs)).toBeGreaterThan(area.right);
    expect(area.right - area.left).toBeGreaterThan(400);
    expect(elements(group(doc, "legend"), "title")).toEqual([]); // nothing cut, nothing to explain
  });

  it("puts long names in rows below the plot, cut with … (full name in a <title>); plotly the same", () => {
    const names = [
      "train loss, learning rate 0.1, momentum 0.9, batch 64",
      "validation loss, learning rate 0.1, momentum 0.9, batch 64",
      "train loss, learning rate 0.01 with warm-up",
    ];
    const series = names.map((name, k) => ({ y: losses.map((v) => v * (1 + k / 4)), name }));
    const b = plotBundle(series, { xLabel: "step", yLabel: "loss" });
    const doc = svgOf(b);
    const area = plotArea(doc);
    // The plot area is as wide and as tall as with no legend at all (one series over the same y range).
    const alone = series.flatMap((s) => s.y);
    const plain = plotArea(svgOf(plotBundle(alone, { xLabel: "step", yLabel: "loss" })));
    expect(area).toEqual(plain);
    expect(area.right - area.left).toBeGreaterThan(500);
    const svgHeight = Number(doc.documentElement!.getAttribute("height"));
    expect(svgHeight).toBeGreaterThan(340); // the rows are added below
    const items = elements(group(doc, "legend"), "g");
    expect(items).toHaveLength(3);
    const labels = items.map((g) => text(elements(g, "text")[0]!));
    const xLabelY = Math.max(
      ...elements(group(doc, "axes"), "text")
        .filter((t) => text(t) === "step")
        .map((t) => Number(t.getAttribute("y"))),
    );
    items.forEach((g, k) => {
      const y = Number(elements(g, "text")[0]!.getAttribute("y"));
      expect(y).toBeGreaterThan(xLabelY); // below the x axis title
      expect(y).toBeLessThan(svgHeight);
      expect(labels[k]!.endsWith("…")).toBe(true);
      expect(names[k]!.startsWith(labels[k]!.slice(0, -1))).toBe(true);
      expect(text(elements(g, "title")[0]!)).toBe(names[k]);
    });
    // plotly: a horizontal legend under the plot, the same cut labels; hover keeps the full name.
    const fig = b[PLOTLY_MIME] as PlotlyFigure;
    expect(fig.data.map((t) => t.name)).toEqual(labels);
    expect(fig.data.map((t) => t.hovertemplate)).toEqual(
      names.map((n) => `${n}: (%{x}, %{y})<extra></extra>`),
    );
    expect(fig.layout.height).toBe(svgHeight);
    const legend = fig.layout.legend as { orientation: string; y: number; yref: string };
    expect(legend).toMatchObject({ orientation: "h", yref: "container", yanchor: "top" });
    const margin = fig.layout.margin as { l: number; r: number; t: number; b: number };
    const plotlyArea = [margin.l, 600 - margin.r, margin.t, svgHeight - margin.b];
    [area.left, area.right, area.top, area.bottom].forEach((v, k) => expect(plotlyArea[k]).toBeCloseTo(v, 1));
    expect((1 - legend.y) * svgHeight).toBeGreaterThan(xLabelY); // the legend's top is under the axis title
  });

  it("many series: at most 4 legend rows and '+N more'; plotly hides the same ones from its legend", () => {
    const series = Array.from({ length: 40 }, (_, k) => ({ y: [k, k + 1, k + 3], name: `run ${k}` }));
    const b = plotBundle(series);
    const doc = svgOf(b);
    const legend = group(doc, "legend");
    const items = elements(legend, "g");
    const rows = new Set(items.map((g) => elements(g, "line")[0]!.getAttribute("y1")));
    expect(rows.size).toBeLessThanOrEqual(4);
    const more = /^\+(\d+) more$/.exec(text(elements(legend, "text").at(-1)!))!;
    expect(items.length + Number(more[1])).toBe(40);
    expect(paths(doc)).toHaveLength(40); // every line is still drawn
    const fig = b[PLOTLY_MIME] as PlotlyFigure;
    expect(fig.data.filter((t) => t.showlegend === false)).toHaveLength(Number(more[1]));
    expect((fig.layout.annotations as { text: string }[])[0]!.text).toBe(more[0]);
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
  it("html() text/plain: figures become [figure], whitespace collapses, one line per block", () => {
    const figure = plotBundle([3, 2, 1], { title: "loss" })["text/html"] as string;
    const source = `<div class="report">
        <h3>Epoch   3</h3>
        ${figure}
        <p>train loss&nbsp;0.12,\n   test &#8722;0.5 &amp; &#x2713;</p>
        <img src="data:image/png;base64,AAAA" alt="weights W1">
        <svg width="10" height="10"><svg><text>nested</text></svg><title>hidden</title></svg>
        <script>console.log("not text")</script><style>p { color: red }</style>
        <table><tr><th>step</th><td>1</td><td>2</td></tr></table>
      </div>`;
    expect(html(source).bundle["text/plain"]).toBe(
      [
        "Epoch 3",
        "[figure: loss]",
        "train loss 0.12, test −0.5 & ✓",
        "[image: weights W1]",
        "[figure]",
        "step 1 2",
      ].join("\n"),
    );
  });

  it("html() text/plain stays short for long HTML", () => {
    const rows = Array.from({ length: 500 }, (_, i) => `<p>row ${i} ${"x".repeat(40)}</p>`).join("");
    const plain = html(rows).bundle["text/plain"] as string;
    expect(plain.split("\n").length).toBeLessThanOrEqual(12);
    expect([...plain].length).toBeLessThanOrEqual(600);
    expect(plain.startsWith("row 0 x")).toBe(true);
    expect(plain.endsWith("…")).toBe(true);
    const long = html(`<p>${"word ".repeat(1000)}</p>`).bundle["text/plain"] as string;
    expect([...long].length).toBe(600);
    expect(long.endsWith("…")).toBe(true);
    expect(html("<b>short</b>").bundle["text/plain"]).toBe("short"); // not cut, no …
  });

  it("markdown() shows Markdown", () => {
    expect(markdown("**bold** $x$").bundle).toEqual({
      "text/markdown": "**bold** $x$",
      "text/plain": "**bold** $x$",
    });
    expect(String(markdown("# hi"))).toBe("# hi");
  });
});
