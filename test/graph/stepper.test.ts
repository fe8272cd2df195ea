import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { add, matmul, mul, sum, square, sub, tanh, tensor, DISPLAY, type Tensor } from "gradlab";
import { backpropSteps, backpropTrace, type BackpropTrace } from "../../lib/autodiff/trace.js";
import { graph, loadGraphviz } from "../../lib/display/graph/index.js";
import { nodeLabels } from "../../lib/display/graph/node-label.js";
import { stepper, DISPLAY_ID, Stepper } from "../../lib/display/stepper/index.js";
import { stepViews } from "../../lib/display/stepper/model.js";
import { stepperScript } from "../../lib/display/stepper/script.js";
import { net321, refVjp } from "./reference.js";

function lossOf321(): { loss: Tensor; x: Tensor; W1: Tensor } {
  const W1 = tensor(
    [
      [0.2, -0.4, 0.1],
      [0.5, 0.3, -0.2],
    ],
    { requiresGrad: true, name: "W1" },
  );
  const x = tensor([1, 2, -1], { requiresGrad: true, name: "x" });
  const h = tanh(add(matmul(W1, x), tensor([0.1, -0.1], { requiresGrad: true, name: "b1" }))).named("h");
  const y = add(matmul(tensor([[0.7, -0.6]], { requiresGrad: true, name: "W2" }), h), tensor([0.05])).named(
    "y",
  );
  return { loss: sum(square(sub(y, tensor([0.5])))), x, W1 };
}

const refTrace = (): BackpropTrace => {
  const { trace } = net321();
  return { ...trace, steps: backpropSteps(trace, refVjp(trace)) };
};

const sections = (html: string) => html.match(/<section data-step="\d+" data-node="\d+"/g) ?? [];

beforeAll(async () => {
  await loadGraphviz();
});

describe("step model", () => {
  it("has one backward step per node needing a gradient, forward steps per op when asked", () => {
    const bt = refTrace();
    const back = stepViews(bt);
    expect(back).toHaveLength(bt.steps.length);
    const both = stepViews(bt, { forward: true });
    expect(both).toHaveLength(bt.steps.length + bt.nodes.filter((n) => n.inputs.length > 0).length);
    expect(both[0].phase).toBe("forward");
    expect(both.at(-1)!.phase).toBe("backward");
  });

  it("shows products that add up to the next nodes' upstream gradients", () => {
    const bt = refTrace();
    const views = stepViews(bt);
    const sent = new Map<number, number[]>();
    views.forEach((v, k) => {
      if (k > 0) expect(v.main.values).toEqual(sent.get(v.node)!.map((s) => expect.closeTo(s, 12)));
      for (const p of v.pullbacks) {
        const s = sent.get(p.input) ?? new Array<number>(p.product.values.length).fill(0);
        sent.set(
          p.input,
          s.map((a, i) => a + p.product.values[i]),
        );
      }
    });
  });

  it("marks the current node and every node finished before it", () => {
    const views = stepViews(refTrace());
    views.forEach((v, k) => {
      expect(v.highlight.current).toBe(v.node);
      expect(v.highlight.done).toEqual(views.slice(0, k).map((w) => w.node));
      expect([...v.highlight.grads!.keys()].sort()).toEqual(
        [...views.slice(0, k + 1).map((w) => w.node)].sort(),
      );
    });
  });

  it("writes the chain rule with numbers for small vectors", () => {
    const { trace: t, ids } = net321();
    const bt: BackpropTrace = { ...t, steps: backpropSteps(t, refVjp(t)) };
    const views = stepViews(bt);
    const tanhStep = views.find((v) => v.node === ids.h)!;
    const [line0, line1, line2] = tanhStep.pullbacks[0].tex;
    expect(line0).toBe(
      "\\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial h}\\,\\frac{\\partial h}{\\partial z}",
    );
    expect(line1).toMatch(
      /^= \\begin\{bmatrix\}.*\\end\{bmatrix\}\\,\\begin\{bmatrix\}.*\\\\.*\\end\{bmatrix\}$/,
    );
    expect(line2).toMatch(/^= \\begin\{bmatrix\}/);
    // A node used by two ops gets the multivariate chain rule: the sum of both terms.
    const x = tensor([0.5], { requiresGrad: true, name: "x" });
    const sv = stepViews(backpropTrace(add(sum(mul(x, tensor([3]))), sum(tanh(x)))));
    // The unnamed loss is y here (no tensor bears that name), as in graph(): see rootSymbol.
    const xs = sv.find((v) => v.main.title === "∂y/∂x")!;
    expect(xs.tex[0][0]).toContain(" + ");
    expect(sv.filter((v) => v.pullbacks.some((p) => p.accumulates))).toHaveLength(2);
  });
});

describe("stepper(loss)", () => {
  it("ends with the gradients backward() computes", () => {
    const { loss, x, W1 } = lossOf321();
    const s = stepper(loss);
    loss.backward();
    const final = (name: string) => s.views.find((v) => s.trace.nodes[v.node].name === name)!.main.values;
    expect(final("x")).toEqual(Array.from(x.grad!.data).map((g) => expect.closeTo(g, 12)));
    expect(final("W1")).toEqual(Array.from(W1.grad!.data).map((g) => expect.closeTo(g, 12)));
  });

  it("renders every step in the HTML, with the graph defined once and a script scoped to its id", async () => {
    const s = stepper(lossOf321().loss, { id: "gls-test1" });
    const html = await s.html();
    expect(sections(html)).toHaveLength(s.length);
    expect(html.match(/id="gls-test1-graph"/g)).toHaveLength(1);
    expect(html.match(/<use href="#gls-test1-graph"\/>/g)).toHaveLength(s.length);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('[data-gradlab-stepper="gls-test1"]');
    expect(html).toContain("<math");
    // Nothing to fetch: no sources, links or URLs besides XML namespaces.
    expect(html).not.toMatch(/\ssrc=|<link|url\(/);
    expect(html.replace(/xmlns="[^"]*"/g, "")).not.toMatch(/https?:/);
    // Controls exist but stay hidden until the script runs.
    expect(html).toMatch(/data-role="controls" style="display:none/);
  });

  it("defines no globals in its script and refuses ids that could break out of it", () => {
    const script = stepperScript("gls-x");
    expect(script.startsWith("<script>(function () {")).toBe(true);
    expect(script.trimEnd().endsWith("})();</script>")).toBe(true);
    expect(() => stepperScript('x"]);alert(1);//')).toThrow(/invalid id/);
    expect(() => stepper(refTrace(), { id: "a b" })).toThrow(/invalid id/);
  });

  it("gives each stepper its own id", () => {
    const bt = refTrace();
    expect(stepper(bt).id).not.toBe(stepper(bt).id);
  });

  it("has a readable text/plain for each step", () => {
    const s = stepper(refTrace());
    expect(s.text(0)).toMatch(/^Step 1\/13 \(backward\): Start at the loss/);
    const t = s.text(7);
    expect(t).toContain("Backward through tanh");
    expect(t).toMatch(/∂h\/∂z \(local, 2×2\)\s+= \[\[/);
    expect(t).toMatch(/→ z$/m);
  });

  it("moves with next, prev and goto, clamped to the steps", () => {
    const s = stepper(refTrace(), { start: 2 });
    expect(s.step).toBe(2);
    s.next();
    expect(s.step).toBe(3);
    s.prev();
    s.prev();
    expect(s.current).toBe(s.views[1]);
    s.goto(99);
    expect(s.step).toBe(s.length - 1);
    s.goto(-5);
    expect(s.step).toBe(0);
  });
});

describe("kernel-driven stepping", () => {
  type Call = { value: unknown; options?: { id?: string; update?: boolean } };
  const calls: Call[] = [];
  const g = globalThis as { display?: unknown };
  afterEach(() => {
    delete g.display;
    calls.length = 0;
  });
  const fakeDisplay = () => {
    g.display = (value: unknown, options?: Call["options"]) => {
      calls.push({ value, options });
      return { id: options?.id ?? "random" };
    };
  };

  it("updates the displayed output in place under its own display id", async () => {
    fakeDisplay();
    const s = stepper(refTrace());
    expect((s as unknown as Record<symbol, unknown>)[DISPLAY_ID]).toBe(s.id);
    s.next(); // not shown yet: nothing to update
    expect(calls).toHaveLength(0);
    s.show();
    expect(calls[0].options).toEqual({ id: s.id });
    s.next();
    s.next();
    expect(calls.slice(1).map((c) => c.options)).toEqual([
      { id: s.id, update: true },
      { id: s.id, update: true },
    ]);
    const bundle = await (calls[2].value as Stepper)[DISPLAY]();
    expect(bundle["text/html"]).toContain(`data-start="3"`);
    expect(bundle["text/plain"]).toMatch(/step 4 of 13/);
  });

  it("updates after a plain display(s) too (the bundle was asked for)", async () => {
    fakeDisplay();
    const s = stepper(refTrace());
    await s[DISPLAY]();
    s.goto(5);
    expect(calls).toEqual([{ value: s, options: { id: s.id, update: true } }]);
  });

  it("plays to the end", async () => {
    fakeDisplay();
    const s = stepper(refTrace());
    s.show();
    await s.play({ delayMs: 0 });
    expect(s.step).toBe(s.length - 1);
    expect(calls).toHaveLength(s.length);
  });

  it("says where show() works when there is no kernel", () => {
    expect(() => stepper(refTrace()).show()).toThrow(/no display\(\) here/);
  });
});

describe("sections", () => {
  it("count matches for the forward option", async () => {
    const s = stepper(refTrace(), { forward: true, id: "gls-fw" });
    expect(sections(await s.html())).toHaveLength(s.length);
    expect(s.views.filter((v) => v.phase === "forward")).toHaveLength(8);
  });
});

describe("limits", () => {
  it("refuses a backward pass too long for a page, saying how to allow it", () => {
    let y = tensor([0.5], { requiresGrad: true });
    for (let i = 0; i < 400; i++) y = tanh(y);
    expect(() => stepper(sum(y))).toThrow(/402 steps, more than maxSteps \(300\)/);
    expect(stepper(sum(y), { maxSteps: 500 }).length).toBe(402);
  });
});

describe("one symbol for the traced tensor in graph() and stepper()", () => {
  beforeAll(async () => {
    await loadGraphviz();
  });

  it("calls an unnamed output y in the graph's title, card and text, and in the stepper's formulas", async () => {
    const x = tensor([0.5, -1], { requiresGrad: true, name: "x" });
    const y = sum(tanh(x));
    const g = graph(y);
    expect(g.text().split("\n")[0]).toBe("computation graph of y (3 nodes)");
    expect(g.text()).toContain("y = sum(");
    const out = nodeLabels(g.trace)[g.trace.output];
    expect(out).toMatchObject({ title: "y", tag: "sum" });
    expect(await g.svg()).toContain("computation graph of y");
    const s = stepper(y);
    expect(s.views[0].title).toContain("∂y/∂y = 1");
    expect(s.views.map((v) => v.main.title)).toContain("∂y/∂x");
    expect(s.views.flatMap((v) => v.tex.flat()).join(" ")).toContain("\\partial y}");
    expect(s.views.flatMap((v) => v.tex.flat()).join(" ")).not.toMatch(/\\partial L\b|v_\{2\}/);
    expect(await s.html()).toContain(">y<");
  });

  it("uses L for an unnamed loss when a tensor is already named y, in both", () => {
    const { loss } = lossOf321();
    const t = backpropTrace(loss);
    const s = stepper(t);
    expect(s.views[0].main.title).toBe("∂L/∂L");
    expect(s.text(0)).toContain("∂L/∂L");
    expect(graph(t).text().split("\n")[0]).toMatch(/^computation graph of L /);
    expect(graph(t).text()).toMatch(/\n {2}L += sum\(/);
  });
});
