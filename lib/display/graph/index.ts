/**
 * `graph(y)`: the computation graph behind a tensor as a picture (SVG laid out by Graphviz).
 */
import type { Graphviz } from "@hpcc-js/wasm-graphviz";
import { isTrace, trace, type Trace } from "../../autodiff/trace.js";
import type { Tensor } from "../../tensor/tensor.js";
import { DISPLAY, type Displayable, type MimeBundle } from "../view.js";
import { layoutWith, loadGraphviz, loadedGraphviz, type LayoutOptions } from "./layout.js";
import { nodeLabels, nodeSymbol } from "./node-label.js";
import { renderGraphSvg } from "./svg.js";
import { graphText } from "./text.js";

export { loadGraphviz } from "./layout.js";
export type { RankDir, LayoutOptions } from "./layout.js";

export interface GraphOptions extends LayoutOptions {
  /** Refuse graphs with more cards than this (Graphviz's layout time grows fast). Default 1000. */
  maxNodes?: number;
  /** Accessible title of the picture (default: "computation graph of <output>"). */
  title?: string;
}

/**
 * A computation graph that displays itself as SVG; made by `graph(y)`.
 * @example const g = graph(loss); await g.svg()
 */
export class GraphView implements Displayable {
  constructor(
    readonly trace: Trace,
    readonly options: GraphOptions = {},
  ) {}

  /**
   * The SVG drawn with a loaded Graphviz (synchronous).
   * @example graph(loss).svgWith(await loadGraphviz())
   */
  svgWith(graphviz: Graphviz): string {
    const labels = nodeLabels(this.trace);
    const layout = layoutWith(graphviz, this.trace, labels, this.options);
    const title =
      this.options.title ??
      `computation graph of ${nodeSymbol(this.trace.nodes[this.trace.output], this.trace)}`;
    return renderGraphSvg(labels, layout, { title });
  }

  /**
   * The SVG document of the graph.
   * @example await graph(loss).svg() // "<svg …>…</svg>"
   */
  async svg(): Promise<string> {
    return this.svgWith(await loadGraphviz());
  }

  /**
   * text/plain: one line per node.
   * @example console.log(graph(loss).text())
   */
  text(): string {
    return graphText(this.trace);
  }

  /** The bundle: synchronous once Graphviz has loaded (see `loadGraphviz`), else a promise. */
  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    const graphviz = loadedGraphviz();
    return graphviz ? this.bundle(this.svgWith(graphviz)) : this.svg().then((svg) => this.bundle(svg));
  }

  private bundle(svg: string): MimeBundle {
    return {
      "image/svg+xml": svg,
      "text/html": `<div class="gradlab-graph" style="overflow-x:auto;max-width:100%">${svg}</div>`,
      "text/plain": this.text(),
    };
  }
}

/**
 * The computation graph behind `y` (or a trace): one card per tensor op showing op, shape, data and grad
 * (after `backward()`), user-named tensors by name, laid out top to bottom by Graphviz (`{ rankdir: "LR" }`: left to right).
 * @example
 * const W = tensor([[1, 2]], { requiresGrad: true, name: "W" });
 * const y = tanh(matmul(W, tensor([3, 4])));
 * graph(y) // displays the graph; `await graph(y).svg()` gives the SVG text
 */
export function graph(y: Tensor | Trace, options: GraphOptions = {}): GraphView {
  const t = isTrace(y) ? y : trace(y);
  const max = options.maxNodes ?? 1000;
  if (t.nodes.length > max) {
    throw new RangeError(
      `graph: ${t.nodes.length} nodes is more than maxNodes (${max}); draw a smaller expression, or pass { maxNodes }`,
    );
  }
  return new GraphView(t, options);
}
