/**
 * Draws a laid-out trace as SVG: a card per node (title, op, shape, data and grad rows) and a curved arrow
 * per op argument. Colours are presentation attributes, not CSS, so the picture is right as a standalone
 * image/svg+xml, inside HTML, and where a sanitiser strips <style>.
 */
import type { EdgeRoute, GraphLayout, NodeBox, Point } from "./layout.js";
import type { NodeKind, NodeLabel } from "./node-label.js";
import { CARD } from "./node-label.js";
import { escapeHtml } from "../escape.js";

export const FONT_SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";
export const FONT_MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";

/** Card colours by node kind: body, header, border, title. */
export const PALETTE: Record<NodeKind, { body: string; header: string; border: string; title: string }> = {
  op: { body: "#ffffff", header: "#f1f3f5", border: "#adb5bd", title: "#212529" },
  leaf: { body: "#f3f9ff", header: "#d0ebff", border: "#4dabf7", title: "#1864ab" },
  const: { body: "#f8f9fa", header: "#e9ecef", border: "#ced4da", title: "#495057" },
  output: { body: "#f8f5ff", header: "#e5dbff", border: "#9775fa", title: "#5f3dc4" },
};
export const COLORS = {
  edge: "#868e96",
  muted: "#868e96",
  text: "#212529",
  grad: "#c92a2a",
  current: "#f76707",
  done: "#2b8a3e",
} as const;

export interface GraphSvgOptions {
  /** Prefix for element ids, unique per picture on a page. */
  idPrefix?: string;
  /** Draw the grad rows' values (false: draw the rows' keys only; the stepper writes values per step). */
  gradValues?: boolean;
  /** Draw the data rows' values (false: keys only; a forward-pass stepper writes them per step). */
  dataValues?: boolean;
  /** Accessible title of the picture. */
  title?: string;
}

const f = (x: number) => String(Math.round(x * 10) / 10);

/**
 * SVG path data of an edge's spline.
 * @example edgePath([[0, 0], [1, 1], [2, 1], [3, 0]]) // "M0,0C1,1 2,1 3,0"
 */
export function edgePath(points: readonly Point[]): string {
  if (points.length === 0) return "";
  const [start, ...rest] = points;
  let d = `M${f(start[0])},${f(start[1])}`;
  for (let i = 0; i + 2 < rest.length; i += 3) {
    const [a, b, c] = [rest[i], rest[i + 1], rest[i + 2]];
    d += `C${f(a[0])},${f(a[1])} ${f(b[0])},${f(b[1])} ${f(c[0])},${f(c[1])}`;
  }
  return d;
}

/**
 * An arrowhead polygon with its tip at `tip`, pointing away from `from`.
 * @example arrowHead([0, 0], [10, 0]) // "10,0 3,3.2 3,-3.2"
 */
export function arrowHead(from: Point, tip: Point, size = 7): string {
  const dx = tip[0] - from[0];
  const dy = tip[1] - from[1];
  const len = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / len, dy / len];
  const base: Point = [tip[0] - ux * size, tip[1] - uy * size];
  const half = size * 0.45;
  const a: Point = [base[0] - uy * half, base[1] + ux * half];
  const b: Point = [base[0] + uy * half, base[1] - ux * half];
  return [tip, a, b].map((p) => `${f(p[0])},${f(p[1])}`).join(" ");
}

function edgeSvg(e: EdgeRoute): string {
  const last = e.points[e.points.length - 1] ?? e.tip;
  return (
    `<g class="gl-edge" data-from="${e.from}" data-to="${e.to}">` +
    `<path d="${edgePath(e.points)}" fill="none" stroke="${COLORS.edge}" stroke-width="1.3"/>` +
    `<polygon points="${arrowHead(last, e.tip)}" fill="${COLORS.edge}"/></g>`
  );
}

/**
 * Baseline y of a card's rows: 0 is the header, 1 the data row, 2 the grad row.
 * @example rowBaseline(box, 2)
 */
export function rowBaseline(box: NodeBox, row: 0 | 1 | 2): number {
  if (row === 0) return box.y + 16.5;
  return box.y + CARD.headerHeight + (row - 1) * CARD.rowHeight + 13;
}

/**
 * x where row values start.
 * @example valueX(box)
 */
export function valueX(box: NodeBox): number {
  return box.x + CARD.padX + CARD.keyWidth;
}

/**
 * The grad value text element of a card (the stepper places these per step).
 * @example gradValueSvg(box, "[0.5, -1]")
 */
export function gradValueSvg(box: NodeBox, text: string, color: string = COLORS.grad): string {
  return (
    `<text x="${f(valueX(box))}" y="${f(rowBaseline(box, 2))}" font-family="${FONT_MONO}" ` +
    `font-size="${CARD.valueSize}" fill="${color}">${escapeHtml(text)}</text>`
  );
}

function key(box: NodeBox, row: 1 | 2, text: string): string {
  return (
    `<text x="${f(box.x + CARD.padX)}" y="${f(rowBaseline(box, row))}" font-family="${FONT_SANS}" ` +
    `font-size="${CARD.keySize}" fill="${COLORS.muted}">${text}</text>`
  );
}

function nodeSvg(label: NodeLabel, box: NodeBox, options: GraphSvgOptions): string {
  const c = PALETTE[label.kind];
  const { x, y, width: w, height: h } = box;
  const hh = CARD.headerHeight;
  const tooltip = [label.title, label.tag, label.shape, `data ${label.data}`]
    .concat(label.grad ? [`grad ${label.grad}`] : [])
    .filter(Boolean)
    .join(" · ");
  const titleX = x + CARD.padX;
  const parts = [
    `<g class="gl-node gl-${label.kind}" data-node="${label.id}"${options.idPrefix ? ` id="${options.idPrefix}n${label.id}"` : ""}>`,
    `<title>${escapeHtml(tooltip)}</title>`,
    `<rect x="${f(x)}" y="${f(y)}" width="${f(w)}" height="${f(h)}" rx="6" fill="${c.body}" stroke="${c.border}" stroke-width="1.2"/>`,
    // Header band: a rounded rect whose lower corners are squared off by a second rect.
    `<rect x="${f(x + 0.6)}" y="${f(y + 0.6)}" width="${f(w - 1.2)}" height="${f(hh - 0.6)}" rx="5.4" fill="${c.header}"/>`,
    `<rect x="${f(x + 0.6)}" y="${f(y + hh - 6)}" width="${f(w - 1.2)}" height="6" fill="${c.header}"/>`,
    `<line x1="${f(x)}" y1="${f(y + hh)}" x2="${f(x + w)}" y2="${f(y + hh)}" stroke="${c.border}" stroke-width="0.8"/>`,
    `<text x="${f(titleX)}" y="${f(rowBaseline(box, 0))}" font-family="${FONT_SANS}" font-size="${CARD.titleSize}" ` +
      `font-weight="600" fill="${c.title}">${escapeHtml(label.title)}` +
      (label.tag
        ? `<tspan dx="6" font-size="${CARD.tagSize}" font-weight="400" fill="${COLORS.muted}">${escapeHtml(label.tag)}</tspan>`
        : "") +
      `</text>`,
    `<text x="${f(x + w - CARD.padX)}" y="${f(rowBaseline(box, 0))}" text-anchor="end" font-family="${FONT_SANS}" ` +
      `font-size="${CARD.tagSize}" fill="${COLORS.muted}">${escapeHtml(label.shape)}</text>`,
    key(box, 1, "data"),
  ];
  if (options.dataValues !== false) {
    parts.push(
      `<text x="${f(valueX(box))}" y="${f(rowBaseline(box, 1))}" font-family="${FONT_MONO}" font-size="${CARD.valueSize}" ` +
        `fill="${COLORS.text}">${escapeHtml(label.data)}</text>`,
    );
  }
  if (label.grad !== undefined) {
    parts.push(key(box, 2, "grad"));
    if (options.gradValues !== false) parts.push(gradValueSvg(box, label.grad));
  }
  parts.push("</g>");
  return parts.join("");
}

/**
 * The edges and cards of a laid-out graph, without the enclosing <svg> (the stepper reuses it via <use>).
 * @example graphBody(labels, layout, {})
 */
export function graphBody(
  labels: readonly NodeLabel[],
  layout: GraphLayout,
  options: GraphSvgOptions = {},
): string {
  const edges = layout.edges.map(edgeSvg).join("");
  const nodes = layout.nodes.map((box) => (box ? nodeSvg(labels[box.id], box, options) : "")).join("");
  return `<g class="gl-edges">${edges}</g><g class="gl-nodes">${nodes}</g>`;
}

/**
 * A complete standalone SVG document of the graph.
 * @example renderGraphSvg(labels, layout, { title: "computation graph of L" })
 */
export function renderGraphSvg(
  labels: readonly NodeLabel[],
  layout: GraphLayout,
  options: GraphSvgOptions = {},
): string {
  const { width, height } = layout;
  const title = options.title ?? "computation graph";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="gl-graph" width="${f(width)}" height="${f(height)}" ` +
    `viewBox="0 0 ${f(width)} ${f(height)}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${graphBody(labels, layout, options)}</svg>`
  );
}
