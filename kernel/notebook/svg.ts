/**
 * SVG outputs are inlined (not put in an <img>) so that hover titles and text selection work as they do
 * in JupyterLab. Inlined, they share one id namespace: two heatmaps that both define `id="grad"` would
 * paint each other's colours. So each SVG's ids get a per-output prefix, and its references follow.
 */

/** Removes what may precede `<svg` in a file (XML declaration, doctype, comments). */
export function stripProlog(svg: string): string {
  const at = svg.search(/<svg[\s>]/i);
  return at > 0 ? svg.slice(at) : svg;
}

/** Prefixes every `id` in `svg` with `prefix` and rewrites `url(#…)` and `href="#…"` references. */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid\s*=\s*["']([^"']+)["']/g)) ids.add(m[1]);
  if (ids.size === 0) return svg;
  const rename = (id: string) => (ids.has(id) ? prefix + id : id);
  return svg
    .replace(
      /(\sid\s*=\s*)(["'])([^"']+)\2/g,
      (_, a: string, q: string, id: string) => `${a}${q}${rename(id)}${q}`,
    )
    .replace(/url\(\s*(['"]?)#([^)'"]+)\1\s*\)/g, (_, q: string, id: string) => `url(${q}#${rename(id)}${q})`)
    .replace(
      /(\s(?:xlink:)?href\s*=\s*)(["'])#([^"']+)\2/g,
      (_, a: string, q: string, id: string) => `${a}${q}#${rename(id)}${q}`,
    );
}
