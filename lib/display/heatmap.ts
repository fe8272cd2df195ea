/**
 * `heatmap(t)`: a matrix as colours. Its bundle carries an interactive plotly figure for frontends that
 * render application/vnd.plotly.v1+json, and the same picture as static SVG (image/svg+xml, and inline in
 * text/html) for every other frontend, plus text/plain for consoles. Nothing depends on a script.
 */
import { toView, type TensorLike } from "./coerce.js";
import { heatmapModel, type HeatmapModel, type HeatmapOptions } from "./heatmap-model.js";
import { heatmapPlotlyFromModel, type PlotlyFigure } from "./heatmap-plotly.js";
import { heatmapSvgFromModel } from "./heatmap-svg.js";
import { labelledMatrix } from "./matrix.js";
import { formatNumber, numberStyle } from "./numbers.js";
import { Rich } from "./rich.js";
import { figureHtml } from "./svg.js";
import { gridText } from "./text.js";
import type { MimeBundle } from "./view.js";

export type { HeatmapOptions } from "./heatmap-model.js";

/**
 * The MIME type of plotly figures, read by JupyterLab's plotly extension, VS Code and gradlab's exporter.
 * @example heatmap(J).bundle[PLOTLY_MIME] // { data: [{ type: "heatmap", … }], layout: { … } }
 */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/**
 * A heatmap of a matrix (or vector, or scalar): diverging colours centred on 0 for signed values, a colour
 * bar, and hover text per cell (∂f_i/∂x_j = value for Jacobians). Large matrices are averaged into at most
 * `maxCells` × `maxCells` blocks, and the caption says so. `zmin` / `zmax` fix the colour range (values
 * beyond take the end colours; hover texts still show them exactly).
 * @example
 * const J = jacobian(f, x);
 * heatmap(J)                                   // labels from the Jacobian: ∂f₁ … / ∂x₁ …
 * heatmap([[1, -2], [3, 0]], { rows: ["a", "b"], cols: ["u", "v"], title: "W" })
 * [W1, W2, W3].map((W) => heatmap(W, { zmin: -1, zmax: 1 }))  // small multiples on one colour scale
 */
export function heatmap(t: TensorLike, options: HeatmapOptions = {}): Rich {
  return new Rich(heatmapBundle(t, options));
}

/**
 * The MIME bundle of a heatmap: application/vnd.plotly.v1+json, image/svg+xml, text/html, text/plain.
 * @example Object.keys(heatmapBundle([[1, 2], [3, 4]]))
 */
export function heatmapBundle(t: TensorLike, options: HeatmapOptions = {}): MimeBundle {
  const view = toView(t, "heatmap");
  const model = heatmapModel(view, options);
  const svg = heatmapSvgFromModel(model);
  return {
    [PLOTLY_MIME]: heatmapPlotlyFromModel(model),
    "image/svg+xml": svg,
    "text/html": figureHtml(svg, "heatmap"),
    "text/plain": heatmapText(model, gridText(labelledMatrix(view, options, "heatmap"), { threshold: 400 })),
  };
}

/**
 * Only the static SVG of a heatmap (for pages that embed it, such as the backprop stepper).
 * @example heatmapSvg([[1, -1], [0, 2]]).startsWith("<svg") // true
 */
export function heatmapSvg(t: TensorLike, options: HeatmapOptions = {}): string {
  return heatmapSvgFromModel(heatmapModel(toView(t, "heatmap"), options));
}

/**
 * Only the plotly figure ({data, layout}) of a heatmap.
 * @example heatmapPlotly([[1, 2]]).data[0].type // "heatmap"
 */
export function heatmapPlotly(t: TensorLike, options: HeatmapOptions = {}): PlotlyFigure {
  return heatmapPlotlyFromModel(heatmapModel(toView(t, "heatmap"), options));
}

function heatmapText(h: HeatmapModel, grid: string): string {
  const style = numberStyle([h.scale.min, h.scale.max], 3);
  const range =
    `${h.scale.kind} colours over [${formatNumber(h.scale.min, style)}, ${formatNumber(h.scale.max, style)}]` +
    (h.fixedRange ? " (fixed)" : "");
  return `heatmap · ${range}\n${grid}`;
}
