/**
 * What a graph node says (title, op, shape, data and grad rows) and how big its card is. The card size is
 * computed here, before layout, and handed to Graphviz as a fixed node size; the SVG renderer draws the
 * same geometry, so text and boxes always agree.
 */
import type { Trace, TraceNode } from "../../autodiff/trace.js";
import { formatNumber, shapeString, summarize, textWidth } from "./format.js";

/** How a node is drawn: parameters/inputs that get gradients, constants, ops, and the traced output. */
export type NodeKind = "leaf" | "const" | "op" | "output";

export interface NodeLabel {
  readonly id: number;
  readonly kind: NodeKind;
  /** Bold title: the user's name (the root symbol for the output), else the op (ops) or `v{id}` (leaves). */
  readonly title: string;
  /** Grey tag beside the title: the op of a named op node, or `v{id}` of an unnamed one. */
  readonly tag: string;
  readonly shape: string;
  readonly data: string;
  /** The grad row's text; undefined when the node has no grad row. */
  readonly grad?: string;
  /** Not drawn: an unnamed scalar constant, shown inside the label of the op using it. */
  readonly hidden: boolean;
}

/** Card geometry in px (Graphviz points), shared by the layout and the renderer. */
export const CARD = {
  padX: 10,
  headerHeight: 24,
  rowHeight: 18,
  padBottom: 5,
  titleSize: 13,
  tagSize: 11,
  keySize: 11,
  valueSize: 12,
  keyWidth: 34,
  minWidth: 84,
} as const;

/**
 * What the traced tensor is called when the user did not name it: `y`, or `L` (then `out`) when another
 * node already bears that name (a loss computed from a tensor named y). The graph and the stepper both use
 * it, so a card, a chain-rule line and a title all say the same symbol.
 * @example rootSymbol(trace(sigmoid(z))) // "y"
 */
export function rootSymbol(trace: Trace): string {
  const out = trace.nodes[trace.output];
  if (out.name !== undefined) return out.name;
  const taken = new Set(trace.nodes.map((n) => n.name));
  return ["y", "L", "out"].find((s) => !taken.has(s)) ?? `v${out.id}`;
}

/**
 * The text symbol of a node: its name, the root symbol for the traced tensor (with `trace`), else `v{id}`.
 * @example nodeSymbol(t.nodes[2], t) // "v2"
 */
export function nodeSymbol(node: TraceNode, trace?: Trace): string {
  if (node.name !== undefined) return node.name;
  return trace !== undefined && node.id === trace.output ? rootSymbol(trace) : `v${node.id}`;
}

/**
 * An op with the parameters worth reading, e.g. `sum(axes=[1])`: false flags are left out, and so are the
 * axes of a reduction over every axis. With `trace`, reductions know their input's rank.
 * @example opLabel({ op: "sum", params: { axes: [0], keepdims: false }, … }) // "sum(axes=[0])"
 */
export function opLabel(node: TraceNode, trace?: Trace): string {
  const inputRank = trace && node.inputs.length > 0 ? trace.nodes[node.inputs[0]].shape.length : undefined;
  const shown = Object.entries(node.params ?? {}).filter(([k, v]) => {
    if (v === undefined || v === false) return false;
    if (node.op === "matmul" && (k === "ta" || k === "tb")) return false; // drawn as ᵀ on the argument
    if (k === "axes" && Array.isArray(v) && inputRank !== undefined && v.length === inputRank) return false;
    return true;
  });
  if (shown.length === 0) return node.op;
  const text = shown.map(([k, v]) =>
    v === true
      ? k
      : `${k}=${typeof v === "number" ? formatNumber(v) : JSON.stringify(v).replace(/,/g, ", ")}`,
  );
  return `${node.op}(${text.join(", ")})`;
}

/**
 * Whether a node is an unnamed scalar constant (the 0.5 in `mul(x, 0.5)`): drawn inside its op's label
 * instead of as a card of its own, which keeps composite ops such as sigmoid readable.
 * @example isFolded(t, t.nodes[3]) // true for a literal number operand
 */
export function isFolded(trace: Trace, node: TraceNode): boolean {
  return (
    node.inputs.length === 0 &&
    !node.requiresGrad &&
    node.name === undefined &&
    node.value.length === 1 &&
    node.id !== trace.output
  );
}

/**
 * How argument `k` of an op reads: `ᵀ` after a matmul operand used transposed (`linear` multiplies by Wᵀ).
 * @example argSuffix({ op: "matmul", params: { ta: false, tb: true }, … }, 1) // "ᵀ"
 */
export function argSuffix(node: TraceNode, k: number): string {
  if (node.op !== "matmul") return "";
  return node.params?.[k === 0 ? "ta" : "tb"] === true ? "ᵀ" : "";
}

/**
 * An op's label with folded constants and transposes written in: `mul(·, 0.5)`, `matmul(·, ·ᵀ)`; plain
 * `opLabel` when there are none.
 */
function opTitle(trace: Trace, node: TraceNode): string {
  const folded = node.inputs.map((i) => isFolded(trace, trace.nodes[i]));
  const suffix = node.inputs.map((_, k) => argSuffix(node, k));
  if (!folded.some(Boolean) && !suffix.some(Boolean)) return opLabel(node, trace);
  const args = node.inputs.map(
    (i, k) => (folded[k] ? formatNumber(trace.nodes[i].value[0]) : "·") + suffix[k],
  );
  return `${opLabel(node, trace)}(${args.join(", ")})`;
}

/**
 * The node's kind for colouring.
 * @example nodeKind(t, t.nodes[t.output]) // "output"
 */
export function nodeKind(trace: Trace, node: TraceNode): NodeKind {
  if (node.id === trace.output) return "output";
  if (node.inputs.length === 0) return node.requiresGrad ? "leaf" : "const";
  return "op";
}

/**
 * The label of every node. `gradText` gives a node's grad row (undefined: no grad row); the default shows
 * `node.grad` where the trace has one (after `backward()`).
 * @example nodeLabels(trace(loss)).map((l) => l.title)
 */
export function nodeLabels(
  trace: Trace,
  gradText: (node: TraceNode) => string | undefined = (node) =>
    node.grad === undefined ? undefined : summarize(node.grad, node.shape),
): NodeLabel[] {
  return trace.nodes.map((node) => {
    const isOp = node.inputs.length > 0;
    const op = isOp ? opTitle(trace, node) : "";
    // The traced tensor is titled by its symbol (y, L) like a named one, as in the stepper's formulas.
    const name = node.id === trace.output ? rootSymbol(trace) : node.name;
    const title = name ?? (isOp ? op : `v${node.id}`);
    const tag = name !== undefined ? op : isOp ? `v${node.id}` : "";
    return {
      id: node.id,
      kind: nodeKind(trace, node),
      title,
      tag,
      shape: shapeString(node.shape),
      data: summarize(node.value, node.shape),
      grad: gradText(node),
      hidden: isFolded(trace, node),
    };
  });
}

/**
 * Card width and height in px.
 * @example cardSize(nodeLabels(t)[0]) // { width: 180, height: 47 }
 */
export function cardSize(label: NodeLabel): { width: number; height: number } {
  const header =
    textWidth(label.title, CARD.titleSize, { bold: true }) +
    (label.tag ? 6 + textWidth(label.tag, CARD.tagSize) : 0) +
    14 +
    textWidth(label.shape, CARD.tagSize);
  const row = (text: string) => CARD.keyWidth + textWidth(text, CARD.valueSize, { mono: true });
  const gradWidth = label.grad === undefined ? 0 : row(label.grad);
  const width = Math.max(CARD.minWidth, header, row(label.data), gradWidth) + 2 * CARD.padX;
  const rows = label.grad === undefined ? 1 : 2;
  return { width: Math.ceil(width), height: CARD.headerHeight + rows * CARD.rowHeight + CARD.padBottom };
}
