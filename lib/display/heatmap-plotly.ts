/**
 * The heatmap as a plotly figure ({data, layout}, plotly.js semantics) for the
 * application/vnd.plotly.v1+json MIME type. Colours are the same explicit stops and range as the SVG;
 * matrix orientation (row 0 on top, columns labelled above) matches the SVG too.
 */
import type { HeatmapModel } from "./heatmap-model.js";
import { heatmapLayout } from "./heatmap-svg.js";
import { escapeHtml } from "./escape.js";
import { colors, fonts } from "./style.js";

/** A plotly figure: what `Plotly.newPlot(div, data, layout)` takes. */
export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/**
 * The plotly figure of a heatmap model. Plotly reads its strings as a small HTML subset, so user text is
 * escaped here as well; hover text comes from `customdata`, the same strings as the SVG's <title>s.
 * @example heatmapPlotlyFromModel(heatmapModel(view)).data[0].type // "heatmap"
 */
export function heatmapPlotlyFromModel(h: HeatmapModel): PlotlyFigure {
  const grid = <T>(f: (k: number) => T): T[][] =>
    Array.from({ length: h.rows }, (_, i) => Array.from({ length: h.cols }, (_, j) => f(i * h.cols + j)));
  const L = heatmapLayout(h);
  const axis = (labels: readonly (string | null)[] | null) => {
    const ticks = (labels ?? []).flatMap((l, k) => (l === null ? [] : [[k, escapeHtml(l)] as const]));
    return {
      tickmode: "array",
      tickvals: ticks.map(([k]) => k),
      ticktext: ticks.map(([, l]) => l),
      showticklabels: labels !== null,
      showgrid: false,
      zeroline: false,
      ticks: "",
      tickfont: h.mathLabels ? { family: fonts.math, size: 14 } : { size: 12 },
    };
  };
  const trace: Record<string, unknown> = {
    type: "heatmap",
    // Six significant digits decide every colour and keep a 32×32 figure small.
    z: grid((k) => (Number.isFinite(h.values[k]!) ? Number(h.values[k]!.toPrecision(6)) : null)),
    x: Array.from({ length: h.cols }, (_, j) => j),
    y: Array.from({ length: h.rows }, (_, i) => i),
    colorscale: h.scale.stops.map(([t, c]) => [t, c]),
    zmin: h.scale.min,
    zmax: h.scale.max,
    customdata: grid((k) => escapeHtml(h.hovers[k]!)),
    hovertemplate: "%{customdata}<extra></extra>",
    xgap: L.gap,
    ygap: L.gap,
    colorbar: { thickness: 14, outlinewidth: 0, len: 1 },
  };
  if (h.cellTexts) {
    trace.text = grid((k) => h.cellTexts![k]!);
    trace.texttemplate = "%{text}";
    trace.textfont = { size: 12 };
  }
  const gridW = L.cellW * h.cols;
  const gridH = L.cellH * h.rows;
  const margin = { l: L.gridX, r: L.width - L.barX + 24, t: L.gridY, b: 40, pad: 0 };
  const width = Math.round(margin.l + gridW + margin.r);
  return {
    data: [trace],
    layout: {
      ...(h.title !== undefined
        ? { title: { text: escapeHtml(h.title), x: 12 / width, xanchor: "left", font: { size: 15 } } }
        : {}),
      width,
      height: Math.round(margin.t + gridH + margin.b),
      margin,
      font: { family: fonts.sans, color: colors.text },
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff",
      xaxis: { ...axis(h.colLabels), side: "top", constrain: "domain" },
      yaxis: { ...axis(h.rowLabels), autorange: "reversed", constrain: "domain" },
      annotations: [
        {
          text: escapeHtml(h.caption),
          showarrow: false,
          xref: "paper",
          yref: "paper",
          x: 0,
          y: 0,
          xanchor: "left",
          yanchor: "top",
          yshift: -8,
          font: { size: 11, color: colors.muted },
        },
      ],
    },
  };
}
