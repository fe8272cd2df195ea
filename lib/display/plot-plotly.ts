/** The line plot as a plotly figure, with the same points, colours, ranges and labels as the SVG. */
import type { PlotModel } from "./plot-model.js";
import type { PlotlyFigure } from "./heatmap-plotly.js";
import { escapeHtml } from "./escape.js";
import { plotFrame } from "./plot-svg.js";
import { colors, fonts } from "./style.js";

/**
 * The plotly figure of a plot model: one `scatter` trace per series (lines, plus markers when short).
 * @example plotPlotlyFromModel(plotModel([3, 2, 1])).data[0].type // "scatter"
 */
export function plotPlotlyFromModel(p: PlotModel): PlotlyFigure {
  const f = plotFrame(p);
  const data = p.series.map((s) => ({
    type: "scatter",
    mode: p.markers ? "lines+markers" : "lines",
    name: escapeHtml(s.name),
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
      height: p.height,
      margin: { l: f.left, r: p.width - f.right, t: f.top, b: p.height - f.bottom, pad: 0 },
      font: { family: fonts.sans, color: colors.text, size: 12 },
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      showlegend: p.series.length > 1,
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
