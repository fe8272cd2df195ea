/**
 * Plotly figures (`application/vnd.plotly.v1+json`) in an exported page. Each figure is its JSON in a
 * data block next to a static picture (the bundle's SVG, PNG or script-free HTML) that shows without
 * scripts; one copy of plotly.js per page draws every figure and then removes the static picture.
 * When every trace is cartesian, the page carries the cartesian bundle (1.4 MB) instead of the full
 * one (4.7 MB): plotly's own renderers inline the full bundle once per figure.
 */
import { readFileSync } from "node:fs";
import { scriptBytes, type PagePart } from "./html.js";
import { plotlyFile, plotlyVersion } from "./installed.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

export type PlotlyMode = "inline" | "cdn" | "none";

/** Trace types in plotly.js-cartesian-dist-min (its README). A trace without `type` is a scatter. */
const CARTESIAN = new Set([
  "bar",
  "box",
  "contour",
  "heatmap",
  "histogram",
  "histogram2d",
  "histogram2dcontour",
  "image",
  "pie",
  "scatter",
  "scatterternary",
  "violin",
]);

export interface PlotlyFigure {
  data?: { type?: string }[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  frames?: unknown[];
}

/** The figure from a bundle value (an object, or JSON text in some writers); undefined when malformed. */
export function parseFigure(value: unknown): PlotlyFigure | undefined {
  let fig = value;
  if (typeof fig === "string") {
    try {
      fig = JSON.parse(fig);
    } catch {
      return undefined;
    }
  }
  if (typeof fig !== "object" || fig === null || Array.isArray(fig)) return undefined;
  const f = fig as PlotlyFigure;
  if (f.data !== undefined && !Array.isArray(f.data)) return undefined;
  return f;
}

/** True when every trace can be drawn by the cartesian bundle. */
export function isCartesian(fig: PlotlyFigure): boolean {
  return (fig.data ?? []).every((t) => CARTESIAN.has(typeof t?.type === "string" ? t.type : "scatter"));
}

/** The trace types of a figure, for messages and stats. */
export function traceTypes(fig: PlotlyFigure): string[] {
  return [...new Set((fig.data ?? []).map((t) => (typeof t?.type === "string" ? t.type : "scatter")))];
}

/** Which plotly.js bundle a page needs: none, cartesian or full. */
export function bundleFor(figures: PlotlyFigure[]): "cartesian" | "full" | undefined {
  if (figures.length === 0) return undefined;
  return figures.every(isCartesian) ? "cartesian" : "full";
}

/**
 * Draws every `.plotly-figure` on the page, one after another (figures drawn in parallel freeze the page
 * longer). The static picture goes only once the live figure is drawn, so a failure leaves it in place.
 */
const DRAW_FIGURES = `(function () {
  if (!window.Plotly) return;
  var hosts = Array.prototype.slice.call(document.querySelectorAll(".plotly-figure"));
  hosts.reduce(function (chain, host) {
    return chain.then(function () {
      var data = host.querySelector("script.plotly-data");
      if (!data) return;
      var fig = JSON.parse(data.textContent);
      var live = document.createElement("div");
      live.className = "plotly-live";
      host.insertBefore(live, host.firstChild);
      var config = Object.assign({ responsive: true, displaylogo: false }, fig.config || {});
      return window.Plotly.newPlot(live, { data: fig.data || [], layout: fig.layout || {}, frames: fig.frames, config: config })
        .then(function () {
          var still = host.querySelector(".plotly-static");
          if (still) still.parentNode.removeChild(still);
          host.classList.add("is-live");
        })
        .catch(function (err) {
          live.parentNode.removeChild(live);
          console.warn("gradlab: a plotly figure could not be drawn; showing its static picture", err);
        });
    });
  }, Promise.resolve());
})();`;

/**
 * The scripts that end a page with figures: plotly.js (inlined or from the CDN) and the drawing loop.
 * Parts of the page, not one string: the inlined library stays the bytes read from its file.
 */
export function plotlyScripts(mode: PlotlyMode, bundle: "cartesian" | "full" | undefined): PagePart[] {
  if (mode === "none" || !bundle) return [];
  const draw = `\n<script>${DRAW_FIGURES}</script>`;
  if (mode === "cdn")
    return [
      `<script class="plotly-library" src="https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js" charset="utf-8"></script>${draw}`,
    ];
  return [
    '<script class="plotly-library">',
    scriptBytes(readFileSync(plotlyFile(bundle))),
    `</script>${draw}`,
  ];
}
