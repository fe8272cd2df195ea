/** Displayables for text the user writes: HTML and Markdown. */
import { Rich } from "./rich.js";

/**
 * Shows an HTML string as rich output (text/html, with its text content as text/plain). The HTML is the
 * user's own and is not sanitised here; frontends apply their own trust rules.
 * @example html("<b>epoch 3</b>: loss 0.12")
 */
export function html(source: string): Rich {
  return new Rich({ "text/html": source, "text/plain": htmlToText(source) });
}

/**
 * Shows Markdown (text/markdown; the source itself as text/plain).
 * @example markdown("**Jacobian** of $f$ at $x_0$")
 */
export function markdown(source: string): Rich {
  return new Rich({ "text/markdown": source, "text/plain": source });
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** A readable plain-text version of HTML for consoles: tags dropped, common entities decoded. */
function htmlToText(source: string): string {
  return source
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) => entities[e]!)
    .trim();
}
