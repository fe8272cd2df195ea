/**
 * How the stepper names tensors: the user's name, the graph's root symbol (`y`, or `L` when a tensor is
 * already named y) for an unnamed loss, `v{id}` otherwise; in LaTeX
 * (W1 → W_{1}) and per element (h₁, W1₁,₂) for Jacobian row and column headers.
 */
import type { Trace, TraceNode } from "../../autodiff/trace.js";
import { latexName } from "../names.js";
import { formatNumber } from "../graph/format.js";
import { isFolded, rootSymbol } from "../graph/node-label.js";

/**
 * Plain-text symbol of a node (a folded constant is its value).
 * @example symbol(t, t.nodes[t.output]) // "y"
 */
export function symbol(trace: Trace, node: TraceNode): string {
  if (isFolded(trace, node)) return formatNumber(node.value[0]);
  return node.name ?? (node.id === trace.output ? rootSymbol(trace) : `v${node.id}`);
}

/**
 * LaTeX symbol of a node.
 * @example texSymbol(t, W1node) // "W_{1}"
 */
export function texSymbol(trace: Trace, node: TraceNode): string {
  if (isFolded(trace, node)) return formatNumber(node.value[0]);
  if (node.name !== undefined) return latexName(node.name);
  return node.id === trace.output ? latexName(rootSymbol(trace)) : `v_{${node.id}}`;
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const subscript = (n: number) => [...String(n)].map((d) => SUB[Number(d)]).join("");

/**
 * A name for each element, 1-based as the lecture writes them: `h₁ h₂` for a vector, `W1₁,₂` for a
 * matrix entry, the symbol itself for a single value.
 * @example elementNames("h", [2]) // ["h₁", "h₂"]
 */
export function elementNames(name: string, shape: readonly number[]): string[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size === 1) return [name];
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  return Array.from({ length: size }, (_, k) => {
    const index = shape.map((n, d) => (Math.floor(k / strides[d]) % n) + 1);
    return name + index.map(subscript).join(",");
  });
}

/**
 * ∂a/∂b in LaTeX.
 * @example partial("L", "x") // "\\frac{\\partial L}{\\partial x}"
 */
export function partial(a: string, b: string): string {
  return `\\frac{\\partial ${a}}{\\partial ${b}}`;
}
