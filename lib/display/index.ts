/**
 * Display helpers exported from "gradlab": every function here returns a displayable object or a piece of
 * one (a MIME bundle, an SVG string, a plotly figure), computed from data alone.
 */
export { tensorBundle, table, type TableOptions } from "./tensor.js";
export {
  heatmap,
  heatmapBundle,
  heatmapSvg,
  heatmapPlotly,
  PLOTLY_MIME,
  type HeatmapOptions,
} from "./heatmap.js";
export { plot, plotBundle, type PlotInput, type PlotOptions, type SeriesInput } from "./plot.js";
export { latex, tensorLatex, mathDelimited, type LatexOptions } from "./latex.js";
export { html, markdown } from "./markup.js";
export { show, bundleOf } from "./show.js";
export { Rich, rich } from "./rich.js";
export { tableHtml } from "./table.js";
export { tensorText } from "./text.js";
export { toView, type TensorLike } from "./coerce.js";
export type { LabelOptions } from "./matrix.js";
export type { PlotlyFigure } from "./heatmap-plotly.js";
export { escapeHtml } from "./escape.js";
