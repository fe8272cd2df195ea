/**
 * Per-step marks drawn over a graph: the current node, the finished ones, the edges a gradient flows
 * along, and the values written into cards. The stepper draws the graph once and only these marks per step.
 */
import type { EdgeRoute, GraphLayout, NodeBox } from "./layout.js";
import { COLORS, FONT_MONO, edgePath, arrowHead, gradValueSvg, rowBaseline, valueX } from "./svg.js";
import { CARD } from "./node-label.js";
import { escapeHtml } from "../escape.js";

export interface Highlight {
  /** The node this step is about. */
  readonly current?: number;
  /** Nodes already finished (their gradient is complete, or their value computed). */
  readonly done?: readonly number[];
  /** Edges to draw as active, and which way the arrow points along them. */
  readonly flow?: readonly { from: number; to: number }[];
  /** "backward": arrows point from the op back to its inputs; "forward": along the edge. */
  readonly direction?: "forward" | "backward";
  /** Text written into grad rows (the card must have one). */
  readonly grads?: ReadonlyMap<number, string>;
  /** Text written into data rows (for a base drawn without data values). */
  readonly data?: ReadonlyMap<number, string>;
}

const f = (x: number) => String(Math.round(x * 10) / 10);

function outline(box: NodeBox, color: string, width: number, grow = 0): string {
  return (
    `<rect x="${f(box.x - grow)}" y="${f(box.y - grow)}" width="${f(box.width + 2 * grow)}" ` +
    `height="${f(box.height + 2 * grow)}" rx="${6 + grow}" fill="none" stroke="${color}" stroke-width="${width}"/>`
  );
}

function check(box: NodeBox): string {
  const cx = box.x + box.width - 1;
  const cy = box.y + 1;
  return (
    `<circle cx="${f(cx)}" cy="${f(cy)}" r="7" fill="${COLORS.done}"/>` +
    `<path d="M${f(cx - 3.2)},${f(cy + 0.2)} l2.2,2.3 l4,-4.6" fill="none" stroke="#fff" stroke-width="1.8" ` +
    `stroke-linecap="round" stroke-linejoin="round"/>`
  );
}

function flowEdge(e: EdgeRoute, direction: "forward" | "backward"): string {
  const color = direction === "backward" ? COLORS.current : "#1c7ed6";
  const n = e.points.length;
  const head =
    direction === "backward" && n >= 2
      ? arrowHead(e.points[1], e.points[0], 10)
      : arrowHead(e.points[n - 1] ?? e.tip, e.tip, 10);
  return (
    `<path d="${edgePath(e.points)}" fill="none" stroke="${color}" stroke-width="3" stroke-linecap="round"/>` +
    `<polygon points="${head}" fill="${color}"/>`
  );
}

function dataValueSvg(box: NodeBox, text: string): string {
  return (
    `<text x="${f(valueX(box))}" y="${f(rowBaseline(box, 1))}" font-family="${FONT_MONO}" ` +
    `font-size="${CARD.valueSize}" fill="${COLORS.text}">${escapeHtml(text)}</text>`
  );
}

function doneMark(box: NodeBox): string {
  return outline(box, COLORS.done, 2) + check(box);
}

/**
 * Marks that repeat from step to step, drawn once per page inside <defs> so each step only references
 * them (`<use href="#{prefix}-d{id}">`): a "done" mark per node, and each node's grad and data text.
 * @example markDefs(layout, "gls-1", { grads, data })
 */
export function markDefs(
  layout: GraphLayout,
  prefix: string,
  texts: { grads?: ReadonlyMap<number, string>; data?: ReadonlyMap<number, string> },
): string {
  const parts: string[] = [];
  for (const box of layout.nodes) if (box) parts.push(`<g id="${prefix}-d${box.id}">${doneMark(box)}</g>`);
  for (const [id, text] of texts.grads ?? []) {
    const box = layout.nodes[id];
    if (box) parts.push(gradValueSvg(box, text).replace("<text", `<text id="${prefix}-g${id}"`));
  }
  for (const [id, text] of texts.data ?? []) {
    const box = layout.nodes[id];
    if (box) parts.push(dataValueSvg(box, text).replace("<text", `<text id="${prefix}-v${id}"`));
  }
  return parts.join("");
}

/**
 * The SVG elements (no enclosing <svg>) that mark one step on a laid-out graph. With `prefix`, done marks
 * and texts (other than the current node's) refer to `markDefs` drawn under that prefix.
 * @example highlightSvg(layout, { current: 5, done: [6, 7], flow: [{ from: 4, to: 5 }] })
 */
export function highlightSvg(layout: GraphLayout, h: Highlight, prefix?: string): string {
  const parts: string[] = [];
  const direction = h.direction ?? "backward";
  for (const e of layout.edges) {
    if (h.flow?.some((x) => x.from === e.from && x.to === e.to)) parts.push(flowEdge(e, direction));
  }
  const box = (id: number) => layout.nodes[id];
  const use = (kind: string, id: number) => `<use href="#${prefix}-${kind}${id}"/>`;
  for (const [id, text] of h.data ?? []) {
    if (box(id)) parts.push(prefix ? use("v", id) : dataValueSvg(box(id)!, text));
  }
  for (const id of h.done ?? []) if (box(id)) parts.push(prefix ? use("d", id) : doneMark(box(id)!));
  for (const [id, text] of h.grads ?? []) {
    if (!box(id)) continue;
    if (id === h.current) parts.push(gradValueSvg(box(id)!, text, COLORS.current));
    else parts.push(prefix ? use("g", id) : gradValueSvg(box(id)!, text));
  }
  const current = h.current === undefined ? undefined : box(h.current);
  if (current) {
    parts.push(outline(current, COLORS.current, 5, 4).replace("<rect", '<rect stroke-opacity="0.3"'));
    parts.push(outline(current, COLORS.current, 2.5));
  }
  return parts.join("");
}
