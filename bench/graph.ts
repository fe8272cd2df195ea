/**
 * Computation-graph pictures: how long `graph(loss)` and `stepper(loss)` take for a 4-layer MLP's loss
 * (target: graph layout under 200 ms after warm-up), split into trace, Graphviz layout and our SVG drawing.
 * The anchor, in the same run: Graphviz rendering its own SVG of the same DOT source (what a plain
 * "dot -Tsvg" pipeline costs), so the table shows what our layout-then-draw path adds.
 *
 * Run: npm run bench:graph   (medians of --runs N, default 30)
 */
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { DISPLAY, linear, mean, randn, square, sub, tanh, type Tensor } from "../lib/index.js";
import { backpropTrace, trace } from "../lib/autodiff/trace.js";
import { graph, loadGraphviz } from "../lib/display/graph/index.js";
import { layoutWith, toDot } from "../lib/display/graph/layout.js";
import { nodeLabels } from "../lib/display/graph/node-label.js";
import { renderGraphSvg } from "../lib/display/graph/svg.js";
import { stepper } from "../lib/display/stepper/index.js";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 30;

/** An MLP with `sizes` layers (tanh between), mean squared error on a batch. */
function mlpLoss(sizes: number[], batch: number): Tensor {
  let h = randn([batch, sizes[0]], { seed: 1 }).named("x");
  for (let l = 1; l < sizes.length; l++) {
    const W = randn([sizes[l], sizes[l - 1]], { seed: 10 + l, requiresGrad: true, name: `W${l}` });
    const b = randn([sizes[l]], { seed: 20 + l, requiresGrad: true, name: `b${l}` });
    const z = linear(h, W, b);
    h = l < sizes.length - 1 ? tanh(z).named(`h${l}`) : z.named("y");
  }
  return mean(square(sub(h, randn([batch, sizes.at(-1)!], { seed: 2 }).named("t")))).named("L");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const gv = await loadGraphviz();
  const loadMs = performance.now() - t0;
  const anchor = await Graphviz.load();

  const mlp = mlpLoss([16, 32, 32, 32, 4], 8);
  const t = trace(mlp);
  const labels = nodeLabels(t);
  const dot = toDot(t, labels);
  const layout = layoutWith(gv, t, labels);
  const drawn = labels.filter((l) => !l.hidden).length;

  const rows: [string, number, string][] = [];
  const tTrace = time(() => trace(mlp));
  const tLayout = time(() => layoutWith(gv, t, labels));
  const tDraw = time(() => renderGraphSvg(labels, layout));
  const tGraph = time(() => graph(mlp)[DISPLAY]());
  const tAnchor = time(() => anchor.layout(dot, "svg", "dot"));
  rows.push(["trace(loss)", tTrace, ""]);
  rows.push(["Graphviz layout (json0) of the trace", tLayout, ""]);
  rows.push(["our SVG drawing", tDraw, ""]);
  rows.push([
    "graph(loss) bundle, total",
    tGraph,
    `${(tGraph / tAnchor).toFixed(2)}× anchor; target < 200 ms`,
  ]);
  rows.push(["anchor: Graphviz's own SVG of the same DOT", tAnchor, "1.00×"]);

  const bt = backpropTrace(mlp);
  const tBackprop = time(() => backpropTrace(mlp));
  const s = stepper(bt);
  const html = await s.html();
  const tStepper = time(() => stepper(bt).html());
  rows.push(["backpropTrace(loss) (steps, Jacobians ≤ 1024)", tBackprop, ""]);
  rows.push([
    `stepper(loss).html(): ${s.length} steps`,
    tStepper,
    `${(html.length / 1024).toFixed(0)} KiB of HTML`,
  ]);

  const small = mlpLoss([3, 2, 1], 1);
  const smallHtml = await stepper(small).html();
  rows.push([
    "stepper of the 3-2-1 net, .html()",
    time(() => stepper(small).html()),
    `${(smallHtml.length / 1024).toFixed(0)} KiB of HTML`,
  ]);

  console.log(`gradlab bench:graph · Node ${process.version} · medians of ${runs} runs after 3 warm-up runs`);
  console.log(
    `4-layer MLP 16-32-32-32-4, batch 8, MSE loss: ${t.nodes.length} trace nodes, ${drawn} cards, ${t.edges.length} edges`,
  );
  console.log(
    `first Graphviz load (WebAssembly instantiate): ${loadMs.toFixed(1)} ms (once per process; warm it with loadGraphviz())\n`,
  );
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"what".padEnd(w)}  ${"median ms".padStart(10)}  note`);
  for (const [what, ms, note] of rows)
    console.log(`${what.padEnd(w)}  ${ms.toFixed(2).padStart(10)}  ${note}`);
  const ok = tGraph < 200;
  console.log(
    `\ngraph layout of the 4-layer MLP: ${tGraph.toFixed(1)} ms ${ok ? "<" : "≥"} 200 ms target: ${ok ? "met" : "NOT met"}`,
  );
}

await main();
