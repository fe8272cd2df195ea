/**
 * `plot(…)`: line plots such as a loss curve. Same bundle shape as the heatmap: a plotly figure, the same
 * picture as static SVG (also inline in text/html), and a text/plain summary of each series.
 */
import { plotModel, type PlotInput, type PlotModel, type PlotOptions } from "./plot-model.js";
import { plotPlotlyFromModel } from "./plot-plotly.js";
import { plotSvgFromModel } from "./plot-svg.js";
import { PLOTLY_MIME } from "./heatmap.js";
import { formatNumber, numberStyle } from "./numbers.js";
import { Rich } from "./rich.js";
import { figureHtml } from "./svg.js";
import type { MimeBundle } from "./view.js";

export type { PlotInput, PlotOptions, SeriesInput } from "./plot-model.js";

/**
 * A line plot of one or more series: numbers, a 1-D tensor, `{ y, x?, name? }`, an array of those, or a
 * 2-D tensor (one line per row). Short series get point markers, several get a legend, long ones are
 * reduced to `maxPoints` keeping each stretch's min and max.
 * @example
 * plot(losses, { title: "training loss", xLabel: "step", yLabel: "loss", logY: true })
 * plot([{ y: train, name: "train" }, { y: test, name: "test" }])
 */
export function plot(series: PlotInput, options: PlotOptions = {}): Rich {
  return new Rich(plotBundle(series, options));
}

/**
 * The MIME bundle of a line plot: application/vnd.plotly.v1+json, image/svg+xml, text/html, text/plain.
 * @example plotBundle([1, 0.5, 0.25])["image/svg+xml"]
 */
export function plotBundle(series: PlotInput, options: PlotOptions = {}): MimeBundle {
  const model = plotModel(series, options);
  const svg = plotSvgFromModel(model);
  return {
    [PLOTLY_MIME]: plotPlotlyFromModel(model),
    "image/svg+xml": svg,
    "text/html": figureHtml(svg, "plot"),
    "text/plain": plotText(model),
  };
}

function plotText(p: PlotModel): string {
  const lines = p.series.map((s) => {
    const ys = s.y.filter(Number.isFinite);
    if (ys.length === 0) return `  ${s.name}: ${s.length} point${s.length === 1 ? "" : "s"}, none finite`;
    const style = numberStyle(ys, 4);
    const fmt = (v: number) => formatNumber(v, style);
    let argmin = 0;
    s.y.forEach((v, i) => {
      if (v < s.y[argmin]! || !Number.isFinite(s.y[argmin]!)) argmin = i;
    });
    return `  ${s.name}: ${s.length} point${s.length === 1 ? "" : "s"}, first ${fmt(ys[0]!)}, last ${fmt(ys[ys.length - 1]!)}, min ${fmt(s.y[argmin]!)} at x = ${s.x[argmin]}`;
  });
  return [`plot${p.title !== undefined ? ` · ${p.title}` : ""}`, ...lines].join("\n");
}
