/**
 * What a person sees: each bundle's HTML and SVG loaded in Chromium (network blocked and recorded),
 * checked through the rendered page (text in cells, colours of pixels, the element under the pointer and
 * its hover title), with screenshots in test-output/display/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import {
  heatmap,
  plot,
  table,
  tensorBundle,
  PLOTLY_MIME,
  type MimeBundle,
  type PlotlyFigure,
  type TensorView,
} from "gradlab";
import { hasChromium, openBrowser, type BrowserSession } from "../support/browser.js";
import { requireTool } from "../support/e2e.js";

const run = requireTool("chromium (/usr/bin/chromium)", hasChromium());
const plotlyJs = () => readFileSync(createRequire(import.meta.url).resolve("plotly.js-dist-min"), "utf8");

const jac: TensorView = {
  shape: [3, 4],
  dtype: "float64",
  data: [0.8, -1.2, 0, 2.5, -0.3, 1.1, -2.2, 0.05, 1.6, 0, -0.7, 0.4],
  labels: { kind: "jacobian", rows: ["f_1", "f_2", "f_3"], cols: ["w_1", "w_2", "w_3", "b"] },
};
/** Values of all sizes and signs, like trained weights. */
const weights: TensorView = {
  shape: [1000, 1000],
  dtype: "float64",
  data: Float64Array.from({ length: 1e6 }, (_, k) => Math.sin(k * 12.9898) * 1.7),
};
const big: TensorView = {
  shape: [1000, 1000],
  dtype: "float64",
  data: Float64Array.from(
    { length: 1e6 },
    (_, k) => Math.sin((k / 1000) * 0.02) * Math.cos((k % 1000) * 0.013),
  ),
};

/** The colour of the pixel at page point (x, y), read back from a 1-px screenshot. */
async function colorAt(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, png.toString("base64"));
}
const hexRgb = (hex: string) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
const near = (a: number[], b: number[], tol = 3) => a.every((v, k) => Math.abs(v - b[k]!) <= tol);

/** The bits of plotly.js the page code below uses (plotly has no types installed here). */
interface PlotlyGlobal {
  newPlot(id: string, data: unknown, layout: unknown, config?: unknown): Promise<unknown>;
  validate(data: unknown, layout: unknown): unknown[] | undefined;
}
interface PlotlyAxis {
  _offset: number;
  l2p(v: number): number;
}
type PlotDiv = HTMLElement & { _fullLayout: { xaxis: PlotlyAxis; yaxis: PlotlyAxis } };

/** Text of every matched element (SVG text has no innerText). */
const texts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((es) => es.map((e) => e.textContent ?? ""));

/** The element under the pointer at (x, y) and the hover title a person would get there. */
async function hoverAt(page: Page, x: number, y: number) {
  await page.mouse.move(x, y);
  return page.evaluate(
    ([px, py]) => {
      const e = document.elementFromPoint(px!, py!);
      const title = e?.querySelector(":scope > title")?.textContent ?? e?.getAttribute("title") ?? null;
      return { tag: e?.tagName ?? null, fill: e?.getAttribute("fill") ?? null, title };
    },
    [x, y],
  );
}

describe.runIf(run)("in Chromium", () => {
  let b: BrowserSession;
  beforeAll(async () => {
    b = await openBrowser({
      outputDir: "display",
      viewport: { width: 820, height: 600 },
      deviceScaleFactor: 2,
    });
  });
  afterAll(async () => {
    await b?.close();
  });

  it("a Jacobian table shows ∂f_i / ∂x_j headers and right-aligned values with hover titles", async () => {
    await b.show(tensorBundle(jac)["text/html"] as string);
    const page = b.page;
    await expect.poll(() => page.locator("caption").innerText()).toBe("∂f/∂x · shape [3, 4] · float64");
    const head = await page.locator("thead th").allInnerTexts();
    expect(head.map((s) => s.trim())).toEqual(["", "∂w₁", "∂w₂", "∂w₃", "∂b"]);
    expect((await page.locator("tbody th").allInnerTexts()).map((s) => s.trim())).toEqual([
      "∂f₁",
      "∂f₂",
      "∂f₃",
    ]);
    const rows = await page
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent)),
      );
    expect(rows).toEqual([
      ["0.80", "−1.20", "0.00", "2.50"],
      ["−0.30", "1.10", "−2.20", "0.05"],
      ["1.60", "0.00", "−0.70", "0.40"],
    ]);
    // Right-aligned: within a column, every number ends at the same x.
    const rights = await page.locator("tbody td:nth-of-type(2)").evaluateAll((tds) =>
      tds.map((td) => {
        const r = document.createRange();
        r.selectNodeContents(td);
        return Math.round(r.getBoundingClientRect().right);
      }),
    );
    expect(new Set(rights).size).toBe(1);
    const cell = await page.locator("tbody tr").nth(1).locator("td").nth(2).boundingBox();
    expect((await hoverAt(page, cell!.x + cell!.width / 2, cell!.y + cell!.height / 2)).title).toBe(
      "∂f₂/∂w₃ = −2.20",
    );
    await b.screenshot("table-jacobian", { selector: ".gradlab-table" });
  });

  it("a 1000×1000 tensor shows its corners around ⋮ ⋯ ⋱, small enough to read", async () => {
    await b.show(tensorBundle(weights)["text/html"] as string);
    const page = b.page;
    expect(await page.locator("tbody tr").count()).toBe(15);
    expect(await page.locator("tbody tr").nth(7).innerText()).toMatch(/⋮[\s\S]*⋱[\s\S]*⋮/);
    expect((await page.locator("thead th").allInnerTexts()).map((s) => s.trim())).toContain("999");
    const box = await page.locator("table").boundingBox();
    expect(box!.width).toBeLessThan(900); // bounded by the limits, not by the tensor
    await b.screenshot("table-large", { selector: ".gradlab-table" });
  });

  it("scalars, vectors and 3-D tensors", async () => {
    const parts = [
      tensorBundle({ shape: [], dtype: "float64", data: [0.6931], name: "loss" }),
      tensorBundle({ shape: [5], dtype: "float32", data: [0.1, -0.2, 0.3, 0.4, -0.5], name: "b" }),
      tensorBundle({ shape: [2, 2, 3], dtype: "float64", data: Array.from({ length: 12 }, (_, i) => i - 6) }),
    ].map((x: MimeBundle) => x["text/html"] as string);
    await b.show(parts.join('<div style="height:16px"></div>'));
    const text = await b.page.locator("#output").innerText();
    expect(text).toContain("loss = 0.6931");
    expect(text).toContain("b · shape [5] · float32");
    expect(text).toContain("[1, :, :]");
    await b.screenshot("tensors-scalar-vector-3d", { selector: "#output" });
  });

  it("a heatmap (text/html) shows exact colours, a colour bar, and ∂f_i/∂x_j under the pointer", async () => {
    const bundle = heatmap(jac).bundle;
    await b.show(bundle["text/html"] as string);
    const page = b.page;
    const rects = page.locator("g.cells rect");
    expect(await rects.count()).toBe(12);
    // Cell (0, 3) holds 2.5 = max|v|: the red end of the diverging scale, centred on 0.
    const r = await rects.nth(3).boundingBox();
    const centre = [r!.x + r!.width / 2, r!.y + r!.height / 5] as const; // above the value text
    expect(await hoverAt(page, ...centre)).toEqual({ tag: "rect", fill: "#b2182b", title: "∂f₁/∂b = 2.50" });
    expect(near(await colorAt(page, ...centre), hexRgb("#b2182b"))).toBe(true);
    // Cell (1, 2) holds −2.2: blue; what shows on screen is the fill the SVG asks for.
    const c = await rects.nth(6).boundingBox();
    const blue = await hoverAt(page, c!.x + c!.width / 2, c!.y + c!.height / 5);
    expect(blue.title).toBe("∂f₂/∂w₃ = −2.20");
    const seen = await colorAt(page, c!.x + c!.width / 2, c!.y + c!.height / 5);
    expect(near(seen, hexRgb(blue.fill!))).toBe(true);
    expect(seen[2]).toBeGreaterThan(seen[0] + 80);
    // A zero cell is the neutral middle; the value text sits on it and lets the pointer through.
    const z = await rects.nth(2).boundingBox();
    const onText = await hoverAt(page, z!.x + z!.width / 2, z!.y + z!.height / 2);
    expect(onText.title).toBe("∂f₁/∂w₃ = 0.00");
    expect(near(await colorAt(page, z!.x + 3, z!.y + 3), hexRgb("#f7f7f7"))).toBe(true);
    // Colour bar: red (positive) at the top, blue at the bottom, ticks readable.
    const bar = await page.locator("g.colorbar").boundingBox();
    expect(bar!.height).toBeGreaterThan(100);
    const top = await colorAt(page, bar!.x + 4, bar!.y + 3);
    const bottom = await colorAt(page, bar!.x + 4, bar!.y + bar!.height - 3);
    expect(top[0]).toBeGreaterThan(top[2] + 80);
    expect(bottom[2]).toBeGreaterThan(bottom[0] + 80);
    expect(await texts(page, "g.colorbar text")).toEqual(["−2", "−1", "0", "1", "2"]);
    expect(await texts(page, "g.row-labels text")).toEqual(["∂f₁", "∂f₂", "∂f₃"]);
    expect(await texts(page, "g.col-labels text")).toEqual(["∂w₁", "∂w₂", "∂w₃", "∂b"]);
    await b.screenshot("heatmap-jacobian", { selector: "svg" });
  });

  it("the image/svg+xml member renders on its own as an <img>, the way JupyterLab shows SVG", async () => {
    const svg = heatmap(jac).bundle["image/svg+xml"] as string;
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
    await b.show(`<img id="pic" src="${src}">`);
    const size = await b.page
      .locator("#pic")
      .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight, img.complete]);
    expect(size[0]).toBeGreaterThan(100);
    expect(size[2]).toBe(true);
    // Same cell as above, found from the SVG's own coordinates.
    const m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#b2182b"/.exec(svg)!;
    const [x, y, w] = m.slice(1, 4).map(Number) as [number, number, number];
    const img = await b.page.locator("#pic").boundingBox();
    expect(near(await colorAt(b.page, img!.x + x + w / 2, img!.y + y + 4), hexRgb("#b2182b"))).toBe(true);
    await b.screenshot("heatmap-svg-as-img", { selector: "#pic" });
  });

  it("a 1000×1000 heatmap is drawn as 32×32 blocks with the note in its caption", async () => {
    await b.show(heatmap(big).bundle["text/html"] as string);
    expect(await b.page.locator("g.cells rect").count()).toBe(1024);
    expect((await texts(b.page, "svg > text")).join(" ")).toContain("shown as 32×32 blocks");
    const first = await b.page.locator("g.cells rect").first().boundingBox();
    expect((await hoverAt(b.page, first!.x + first!.width / 2, first!.y + first!.height / 2)).title).toMatch(
      /^rows 0–3\d × cols 0–3\d: mean /,
    );
    await b.screenshot("heatmap-large", { selector: "svg" });
  });

  it("plotly draws the same figure from the plotly JSON: valid attributes, same colours, same hover text", async () => {
    const fig = heatmap(jac).bundle[PLOTLY_MIME] as PlotlyFigure;
    const page = await b.newPage();
    await page.setViewportSize({ width: 820, height: 600 });
    await page.setContent('<!doctype html><meta charset="utf-8"><div id="plot"></div>');
    await page.addScriptTag({ content: plotlyJs() });
    const invalid = await page.evaluate(async (f) => {
      const P = (window as unknown as { Plotly: PlotlyGlobal }).Plotly;
      await P.newPlot("plot", f.data, f.layout, { staticPlot: false });
      return P.validate(f.data, f.layout) ?? [];
    }, fig);
    expect(invalid).toEqual([]);
    await page.waitForSelector("#plot .hm image, #plot .hm");
    // Pixel of cell (i, j) in plotly's own coordinates, against our SVG's fill for that cell.
    const svgFills = [
      ...(heatmap(jac).bundle["image/svg+xml"] as string).matchAll(
        /<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#[0-9a-f]{6})"><title>/g,
      ),
    ].map((m) => m[1]!);
    for (const [i, j] of [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 3],
      [2, 1],
    ] as const) {
      const [x, y] = await page.evaluate(
        ([ci, cj]) => {
          const gd = document.getElementById("plot") as PlotDiv;
          const { xaxis, yaxis } = gd._fullLayout;
          const box = document.getElementById("plot")!.getBoundingClientRect();
          return [box.x + xaxis._offset + xaxis.l2p(cj), box.y + yaxis._offset + yaxis.l2p(ci) + 8];
        },
        [i, j],
      );
      expect(near(await colorAt(page, x, y), hexRgb(svgFills[i * 4 + j]!), 4), `cell ${i},${j}`).toBe(true);
    }
    // A real pointer over cell (1, 2): plotly's hover label says the same as the SVG's title.
    const [hx, hy] = await page.evaluate(() => {
      const gd = document.getElementById("plot") as PlotDiv;
      const box = document.getElementById("plot")!.getBoundingClientRect();
      return [
        box.x + gd._fullLayout.xaxis._offset + gd._fullLayout.xaxis.l2p(2),
        box.y + gd._fullLayout.yaxis._offset + gd._fullLayout.yaxis.l2p(1),
      ];
    });
    await page.mouse.move(hx - 5, hy - 5);
    await page.mouse.move(hx, hy, { steps: 3 });
    await expect.poll(() => page.locator("#plot .hoverlayer").textContent()).toContain("∂f₂/∂w₃ = −2.20");
    await b.screenshot("heatmap-plotly", { page, selector: "#plot" });
    await page.close();
  });

  it("a line plot: one visible line per series, legend, axis titles; plotly accepts the same figure", async () => {
    const steps = Array.from({ length: 300 }, (_, i) => i);
    const train = steps.map((i) => 2.2 * Math.exp(-i / 45) + 0.08 + 0.04 * Math.sin(i / 3));
    const test = steps.map((i) => 2.3 * Math.exp(-i / 55) + 0.16);
    const bundle = plot(
      [
        { x: steps, y: train, name: "train" },
        { x: steps, y: test, name: "test" },
      ],
      { title: "Training loss", xLabel: "step", yLabel: "cross-entropy" },
    ).bundle;
    await b.show(bundle["text/html"] as string);
    const page = b.page;
    expect(await page.locator("g.series path").count()).toBe(2);
    expect(await texts(page, "g.legend text")).toEqual(["train", "test"]);
    const axes = await texts(page, "g.axes text");
    expect(axes).toEqual(expect.arrayContaining(["step", "cross-entropy", "0", "100", "200"]));
    const line = await page.locator("g.series path").first().boundingBox();
    expect(line!.width).toBeGreaterThan(300);
    // The first point (highest loss) is near the top-left of the plot area.
    expect(near(await colorAt(page, line!.x + 1, line!.y + 1), hexRgb("#4e79a7"), 60)).toBe(true);
    await b.screenshot("plot-loss", { selector: "svg" });

    const page2 = await b.newPage();
    await page2.setContent('<!doctype html><meta charset="utf-8"><div id="plot"></div>');
    await page2.addScriptTag({ content: plotlyJs() });
    const fig = bundle[PLOTLY_MIME] as PlotlyFigure;
    const invalid = await page2.evaluate(async (f) => {
      const P = (window as unknown as { Plotly: PlotlyGlobal }).Plotly;
      await P.newPlot("plot", f.data, f.layout);
      return P.validate(f.data, f.layout) ?? [];
    }, fig);
    expect(invalid, JSON.stringify(invalid)).toEqual([]);
    expect(await page2.locator("#plot .scatterlayer .trace").count()).toBe(2);
    await b.screenshot("plot-plotly", { page: page2, selector: "#plot" });
    await page2.close();
  });

  it("long series names: the legend sits in rows below a full-width plot, in SVG and in plotly", async () => {
    const steps = Array.from({ length: 120 }, (_, i) => i);
    const names = [
      "train loss · lr 0.1 · momentum 0.9 · batch 64 · seed 1",
      "validation loss · lr 0.1 · momentum 0.9 · batch 64 · seed 1",
      "train loss · lr 0.01 with linear warm-up over 500 steps",
    ];
    const bundle = plot(
      names.map((name, k) => ({
        x: steps,
        y: steps.map((i) => (2 + k / 3) * Math.exp(-i / 40) + 0.1),
        name,
      })),
      { title: "Three runs", xLabel: "step", yLabel: "loss" },
    ).bundle;
    await b.show(bundle["text/html"] as string);
    const page = b.page;
    const svg = (await page.locator("svg").boundingBox())!;
    const area = (await page.locator("g.series path").first().boundingBox())!;
    expect(area.width).toBeGreaterThan(0.8 * svg.width);
    const items = page.locator("g.legend-item");
    expect(await items.count()).toBe(3);
    for (let k = 0; k < 3; k++) {
      const box = (await items.nth(k).boundingBox())!;
      expect(box.y).toBeGreaterThan(area.y + area.height); // under the plot, not beside it
      expect(box.x + box.width).toBeLessThanOrEqual(svg.x + svg.width);
      expect(box.y + box.height).toBeLessThanOrEqual(svg.y + svg.height);
    }
    const first = (await items.nth(0).locator("text").boundingBox())!;
    const hover = await hoverAt(page, first.x + 10, first.y + first.height / 2);
    expect(hover.tag).toBe("text");
    // The <title> is the legend entry's: what the browser shows as its tooltip.
    const tip = await items.nth(0).evaluate((g) => g.querySelector(":scope > title")?.textContent ?? null);
    expect(tip).toBe(names[0]);
    expect((await texts(page, "g.legend text"))[0]).toMatch(/…$/);
    await b.screenshot("plot-long-names", { selector: "svg" });

    const page2 = await b.newPage();
    await page2.setContent('<!doctype html><meta charset="utf-8"><div id="plot"></div>');
    await page2.addScriptTag({ content: plotlyJs() });
    const fig = bundle[PLOTLY_MIME] as PlotlyFigure;
    const invalid = await page2.evaluate(async (f) => {
      const P = (window as unknown as { Plotly: PlotlyGlobal }).Plotly;
      await P.newPlot("plot", f.data, f.layout);
      return P.validate(f.data, f.layout) ?? [];
    }, fig);
    expect(invalid, JSON.stringify(invalid)).toEqual([]);
    const plotArea = (await page2.locator("#plot .bglayer rect.bg, #plot .nsewdrag").first().boundingBox())!;
    const legend = (await page2.locator("#plot .legend").boundingBox())!;
    const paper = (await page2.locator("#plot .main-svg").first().boundingBox())!;
    expect(plotArea.width).toBeGreaterThan(0.8 * paper.width);
    expect(legend.y).toBeGreaterThan(plotArea.y + plotArea.height);
    expect(legend.y + legend.height).toBeLessThanOrEqual(paper.y + paper.height + 1);
    expect(await page2.locator("#plot .legend .traces").count()).toBe(3);
    await b.screenshot("plot-long-names-plotly", { page: page2, selector: "#plot" });
    await page2.close();
  });

  it("heatmaps with one zmin / zmax show the same value in the same colour, with the same colour bar", async () => {
    const range = { zmin: -1, zmax: 1 };
    const small = heatmap(
      [
        [0.5, -0.25],
        [0, 0.9],
      ],
      { ...range, title: "layer 1" },
    ).bundle;
    const large = heatmap(
      [
        [0.5, -3],
        [0, 4],
      ],
      { ...range, title: "layer 2" },
    ).bundle;
    await b.show(
      `<div style="display:flex;gap:16px">${small["text/html"] as string}${large["text/html"] as string}</div>`,
    );
    const page = b.page;
    const svgs = page.locator("svg");
    const cell = async (n: number, k: number) => {
      const r = (await svgs.nth(n).locator("g.cells rect").nth(k).boundingBox())!;
      return colorAt(page, r.x + 3, r.y + 3);
    };
    expect(near(await cell(0, 0), await cell(1, 0))).toBe(true); // 0.5 in both
    expect(near(await cell(1, 1), hexRgb("#2166ac"))).toBe(true); // −3 clamped to the blue end
    expect(near(await cell(1, 3), hexRgb("#b2182b"))).toBe(true); // 4 clamped to the red end
    const bar = (n: number) =>
      svgs
        .nth(n)
        .locator("g.colorbar text")
        .evaluateAll((es) => es.map((e) => e.textContent));
    expect(await bar(0)).toEqual(await bar(1));
    const r = (await svgs.nth(1).locator("g.cells rect").nth(3).boundingBox())!;
    expect((await hoverAt(page, r.x + 3, r.y + 3)).title).toBe("[1, 1] = 4.0");
    await b.screenshot("heatmap-shared-range", { selector: "#output" });
  });

  it("nothing was fetched and nothing logged an error", () => {
    expect(b.networkRequests()).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });
});

describe.runIf(run)("in Chromium with JavaScript disabled", () => {
  it("every text/html member still shows everything (no bundle member depends on a script)", async () => {
    const off = await openBrowser({
      outputDir: "display",
      javaScriptEnabled: false,
      viewport: { width: 820, height: 600 },
    });
    try {
      const bundles = [
        tensorBundle(jac),
        heatmap(jac).bundle,
        plot([3, 2, 1.4, 1.1, 1]).bundle,
        table([[1, 2]]).bundle,
      ];
      await off.show(bundles.map((x) => x["text/html"] as string).join(""));
      expect(await off.page.locator("table").count()).toBe(2);
      expect(await off.page.locator("g.cells rect").count()).toBe(12);
      expect(await off.page.locator("g.series path").count()).toBe(1);
      const box = await off.page.locator("g.cells rect").first().boundingBox();
      expect(box!.width).toBeGreaterThan(10);
      await off.screenshot("no-javascript", { fullPage: true });
      expect(off.networkRequests()).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
