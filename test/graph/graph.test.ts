import { beforeAll, describe, expect, it } from "vitest";
import { DOMParser, onWarningStopParsing, type Element } from "@xmldom/xmldom";
import { add, linear, matmul, sigmoid, sum, tanh, tensor, DISPLAY } from "gradlab";
import { backpropSteps, trace, type Trace } from "../../lib/autodiff/trace.js";
import { graph, loadGraphviz } from "../../lib/display/graph/index.js";
import { formatNumber, nestedString, shapeString, summarize } from "../../lib/display/graph/format.js";
import {
  layoutWith,
  parseLayout,
  toDot,
  type GraphLayout,
  type NodeBox,
} from "../../lib/display/graph/layout.js";
import { nodeLabels } from "../../lib/display/graph/node-label.js";
import { renderGraphSvg } from "../../lib/display/graph/svg.js";
import { net321, refVjp } from "./reference.js";

const parseSvg = (svg: string) =>
  new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, "image/svg+xml");
const byClass = (root: Element, cls: string) =>
  Array.from(root.getElementsByTagName("g")).filter((g) =>
    (g.getAttribute("class") ?? "").split(" ").includes(cls),
  );

function overlaps(a: NodeBox, b: NodeBox): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function withGrads(t: Trace): Trace {
  const steps = backpropSteps(t, refVjp(t));
  const up = new Map(steps.map((s) => [s.node, s.upstream]));
  return { ...t, nodes: t.nodes.map((n) => (up.has(n.id) ? { ...n, grad: up.get(n.id) } : n)) };
}

describe("format", () => {
  it.each([
    [0.123456, "0.123"],
    [-2, "-2"],
    [0, "0"],
    [12345.6, "12346"],
    [0.0000123, "1.23e-5"],
    [2.5e7, "2.5e7"],
    [NaN, "NaN"],
    [-Infinity, "-∞"],
  ])("formatNumber(%s) = %s", (x, s) => expect(formatNumber(x)).toBe(s));

  it("writes values in nested brackets, or mean and deviation when there are many", () => {
    expect(nestedString([1, 2, 3, 4, 5, 6], [2, 3])).toBe("[[1, 2, 3], [4, 5, 6]]");
    expect(nestedString([7], [])).toBe("7");
    expect(summarize([1, 3, 1, 3, 1, 3, 1, 3], [8])).toBe("μ 2 σ 1");
    expect(shapeString([])).toBe("scalar");
    expect(shapeString([2, 3])).toBe("2×3");
  });
});

describe("graph layout and SVG", () => {
  let layout: (t: Trace, rankdir?: "TB" | "LR") => GraphLayout;
  beforeAll(async () => {
    const g = await loadGraphviz();
    layout = (t, rankdir = "TB") => layoutWith(g, t, nodeLabels(t), { rankdir });
  });

  it("asks Graphviz for one fixed-size box per drawn node and one edge per argument", () => {
    const z = tensor([1, 2], { requiresGrad: true, name: "z" });
    const t = trace(sum(sigmoid(z)), { composites: "expand" });
    const labels = nodeLabels(t);
    const dot = toDot(t, labels);
    const drawn = labels.filter((l) => !l.hidden);
    expect(drawn.length).toBeLessThan(t.nodes.length); // sigmoid's 0.5 constants are folded into labels
    expect(dot.match(/^ {2}n\d+ \[width=/gm)).toHaveLength(drawn.length);
    expect(dot.match(/->/g)).toHaveLength(t.edges.filter((e) => !labels[e.from].hidden).length);
    expect(labels.map((l) => l.title)).toContain("mul(·, 0.5)");
  });

  it("places every card without overlap, inputs above the ops using them (TB) or left of them (LR)", () => {
    const t = net321().trace;
    for (const rankdir of ["TB", "LR"] as const) {
      const l = layout(t, rankdir);
      const boxes = l.nodes.filter((b): b is NodeBox => b !== undefined);
      expect(boxes).toHaveLength(t.nodes.length);
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i], boxes[j])).toBe(false);
      for (const e of l.edges) {
        const [a, b] = [l.nodes[e.from]!, l.nodes[e.to]!];
        if (rankdir === "TB") expect(a.y + a.height).toBeLessThanOrEqual(b.y + 0.5);
        else expect(a.x + a.width).toBeLessThanOrEqual(b.x + 0.5);
        // The arrow ends on the target card's border.
        expect(e.tip[0]).toBeGreaterThanOrEqual(b.x - 1);
        expect(e.tip[0]).toBeLessThanOrEqual(b.x + b.width + 1);
        expect(e.tip[1]).toBeGreaterThanOrEqual(b.y - 1);
        expect(e.tip[1]).toBeLessThanOrEqual(b.y + b.height + 1);
      }
      for (const b of boxes) {
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(l.width);
        expect(b.y + b.height).toBeLessThanOrEqual(l.height);
      }
      expect(l.edges).toHaveLength(t.edges.length);
    }
  });

  it("reads Graphviz's json0 with y pointing down", () => {
    const t: Trace = {
      nodes: [
        { id: 0, op: "leaf", shape: [], dtype: "float64", value: [1], requiresGrad: true, inputs: [] },
        { id: 1, op: "neg", shape: [], dtype: "float64", value: [-1], requiresGrad: true, inputs: [0] },
      ],
      edges: [{ from: 0, to: 1, arg: 0 }],
      output: 1,
    };
    const json = JSON.stringify({
      bb: "0,0,100,200",
      objects: [
        { name: "n0", pos: "50,170", width: "1", height: "0.5" },
        { name: "n1", pos: "50,30", width: "1", height: "0.5" },
      ],
      edges: [{ id: "e0", pos: "e,50,48 50,152 50,120 50,80 50,60" }],
    });
    const l = parseLayout(json, t);
    expect(l.nodes[0]).toMatchObject({ x: 24, y: 22, width: 72, height: 36 }); // 10 px margin
    expect(l.nodes[1]!.y).toBeGreaterThan(l.nodes[0]!.y);
    expect(l.edges[0]).toMatchObject({ from: 0, to: 1, tip: [60, 162] });
  });

  it("draws valid SVG with a card per node, names, data and grads, escaping user text", () => {
    const t = withGrads(net321().trace);
    const nodes = t.nodes.map((n) => (n.name === "t" ? { ...n, name: "<t & 'u'>" } : n));
    const tt = { ...t, nodes };
    const svg = renderGraphSvg(nodeLabels(tt), layout(tt), { title: "graph of L" });
    const doc = parseSvg(svg);
    const root = doc.documentElement!;
    expect(root.tagName).toBe("svg");
    expect(byClass(root, "gl-node")).toHaveLength(t.nodes.length);
    expect(byClass(root, "gl-edge")).toHaveLength(t.edges.length);
    const texts = Array.from(root.getElementsByTagName("text")).map((e) => e.textContent);
    expect(texts).toContain("W1");
    expect(texts).toContain("<t & 'u'>");
    expect(svg).not.toContain("<t &");
    // x's grad from the reference backward pass is printed in its card.
    const xGrad = t.nodes.find((n) => n.name === "x")!.grad!;
    expect(texts).toContain(summarize(xGrad, [3]));
    expect(Array.from(root.getElementsByTagName("script"))).toHaveLength(0);
  });
});

describe("graph(y)", () => {
  it("is a displayable whose bundle has SVG, HTML and text, synchronous once Graphviz is loaded", async () => {
    const W = tensor([[1, -2]], { requiresGrad: true, name: "W" });
    const y = sum(tanh(add(matmul(W, tensor([0.5, 0.25])), tensor([0.1]))));
    const g = graph(y);
    const first = await g[DISPLAY]();
    expect(Object.keys(first).sort()).toEqual(["image/svg+xml", "text/html", "text/plain"]);
    expect(first["text/html"]).toContain(first["image/svg+xml"] as string);
    expect(first["text/plain"]).toMatch(/^computation graph of y \(\d+ nodes\)\n/);
    expect(first["text/plain"]).toContain("= matmul(W, v1)");
    const again = g[DISPLAY]();
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as Record<string, unknown>)["image/svg+xml"]).toBe(first["image/svg+xml"]);
  });

  it("writes transposed matmul operands (linear's x·Wᵀ) with ᵀ", () => {
    const W = tensor([[1, 2, 3]], { requiresGrad: true, name: "W" });
    const y = sum(linear(tensor([1, 0, 2], { name: "x", requiresGrad: true }), W));
    expect(graph(y).text()).toMatch(/= linear\(x, W\)/); // the composite, as one node
    expect(graph(trace(y, { composites: "expand" })).text()).toMatch(/= matmul\(x, Wᵀ\)/);
  });

  it("shows grads once backward() has run, and accepts a trace", async () => {
    const x = tensor([0.3, -0.2], { requiresGrad: true, name: "x" });
    const y = sum(tanh(x));
    const before = await graph(y).svg();
    y.backward();
    const after = await graph(trace(y)).svg();
    expect(before).not.toContain(">grad<");
    expect(after).toContain(">grad<");
    expect(after).toContain(summarize(Array.from(x.grad!.data), [2]));
  });
});

describe("graph limits", () => {
  it("refuses a graph too large to lay out, saying how to allow it", () => {
    let y = tensor([0.5], { requiresGrad: true });
    for (let i = 0; i < 30; i++) y = tanh(y);
    expect(() => graph(y, { maxNodes: 20 })).toThrow(/31 nodes is more than maxNodes \(20\)/);
  });
});
