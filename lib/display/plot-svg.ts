/**
 * The static line plot: light horizontal grid, ticked axes, one path per series (breaking at gaps), point
 * markers for short series, a legend for several, and hover <title>s. No scripts.
 */
import type { PlotModel, PlotSeries } from "./plot-model.js";
import { escapeHtml as esc } from "./escape.js";
import { formatNumber, numberStyle, typographic } from "./numbers.js";
import { colors, fonts } from "./style.js";
import { el, round, svgOpen, textWidth, title } from "./svg.js";
import { tickLabels } from "./ticks.js";

const FONT = 12;

/** Plot-area rectangle and the data → pixel maps. */
export interface PlotFrame {
  left: number;
  top: number;
  right: number;
  bottom: number;
  px(x: number): number;
  py(y: number): number;
}

/**
 * Where the plot area sits inside the figure, leaving room for title, tick labels, axis titles and legend.
 * @example plotFrame(plotModel([1, 2, 3])).left > 0 // true
 */
export function plotFrame(p: PlotModel): PlotFrame {
  const yLabels = yTickLabels(p);
  const legendW = p.series.length > 1 ? Math.max(...p.series.map((s) => textWidth(s.name, FONT))) + 40 : 0;
  const left =
    12 +
    (p.yLabel !== undefined ? FONT + 10 : 0) +
    Math.max(...yLabels.map((l) => textWidth(l, FONT - 1))) +
    8;
  const top = p.title !== undefined ? 44 : 16;
  const right = p.width - 16 - legendW;
  const bottom = p.height - (p.xLabel !== undefined ? 46 : 28) - (p.downsampled ? 14 : 0);
  const [x0, x1] = p.xRange;
  const [y0, y1] = p.logY ? p.yRange.map(Math.log10) : p.yRange;
  return {
    left,
    top,
    right,
    bottom,
    px: (x) => left + ((x - x0) / (x1 - x0)) * (right - left),
    py: (y) => bottom - (((p.logY ? Math.log10(y) : y) - y0!) / (y1! - y0!)) * (bottom - top),
  };
}

function yTickLabels(p: PlotModel): string[] {
  return p.logY
    ? p.yTicks.map((t) => typographic(t >= 1e-3 && t < 1e5 ? String(t) : `1e${Math.log10(t)}`))
    : tickLabels(p.yTicks);
}

/**
 * The line plot as a standalone SVG document (valid XML, inlinable in HTML).
 * @example plotSvgFromModel(plotModel([3, 2, 1])).includes("<path") // true
 */
export function plotSvgFromModel(p: PlotModel): string {
  const f = plotFrame(p);
  const out = [svgOpen(p.width, p.height, p.title ?? "line plot", fonts.sans)];
  if (p.title !== undefined) {
    out.push(
      el("text", { x: 12, y: 12 + 15, "font-size": 15, "font-weight": 600, fill: colors.text }, esc(p.title)),
    );
  }
  out.push(axes(p, f));
  p.series.forEach((s) => out.push(seriesSvg(s, p, f)));
  if (p.series.length > 1) out.push(legend(p, f));
  if (p.downsampled) {
    const note = `long series shown with ${Math.max(...p.series.map((s) => s.x.length))} of ${Math.max(...p.series.map((s) => s.length))} points (min and max of each stretch kept)`;
    out.push(el("text", { x: 12, y: p.height - 8, "font-size": FONT - 1, fill: colors.muted }, esc(note)));
  }
  out.push("</svg>");
  return out.join("");
}

function axes(p: PlotModel, f: PlotFrame): string {
  const out = ['<g class="axes">'];
  const yLabels = yTickLabels(p);
  p.yTicks.forEach((t, k) => {
    const y = f.py(t);
    out.push(el("line", { x1: f.left, x2: f.right, y1: y, y2: y, stroke: colors.faint }));
    out.push(
      el(
        "text",
        { x: f.left - 8, y: y + 4, "text-anchor": "end", "font-size": FONT - 1, fill: colors.muted },
        esc(yLabels[k]!),
      ),
    );
  });
  const xLabels = tickLabels(p.xTicks);
  p.xTicks.forEach((t, k) => {
    const x = f.px(t);
    out.push(el("line", { x1: x, x2: x, y1: f.bottom, y2: f.bottom + 4, stroke: colors.muted }));
    out.push(
      el(
        "text",
        { x, y: f.bottom + 17, "text-anchor": "middle", "font-size": FONT - 1, fill: colors.muted },
        esc(xLabels[k]!),
      ),
    );
  });
  out.push(el("line", { x1: f.left, x2: f.right, y1: f.bottom, y2: f.bottom, stroke: colors.muted }));
  out.push(el("line", { x1: f.left, x2: f.left, y1: f.top, y2: f.bottom, stroke: colors.muted }));
  if (p.xLabel !== undefined) {
    out.push(
      el(
        "text",
        {
          x: (f.left + f.right) / 2,
          y: f.bottom + 36,
          "text-anchor": "middle",
          "font-size": FONT,
          fill: colors.text,
        },
        esc(p.xLabel),
      ),
    );
  }
  if (p.yLabel !== undefined) {
    const x = 12 + FONT;
    const y = (f.top + f.bottom) / 2;
    out.push(
      el(
        "text",
        {
          x,
          y,
          transform: `rotate(-90 ${round(x)} ${round(y)})`,
          "text-anchor": "middle",
          "font-size": FONT,
          fill: colors.text,
        },
        esc(p.yLabel),
      ),
    );
  }
  out.push("</g>");
  return out.join("");
}

function seriesSvg(s: PlotSeries, p: PlotModel, f: PlotFrame): string {
  let d = "";
  let pen = false;
  s.x.forEach((x, i) => {
    const y = s.y[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${round(f.px(x))} ${round(f.py(y))}`;
    pen = true;
  });
  const style = numberStyle(s.y.filter(Number.isFinite), 4);
  const fmt = (v: number) => typographic(formatNumber(v, style));
  const finite = s.y.filter(Number.isFinite);
  const last = finite[finite.length - 1];
  const summary =
    `${s.name}: ${s.length} point${s.length === 1 ? "" : "s"}` +
    (last !== undefined ? `, last ${fmt(last)}, min ${fmt(Math.min(...finite))}` : "");
  const out = [`<g class="series">`];
  out.push(
    el(
      "path",
      {
        d,
        fill: "none",
        stroke: s.color,
        "stroke-width": 2,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
      },
      title(summary),
    ),
  );
  if (p.markers) {
    s.x.forEach((x, i) => {
      const y = s.y[i]!;
      if (!Number.isFinite(y)) return;
      out.push(
        el(
          "circle",
          { cx: f.px(x), cy: f.py(y), r: 3.5, fill: s.color, stroke: "#ffffff", "stroke-width": 1 },
          title(`${s.name}: (${typographic(String(x))}, ${fmt(y)})`),
        ),
      );
    });
  }
  out.push("</g>");
  return out.join("");
}

function legend(p: PlotModel, f: PlotFrame): string {
  const x = f.right + 16;
  const out = ['<g class="legend">'];
  p.series.forEach((s, k) => {
    const y = f.top + 8 + k * 20;
    out.push(
      el("line", {
        x1: x,
        x2: x + 18,
        y1: y,
        y2: y,
        stroke: s.color,
        "stroke-width": 3,
        "stroke-linecap": "round",
      }),
    );
    out.push(el("text", { x: x + 24, y: y + 4, "font-size": FONT, fill: colors.text }, esc(s.name)));
  });
  out.push("</g>");
  return out.join("");
}
