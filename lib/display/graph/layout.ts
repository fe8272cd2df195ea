/**
 * Graph layout by Graphviz's `dot` (compiled to WebAssembly, @hpcc-js/wasm-graphviz; runs offline in
 * Node). Graphviz only places the cards we sized and routes the edges; drawing is ours (svg.ts).
 */
import type { Format, Graphviz } from "@hpcc-js/wasm-graphviz";
import type { Trace } from "../../autodiff/trace.js";
import type { NodeLabel } from "./node-label.js";
import { cardSize } from "./node-label.js";

export type RankDir = "LR" | "TB";

export interface LayoutOptions {
  /** "TB" (default): inputs on top, output at the bottom (fits a notebook's width); "LR": left to right. */
  rankdir?: RankDir;
}

export interface NodeBox {
  readonly id: number;
  /** Top-left corner and size, in SVG px with y pointing down. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type Point = readonly [number, number];

export interface EdgeRoute {
  readonly from: number;
  readonly to: number;
  readonly arg: number;
  /** Cubic Bézier spline: start point, then three points per segment. */
  readonly points: readonly Point[];
  /** Tip of the arrowhead (on the border of the `to` card). */
  readonly tip: Point;
}

export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  /** Indexed by node id; undefined for nodes not drawn (folded constants). */
  readonly nodes: readonly (NodeBox | undefined)[];
  readonly edges: readonly EdgeRoute[];
}

const PX_PER_INCH = 72;
// Room around the drawing for the stepper's marks (a halo and a check badge stick out of a card).
const MARGIN = 10;

/**
 * The DOT source for a trace: one fixed-size box per node (sized to its label) and one edge per op argument,
 * in trace order so the layout is deterministic. `ordering=in` keeps an op's arguments in argument order.
 * @example toDot(trace(y), nodeLabels(trace(y)))
 */
export function toDot(trace: Trace, labels: readonly NodeLabel[], options: LayoutOptions = {}): string {
  const lines = [
    "digraph G {",
    `  graph [rankdir=${options.rankdir ?? "TB"}, nodesep=0.22, ranksep=0.42, ordering=in, margin=0];`,
    '  node [shape=box, fixedsize=true, label=""];',
    "  edge [arrowsize=0.7];",
  ];
  for (const label of labels) {
    if (label.hidden) continue;
    const { width, height } = cardSize(label);
    const w = (width / PX_PER_INCH).toFixed(4);
    const h = (height / PX_PER_INCH).toFixed(4);
    lines.push(`  n${label.id} [width=${w}, height=${h}];`);
  }
  trace.edges.forEach((e, i) => {
    if (!labels[e.from].hidden) lines.push(`  n${e.from} -> n${e.to} [id=e${i}];`);
  });
  lines.push("}");
  return lines.join("\n");
}

interface DotJson {
  bb: string;
  objects?: { name: string; pos: string; width: string; height: string }[];
  edges?: { id?: string; pos: string }[];
}

function parsePoint(text: string, height: number): Point {
  const [x, y] = text.split(",").map(Number);
  return [x + MARGIN, height - y + MARGIN];
}

/**
 * Reads Graphviz's `json0` output into boxes and routes with y pointing down.
 * Edge `pos` is "e,tipX,tipY p1 p2 …": the arrow tip, then the spline's control points.
 * @example parseLayout(graphviz.layout(toDot(t, labels), "json0", "dot"), t).nodes[0]
 */
export function parseLayout(json: string, trace: Trace): GraphLayout {
  const doc = JSON.parse(json) as DotJson;
  const [, , bbWidth, bbHeight] = doc.bb.split(",").map(Number);
  const nodes = new Array<NodeBox | undefined>(trace.nodes.length).fill(undefined);
  for (const o of doc.objects ?? []) {
    const [cx, cy] = parsePoint(o.pos, bbHeight);
    const width = Number(o.width) * PX_PER_INCH;
    const height = Number(o.height) * PX_PER_INCH;
    const id = Number(o.name.slice(1));
    nodes[id] = { id, x: cx - width / 2, y: cy - height / 2, width, height };
  }
  const edges: EdgeRoute[] = (doc.edges ?? []).map((e) => {
    const edge = trace.edges[Number(e.id?.slice(1))];
    const parts = e.pos.split(" ");
    const tip = parsePoint(parts[0].slice(2), bbHeight);
    const points = parts.slice(1).map((p) => parsePoint(p, bbHeight));
    return { from: edge.from, to: edge.to, arg: edge.arg, points, tip };
  });
  edges.sort((a, b) => a.to - b.to || a.arg - b.arg);
  return { width: bbWidth + 2 * MARGIN, height: bbHeight + 2 * MARGIN, nodes, edges };
}

/**
 * Lays out a trace with a loaded Graphviz (synchronous; see `loadGraphviz`).
 * @example layoutWith(await loadGraphviz(), t, nodeLabels(t))
 */
export function layoutWith(
  graphviz: Graphviz,
  trace: Trace,
  labels: readonly NodeLabel[],
  options: LayoutOptions = {},
): GraphLayout {
  // "json0" is Graphviz's JSON with positions but without xdot drawing operations (smaller, faster to
  // parse); the package's Format type does not list it, though its Graphviz build supports it.
  const json = graphviz.layout(toDot(trace, labels, options), "json0" as Format, "dot");
  return parseLayout(json, trace);
}

// The WebAssembly module takes ~70 ms to instantiate, so it is loaded once per process and shared. It is a
// cache of an immutable engine, not state that changes what any function returns.
let graphvizPromise: Promise<Graphviz> | undefined;
let graphvizLoaded: Graphviz | undefined;

/**
 * Loads Graphviz (once per process) and resolves to it. Call early to warm up: the first graph then
 * displays without waiting.
 * @example await loadGraphviz(); // later graph(y) displays synchronously
 */
export function loadGraphviz(): Promise<Graphviz> {
  graphvizPromise ??= import("@hpcc-js/wasm-graphviz")
    .then((m) => m.Graphviz.load())
    .then((g) => (graphvizLoaded = g));
  return graphvizPromise;
}

/**
 * Graphviz if it has finished loading, else undefined (never starts a load).
 * @example loadedGraphviz() ?? (await loadGraphviz())
 */
export function loadedGraphviz(): Graphviz | undefined {
  return graphvizLoaded;
}
