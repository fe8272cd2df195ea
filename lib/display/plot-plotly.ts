/** The line plot as a plotly figure, with the same points, colours, ranges and labels as the SVG. */
import type { PlotModel } from "./plot-model.js";
import type { PlotlyFigure } from "./heatmap-plotly.js";
import { escapeHtml } from "./escape.js";
import { plotFrame, type PlotFrame } from "./plot-svg.js";
import { LEGEND_FONT } from "./plot-legend.js";
import { colors, fonts } from "./style.js";

/**
 * The plotly figure of a plot model: one `scatter` trace per series (lines, plus markers when short).
 * @example plotPlotlyFromModel(plotModel([3, 2, 1])).data[0].type // "scatter"
 */
export function plotPlotlyFromModel(p: PlotModel): PlotlyFigure {
  const f = plotFrame(p);
  const shown = new Map(f.legend.items.map((item) => [item.series, item.label]));
  const data = p.series.map((s, k) => ({
    type: "scatter",
    mode: p.markers ? "lines+markers" : "lines",
    // The legend's label (cut like the SVG's); hover text keeps the full name.
    name: escapeHtml(shown.get(k) ?? s.name),
    ...(f.legend.placement !== "none" && !shown.has(k) ? { showlegend: false } : {}),
    x: [...s.x],
    // JSON has no NaN: a null is plotly's gap.
    y: s.y.map((v) => (Number.isFinite(v) ? v : null)),
    line: { color: s.color, width: 2 },
    ...(p.markers ? { marker: { color: s.color, size: 7 } } : {}),
    hovertemplate: `${escapeHtml(s.name)}: (%{x}, %{y})<extra></extra>`,
  }));
  const axis = (label: string | undefined) => ({
    ...(label !== undefined ? { title: { text: escapeHtml(label) } } : {}),
    showline: true,
    linecolor: colors.muted,
    zeroline: false,
    ticks: "outside",
  });
  const yRange = p.logY ? p.yRange.map(Math.log10) : p.yRange;
  return {
    data,
    layout: {
      ...(p.title !== undefined
        ? { title: { text: escapeHtml(p.title), x: 12 / p.width, xanchor: "left", font: { size: 15 } } }
        : {}),
      width: p.width,
      height: f.height,
      margin: { l: f.left, r: p.width - f.right, t: f.top, b: f.height - f.bottom, pad: 0 },
      font: { family: fonts.sans, color: colors.text, size: 12 },
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      showlegend: f.legend.placement !== "none",
      ...legendLayout(p, f),
      xaxis: { ...axis(p.xLabel), range: [...p.xRange], showgrid: false },
      yaxis: {
        ...axis(p.yLabel),
        gridcolor: colors.faint,
        range: yRange,
        ...(p.logY ? { type: "log" } : {}),
      },
    },
  };
}

/**
 * The legend where the SVG puts it: pinned by figure ("container") coordinates, beside the plot or as
 * horizontal rows below the x axis; "+N more" as an annotation at the SVG's spot.
 */
function legendLayout(p: PlotModel, f: PlotFrame): Record<string, unknown> {
  const L = f.legend;
  if (L.placement === "none") return {};
  const legend = {
    xref: "container",
    yref: "container",
    x: (L.items[0]?.x ?? f.left) / p.width,
    y: 1 - (L.top - (L.placement === "right" ? 2 : 0)) / f.height,
    xanchor: "left",
    yanchor: "top",
    font: { size: LEGEND_FONT },
    ...(L.placement === "below" ? { orientation: "h" } : {}),
  };
  if (!L.more) return { legend };
  const annotation = {
    text: escapeHtml(L.more.text),
    showarrow: false,
    xref: "paper",
    yref: "paper",
    x: (L.more.x - f.left) / (f.right - f.left),
    y: (f.bottom - L.more.y) / (f.bottom - f.top),
    xanchor: "left",
    yanchor: "middle",
    font: { size: LEGEND_FONT, color: colors.muted },
  };
  return { legend, annotations: [annotation] };
}
