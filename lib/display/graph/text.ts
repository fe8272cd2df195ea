/**
 * text/plain of a computation graph: one line per node in topological order, for `jupyter console`.
 */
import type { Trace } from "../../autodiff/trace.js";
import { argSuffix, isFolded, nodeLabels, nodeSymbol, opLabel } from "./node-label.js";
import { formatNumber } from "./format.js";

/**
 * The graph as text, one node per line: `v3 = matmul(W1, x)  2  data [..]  grad [..]`.
 * @example graphText(trace(loss))
 */
export function graphText(trace: Trace): string {
  const labels = nodeLabels(trace);
  const arg = (i: number) => {
    const n = trace.nodes[i];
    return isFolded(trace, n) ? formatNumber(n.value[0]) : nodeSymbol(n, trace);
  };
  const shown = trace.nodes.filter((n) => !isFolded(trace, n));
  const rows = shown.map((node) => {
    const label = labels[node.id];
    const symbol = nodeSymbol(node, trace);
    const head =
      node.inputs.length === 0
        ? `${symbol}${node.requiresGrad ? "" : " (const)"}`
        : `${symbol} = ${opLabel(node, trace)}(${node.inputs.map((i, k) => arg(i) + argSuffix(node, k)).join(", ")})`;
    const grad = label.grad === undefined ? "" : `  grad ${label.grad}`;
    return [head, label.shape, `data ${label.data}${grad}`];
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map((r) => `  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`);
  const out = trace.nodes[trace.output];
  return [`computation graph of ${nodeSymbol(out, trace)} (${shown.length} nodes)`, ...lines].join("\n");
}
