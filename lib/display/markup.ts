/** Displayables for text the user writes: HTML and Markdown. */
import { htmlText } from "./html-text.js";
import { Rich } from "./rich.js";

/**
 * Shows an HTML string as rich output: text/html, and as text/plain a short readable summary (its text with
 * whitespace collapsed, `[figure]` for each SVG, capped in length). The HTML is the user's own and is not
 * sanitised here; frontends apply their own trust rules.
 * @example html("<b>epoch 3</b>: loss 0.12")
 */
export function html(source: string): Rich {
  return new Rich({ "text/html": source, "text/plain": htmlText(source) });
}

/**
 * Shows Markdown (text/markdown; the source itself as text/plain).
 * @example markdown("**Jacobian** of $f$ at $x_0$")
 */
export function markdown(source: string): Rich {
  return new Rich({ "text/markdown": source, "text/plain": source });
}
