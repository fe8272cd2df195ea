/**
 * What the exporter takes from installed packages at run time: KaTeX's stylesheet (its font rules, and
 * the fonts' folder) and the plotly.js bundles with their version. Found through Node's resolution here;
 * the prebuilt bundle (see prebuilt.ts) replaces this module with the answers worked out at build time,
 * which saves each export resolving three packages and parsing katex.css.
 */
import { createRequire } from "node:module";
import { loadKatexStyles, type KatexStyles } from "./katex-fonts.js";

export type PlotlyBundle = "cartesian" | "full";

/** KaTeX's font rules, indexed for a new page. */
export const katexStyles = (): KatexStyles => loadKatexStyles();

/** The plotly.js file a page inlines: the cartesian bundle or the full one. */
export function plotlyFile(bundle: PlotlyBundle): string {
  const require = createRequire(import.meta.url);
  return bundle === "cartesian"
    ? require.resolve("plotly.js-cartesian-dist-min/plotly-cartesian.min.js")
    : require.resolve("plotly.js-dist-min/plotly.min.js");
}

/** The installed plotly.js version (for the CDN address). */
export function plotlyVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("plotly.js-dist-min/package.json") as { version: string }).version;
}
