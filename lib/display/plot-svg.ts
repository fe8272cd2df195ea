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
import { LEGEND_FONT, legendLayout, type LegendLayout } from "./plot-legend.js";

const FONT = 12;

/** Plot-area rectangle, the data → pixel maps, the figure's height and its legend. */
export interface PlotFrame {
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** The figure's height: the asked height, plus the rows of a legend below the plot. */
  height: number;
  legend: LegendLayout;
  px(x: number): number;
  py(y: number): number;
}

/**
 * Where the plot area sits inside the figure, leaving room for title, tick labels, axis titles and legend.
 * @example plotFrame(plotModel([1, 2, 3])).left > 0 // true
 */
export function plotFrame(p: PlotModel): PlotFrame {
  const yLabels = yTickLabels(p);
  const left =
    12 +
    (p.yLabel !== undefined ? FONT + 10 : 0) +
    Math.max(...yLabels.map((l) => textWidth(l, FONT - 1))) +
    8;
  const top = p.title !== undefined ? 44 : 16;
  const axisBand = p.xLabel !== undefined ? 46 : 28;
  const bottom = p.height - axisBand - (p.downsampled ? 14 : 0);
  const legend = legendLayout(p, { left, top, right: p.width - 16, bottom, axisEnd: bottom + axisBand });
  const right = p.width - 16 - legend.width;
  const [x0, x1] = p.xRange;
  const [y0, y1] = p.logY ? p.yRange.map(Math.log10) : p.yRange;
  return {
    left,
    top,
    right,
    bottom,
    height: p.height + legend.height,
    legend,
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
  const out = [svgOpen(p.width, f.height, p.title ?? "line plot", fonts.sans)];
  if (p.title !== undefined) {
    out.push(
      el("text", { x: 12, y: 12 + 15, "font-size": 15, "font-weight": 600, fill: colors.text }, esc(p.title)),
    );
  }
  out.push(axes(p, f));
  p.series.forEach((s) => out.push(seriesSvg(s, p, f)));
  if (f.legend.placement !== "none") out.push(legend(f.legend));
  if (p.downsampled) {
    const note = `long series shown with ${Math.max(...p.series.map((s) => s.x.length))} of ${Math.max(...p.series.map((s) => s.length))} points (min and max of each stretch kept)`;
    out.push(el("text", { x: 12, y: f.height - 8, "font-size": FONT - 1, fill: colors.muted }, esc(note)));
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

/** One entry per listed series (a <title> with the full name where it is cut), then "+N more". */
function legend(L: LegendLayout): string {
  const out = ['<g class="legend">'];
  for (const item of L.items) {
    const cut = item.label !== item.name;
    out.push(
      '<g class="legend-item">',
      cut ? title(item.name) : "",
      el("line", {
        x1: item.x,
        x2: item.x + 18,
        y1: item.y,
        y2: item.y,
        stroke: item.color,
        "stroke-width": 3,
        "stroke-linecap": "round",
      }),
      el(
        "text",
        { x: item.x + 24, y: item.y + 4, "font-size": LEGEND_FONT, fill: colors.text },
        esc(item.label),
      ),
      "</g>",
    );
  }
  if (L.more) {
    const { x, y, text } = L.more;
    out.push(el("text", { x, y: y + 4, "font-size": LEGEND_FONT, fill: colors.muted }, esc(text)));
  }
  out.push("</g>");
  return out.join("");
}
