/**
 * Small helpers for writing SVG by hand: attributes escaped, numbers rounded, text width estimated.
 * Output is plain SVG 1.1 (no CSS classes needed, no ids, no scripts) so it renders the same inline in
 * HTML, as an image/svg+xml output, and in converters such as nbconvert and Inkscape.
 */
import { escapeHtml } from "./escape.js";

/**
 * An element with escaped attributes; `children` is already markup.
 * @example el("rect", { x: 1, width: 10, fill: "#fff" }) // '<rect x="1" width="10" fill="#fff"/>'
 */
export function el(tag: string, attrs: Record<string, string | number | undefined>, children = ""): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? round(v) : escapeHtml(v!)}"`)
    .join("");
  return children === "" && tag !== "text" ? `<${tag}${a}/>` : `<${tag}${a}>${children}</${tag}>`;
}

/**
 * Coordinates to 0.1 px: enough for the eye, and keeps large figures small.
 * @example round(12.345) // "12.3"
 */
export function round(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/**
 * A <title> child: the browser shows it as a tooltip when the pointer rests on its parent.
 * @example title("∂f₁/∂x₂ = 0.5") // "<title>∂f₁/∂x₂ = 0.5</title>"
 */
export function title(text: string): string {
  return `<title>${escapeHtml(text)}</title>`;
}

/**
 * Width in px of text at a font size: a generous average so labels never overlap what follows them.
 * @example textWidth("∂x₁", 12) // 22.32
 */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.62;
}

/**
 * The opening tag of a standalone SVG document with a white background, ready for a figure.
 * @example svgOpen(200, 100, "heatmap", fonts.sans) + "</svg>"
 */
export function svgOpen(width: number, height: number, label: string, fontFamily: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${round(width)}" height="${round(height)}" ` +
    `viewBox="0 0 ${round(width)} ${round(height)}" role="img" aria-label="${escapeHtml(label)}" ` +
    `font-family="${escapeHtml(fontFamily)}">` +
    el("rect", { width, height, fill: "#ffffff" })
  );
}

/**
 * text/html for a figure: the same SVG inline (hover titles keep working; an <img> would lose them) in a
 * scrollable block. No script, so it shows in classic Notebook, nbconvert and sanitising frontends.
 * @example figureHtml(heatmapSvg(J), "heatmap")
 */
export function figureHtml(svg: string, kind: string): string {
  return `<div class="gradlab-${kind}" style="overflow-x:auto;max-width:100%;line-height:0">${svg}</div>`;
}

/**
 * Text cut to fit `maxWidth` px (by textWidth's estimate), ending in "…" when cut.
 * @example ellipsize("learning rate 0.1, momentum 0.9", 100, 12) // "learning rat…"
 */
export function ellipsize(text: string, maxWidth: number, fontSize: number): string {
  const chars = [...text];
  const fits = Math.max(1, Math.floor(maxWidth / (fontSize * 0.62)));
  return chars.length <= fits ? text : `${chars.slice(0, fits - 1).join("")}…`;
}
