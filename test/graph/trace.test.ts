import { describe, expect, it } from "vitest";
import {
  add,
  flatten,
  jacobian,
  localJacobian,
  nn,
  relu,
  softmax,
  matmul,
  mean,
  mul,
  sigmoid,
  square,
  sub,
  sum,
  tanh,
  tensor,
  unsqueeze,
  type Tensor,
} from "gradlab";
import {
  backpropSteps,
  backpropTrace,
  trace,
  type BackpropTrace,
  type Trace,
} from "../../lib/autodiff/trace.js";
import { evaluate, net321, refVjp } from "./reference.js";

/** The lecture's 3-2-1 network on gradlab tensors: returns the loss and the named tensors. */
function net(): { loss: Tensor; W1: Tensor; x: Tensor; b1: Tensor; W2: Tensor; b2: Tensor } {
  const W1 = tensor(
    [
      [0.2, -0.4, 0.1],
      [0.5, 0.3, -0.2],
    ],
    { requiresGrad: true, name: "W1" },
  );
  const x = tensor([1, 2, -1], { requiresGrad: true, name: "x" });
  const b1 = tensor([0.1, -0.1], { requiresGrad: true, name: "b1" });
  const W2 = tensor([[0.7, -0.6]], { requiresGrad: true, name: "W2" });
  const b2 = tensor([0.05], { requiresGrad: true, name: "b2" });
  const h = tanh(add(matmul(W1, x), b1)).named("h");
  const y = add(matmul(W2, h), b2).named("y");
  const loss = sum(square(sub(y, tensor([0.5]))));
  return { loss, W1, x, b1, W2, b2 };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
};

/** Every node's upstream equals the sum of the products sent to it by the ops using it. */
function expectProductsChain(bt: BackpropTrace): void {
  const arrived = new Map<number, number[]>();
  for (const step of bt.steps) {
    const up = step.upstream;
    if (step.node !== bt.output) close(up, arrived.get(step.node)!);
    for (const p of step.pullbacks) {
      const sum = arrived.get(p.input) ?? new Array<number>(p.product.length).fill(0);
      arrived.set(
        p.input,
        sum.map((s, k) => s + p.product[k]),
      );
    }
  }
}

/** upstream (as a row) times the local Jacobian is the product, wherever the Jacobian was formed. */
function expectProductIsUpstreamTimesJacobian(bt: BackpropTrace): number {
  let checked = 0;
  for (const step of bt.steps) {
    for (const p of step.pullbacks) {
      if (!p.jacobian) continue;
      const m = step.upstream.length;
      const n = p.product.length;
      const vJ = Array.from({ length: n }, (_, j) =>
        step.upstream.reduce((s, u, i) => s + u * p.jacobian![i * n + j], 0),
      );
      close(p.product, vJ, 1e-12);
      expect(p.jacobian.length).toBe(m * n);
      checked++;
    }
  }
  return checked;
}

describe("trace of gradlab tensors", () => {
  it("has one node per op the user wrote, in depth-first topological order", () => {
    const { loss } = net();
    const t = trace(loss);
    const ops = t.nodes.map((n) => n.name ?? n.op);
    // matmul(W, x) reshapes x to a column and the result back: those reshapes are merged away.
    expect(ops).toEqual([
      "W2",
      "W1",
      "x",
      "matmul",
      "b1",
      "add",
      "h",
      "matmul",
      "b2",
      "y",
      "leaf",
      "sub",
      "mul",
      "sum",
    ]);
    expect(t.output).toBe(t.nodes.length - 1);
    for (const n of t.nodes) for (const i of n.inputs) expect(i).toBeLessThan(n.id);
    expect(t.edges.length).toBe(t.nodes.reduce((s, n) => s + n.inputs.length, 0));
    expect(t.nodes[3].shape).toEqual([2]); // the merged matmul shows the user's shape, not [2, 1]
    expect(t.nodes[12].inputs).toEqual([11, 11]); // square(d) = mul(d, d): the same input twice
  });

  it("is deterministic and copies values at call time", () => {
    const { loss } = net();
    expect(JSON.stringify(trace(loss))).toBe(JSON.stringify(trace(loss)));
    const t = trace(loss);
    expect(t.nodes.find((n) => n.name === "x")!.value).toEqual([1, 2, -1]);
    expect(t.nodes[t.output].grad).toBeUndefined();
  });

  it("keeps every primitive with { raw: true }", () => {
    const { loss } = net();
    const raw = trace(loss, { raw: true });
    expect(raw.nodes.filter((n) => n.op === "reshape").length).toBe(4);
    expect(raw.nodes.length).toBe(trace(loss).nodes.length + 4);
  });

  it("copies .grad after backward(), equal to the backprop steps' final gradients", () => {
    const { loss, W1, x, b1, W2, b2 } = net();
    const bt = backpropTrace(loss);
    loss.backward();
    const after = trace(loss);
    const upstream = new Map(bt.steps.map((s) => [s.node, s.upstream]));
    for (const [name, leaf] of Object.entries({ W1, x, b1, W2, b2 })) {
      const node = after.nodes.find((n) => n.name === name)!;
      close(node.grad!, leaf.grad!.data);
      close(upstream.get(node.id)!, leaf.grad!.data);
    }
    // Intermediate tensors keep .grad too (as in micrograd): every step's upstream equals it.
    for (const step of bt.steps) close(step.upstream, after.nodes[step.node].grad!);
  });

  it("walks a very deep graph without recursion", () => {
    let y = tensor([0.5], { requiresGrad: true });
    for (let i = 0; i < 12_000; i++) y = mul(y, 1);
    const t = trace(sum(y));
    expect(t.nodes.filter((n) => n.op === "mul").length).toBe(12_000);
    const bt = backpropTrace(sum(y), { maxJacobian: 0 });
    expect(bt.steps.length).toBe(12_002);
    expect(bt.steps.at(-1)!.upstream).toEqual([1]);
  });

  it("merges only reshapes that add or drop unit axes; a flatten stays a node", () => {
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, name: "W" },
    );
    const flat = trace(sum(flatten(mul(W, W))));
    expect(flat.nodes.map((n) => n.op)).toEqual(["leaf", "mul", "reshape", "sum"]);
    const v = tensor([1, 2], { requiresGrad: true, name: "v" });
    const col = trace(sum(tanh(unsqueeze(v, 1)))); // [2] → [2, 1]: an alias of v
    expect(col.nodes.map((n) => n.name ?? n.op)).toEqual(["v", "tanh", "sum"]);
    expect(col.nodes[1].shape).toEqual([2, 1]);
    // The product into the alias flows to v itself, flattened in the same order.
    const bt = backpropTrace(sum(tanh(unsqueeze(v, 1))));
    const tanhStep = bt.steps.find((s) => bt.nodes[s.node].op === "tanh")!;
    expect(tanhStep.pullbacks[0]).toMatchObject({ input: 0 });
    expect(tanhStep.pullbacks[0].product).toHaveLength(2);
  });

  it("traces a leaf as one node", () => {
    const t = trace(tensor([1, 2], { name: "a" }));
    expect(t.nodes).toHaveLength(1);
    expect(t.nodes[0]).toMatchObject({ op: "leaf", name: "a", inputs: [], requiresGrad: false });
  });

  it("refuses what is not a tensor", () => {
    expect(() => trace([1, 2] as unknown as Tensor)).toThrow(/trace: expected a tensor, got an array/);
  });
});

describe("backpropTrace", () => {
  it("starts at the loss with upstream 1 and visits every node after all ops that use it", () => {
    const { loss } = net();
    const bt = backpropTrace(loss);
    expect(bt.steps[0]).toMatchObject({ node: bt.output, upstream: [1] });
    const position = new Map(bt.steps.map((s, k) => [s.node, k]));
    for (const e of bt.edges) {
      if (!bt.nodes[e.from].requiresGrad) continue;
      expect(position.get(e.from)!).toBeGreaterThan(position.get(e.to)!);
    }
    // Every node that needs a gradient has exactly one step; constants have none.
    expect(bt.steps.length).toBe(bt.nodes.filter((n) => n.requiresGrad).length);
  });

  it("finishes a leaf right after the op that completes its gradient", () => {
    const bt = backpropTrace(net().loss);
    const names = bt.steps.map((s) => bt.nodes[s.node].name ?? bt.nodes[s.node].op);
    expect(names).toEqual([
      "sum",
      "mul",
      "sub",
      "y",
      "b2",
      "matmul",
      "W2",
      "h",
      "add",
      "b1",
      "matmul",
      "x",
      "W1",
    ]);
  });

  it("chains: each node's upstream is the sum of the products that arrived at it", () => {
    const { loss } = net();
    expectProductsChain(backpropTrace(loss));
    // A node used twice (d in d·d, and x in x·x + x) sums its terms.
    const x = tensor([0.3, -1.2], { requiresGrad: true, name: "x" });
    const bt = backpropTrace(sum(add(mul(x, x), x)));
    expectProductsChain(bt);
    const xs = bt.steps.find((s) => bt.nodes[s.node].name === "x")!;
    close(xs.upstream, [2 * 0.3 + 1, 2 * -1.2 + 1]);
  });

  it("forms local Jacobians that equal gradlab's localJacobian, and product = upstream · J", () => {
    const { loss } = net();
    const bt = backpropTrace(loss);
    expect(expectProductIsUpstreamTimesJacobian(bt)).toBeGreaterThan(8);
    // tanh: diag(1 - h²), computed independently here.
    const tanhStep = bt.steps.find((s) => bt.nodes[s.node].name === "h")!;
    const h = bt.nodes[tanhStep.node].value;
    expect(tanhStep.pullbacks[0].jacobian).toEqual(
      [1 - h[0] ** 2, 0, 0, 1 - h[1] ** 2].map((v) => expect.closeTo(v, 12)),
    );
    // Expanded, sigmoid's chain of primitives matches gradlab's own localJacobian per node.
    const z = tensor([0.4, -0.7], { requiresGrad: true });
    const s = sigmoid(z);
    const sbt = backpropTrace(sum(s), { composites: "expand" });
    const last = sbt.steps[1]; // the add that ends sigmoid
    const J = localJacobian(s, 0)!;
    close(last.pullbacks[0].jacobian!, J.data);
  });

  it("leaves out Jacobians larger than maxJacobian but still sends the products", () => {
    const W = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const bt = backpropTrace(mean(tanh(matmul(W, tensor([1, 0, -1])))), { maxJacobian: 4 });
    const mm = bt.steps.find((s) => bt.nodes[s.node].op === "matmul")!;
    expect(mm.pullbacks[0].jacobian).toBeUndefined(); // 2 × 6 > 4
    expect(mm.pullbacks[0].product).toHaveLength(6);
    expectProductsChain(bt);
  });

  it("says what is wrong with a non-scalar loss or one without gradients", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => backpropTrace(tanh(x))).toThrow(/loss must be a scalar, got shape \[2\]/);
    expect(() => backpropTrace(sum(tensor([1, 2])))).toThrow(
      /does not depend on any tensor with requiresGrad/,
    );
  });
});

describe("backpropSteps on an independent float64 reference", () => {
  const { trace: t, ids } = net321();
  const bt: BackpropTrace = { ...t, steps: backpropSteps(t, refVjp(t)) };

  it("gives leaf gradients equal to central differences of the loss", () => {
    for (const leaf of [ids.W1, ids.x, ids.b1, ids.W2, ids.b2]) {
      const step = bt.steps.find((s) => s.node === leaf)!;
      const v = t.nodes[leaf].value;
      const eps = 1e-6;
      const fd = v.map((_, k) => {
        const plus = [...v];
        const minus = [...v];
        plus[k] += eps;
        minus[k] -= eps;
        return (evaluate(t, leaf, plus)[0] - evaluate(t, leaf, minus)[0]) / (2 * eps);
      });
      close(step.upstream, fd, 1e-8);
    }
  });

  it("chains and multiplies like the tape does", () => {
    expectProductsChain(bt);
    expect(expectProductIsUpstreamTimesJacobian(bt)).toBeGreaterThan(8);
  });

  it("is a pure function of the trace", () => {
    const again: Trace = JSON.parse(JSON.stringify(t));
    expect(backpropSteps(again, refVjp(again))).toEqual(bt.steps);
  });
});

/** The lecture's y = σ(W2 · tanh(W1 x + b1) + b2), with x a named input. */
function lectureNet(xGrad: boolean) {
  const W1 = tensor(
    [
      [0.2, -0.4, 0.1],
      [0.5, 0.3, -0.2],
    ],
    { requiresGrad: true, name: "W1" },
  );
  const x = tensor([1, 2, -1], { requiresGrad: xGrad, name: "x" });
  const b1 = tensor([0.1, -0.1], { requiresGrad: true, name: "b1" });
  const W2 = tensor([[0.7, -0.6]], { requiresGrad: true, name: "W2" });
  const b2 = tensor([0.05], { requiresGrad: true, name: "b2" });
  const y = sigmoid(add(matmul(W2, tanh(add(matmul(W1, x), b1))), b2));
  return { y, leaves: { W1, x, b1, W2, b2 } };
}

/** Every leaf's last upstream in the steps equals its .grad after backward(). */
function expectFinalGradsOfBackward(bt: BackpropTrace, loss: Tensor, leaves: Record<string, Tensor>): void {
  loss.backward();
  for (const [name, leaf] of Object.entries(leaves)) {
    if (!leaf.requiresGrad) continue;
    const node = bt.nodes.find((n) => n.name === name)!;
    close(bt.steps.find((st) => st.node === node.id)!.upstream, leaf.grad!.data);
  }
}

describe("composite ops as one node", () => {
  it("draws the lecture's net as matmul, add, tanh, matmul, add, sigmoid over W1, b1, W2, b2, x", () => {
    const { y } = lectureNet(true);
    const t = trace(y);
    expect(t.nodes.filter((n) => n.inputs.length > 0).map((n) => n.op)).toEqual([
      "matmul",
      "add",
      "tanh",
      "matmul",
      "add",
      "sigmoid",
    ]);
    const leaves = t.nodes.filter((n) => n.inputs.length === 0).map((n) => n.name);
    expect(leaves.sort()).toEqual(["W1", "W2", "b1", "b2", "x"]);
    const sig = t.nodes[t.output];
    expect(sig).toMatchObject({ op: "sigmoid", shape: [1], primitives: ["mul", "tanh", "mul", "add"] });
    expect(sig.inputs).toHaveLength(1); // its 0.5 constants are inside it
    expect(t.nodes[sig.inputs[0]].op).toBe("add");
  });

  it("keeps the chain exact: products chain, product = upstream · J, final grads = backward()", () => {
    const { y, leaves } = lectureNet(true);
    const bt = backpropTrace(y);
    expectProductsChain(bt);
    expect(expectProductIsUpstreamTimesJacobian(bt)).toBeGreaterThanOrEqual(8);
    expectFinalGradsOfBackward(bt, y, leaves);
  });

  it("gives the composite's own Jacobian: sigmoid's is diag(σ(1 − σ)), pulled through its primitives", () => {
    const z = tensor([0.4, -0.7, 2.5], { requiresGrad: true, name: "z" });
    const bt = backpropTrace(sum(sigmoid(z)));
    const step = bt.steps.find((st) => bt.nodes[st.node].op === "sigmoid")!;
    const sv = [0.4, -0.7, 2.5].map((v) => 1 / (1 + Math.exp(-v)));
    const diag = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? sv[i] * (1 - sv[i]) : 0)));
    close(step.pullbacks[0].jacobian!, diag, 1e-12);
    // …and gradlab's jacobian transform agrees.
    close(step.pullbacks[0].jacobian!, jacobian((v: Tensor) => sigmoid(v), z).data, 1e-12);
  });

  it('shows the primitives with { composites: "expand" } or { raw: true }, with the same final grads', () => {
    const { y } = lectureNet(true);
    const ops = (o: object) =>
      trace(y, o)
        .nodes.filter((n) => n.inputs.length > 0)
        .map((n) => n.op);
    expect(ops({ composites: "expand" }).slice(-4)).toEqual(["mul", "tanh", "mul", "add"]);
    expect(ops({ raw: true })).toContain("reshape");
    expect(ops({ raw: true }).slice(-4)).toEqual(["mul", "tanh", "mul", "add"]);
    const grouped = backpropTrace(y);
    const expanded = backpropTrace(y, { composites: "expand" });
    expectProductsChain(expanded);
    for (const name of ["W1", "x", "b1", "W2", "b2"]) {
      const last = (bt: BackpropTrace) => bt.steps.find((st) => bt.nodes[st.node].name === name)!.upstream;
      close(last(grouped), last(expanded));
    }
  });

  it("groups nested scopes at the outermost composite (crossEntropy/logSoftmax/logsumexp)", () => {
    const logits = tensor(
      [
        [1, -0.5, 2],
        [0.3, 0.2, -1],
      ],
      { requiresGrad: true, name: "logits" },
    );
    const loss = nn.crossEntropy(logits, [2, 0]);
    const bt = backpropTrace(loss);
    expect(bt.nodes.filter((n) => n.inputs.length > 0).map((n) => n.op)).toEqual(["crossEntropy"]);
    const ce = bt.nodes[bt.output];
    expect(ce.primitives).toEqual(expect.arrayContaining(["exp", "log", "sum", "neg", "div"]));
    // Its one input is the logits: the one-hot targets and the detached max are constants inside it.
    expect(ce.inputs.map((i) => bt.nodes[i].name)).toEqual(["logits"]);
    expect(bt.nodes).toHaveLength(2);
    // A named constant stays a card and an input.
    const target = tensor([0, 0, 1], { name: "target" });
    const named = trace(nn.crossEntropy(logits.index(0), target));
    const args = named.nodes.at(-1)!.inputs.map((k) => named.nodes[k].name ?? named.nodes[k].op);
    expect(args).toEqual(["slice", "target"]); // logits.index(0) is a slice
    expectProductsChain(bt);
    expect(expectProductIsUpstreamTimesJacobian(bt)).toBe(1);
    expectFinalGradsOfBackward(bt, loss, { logits });
  });

  it("tells calls apart: separate branches, user-named results, an input used twice inside (relu)", () => {
    const a = tensor([0.5, -1], { requiresGrad: true, name: "a" });
    const two = trace(add(sum(sigmoid(a)), sum(softmax(sigmoid(mul(a, 2)).named("s")))));
    expect(two.nodes.filter((n) => n.inputs.length > 0).map((n) => n.name ?? n.op)).toEqual([
      "sigmoid",
      "sum",
      "mul",
      "s",
      "softmax",
      "sum",
      "add",
    ]);
    expect(two.nodes.find((n) => n.name === "s")!.op).toBe("sigmoid");
    // relu(x) = where(x > 0, x, 0) reads x twice: one edge, the gradient of both uses.
    const r = mul(relu(a), tensor([3, 4]));
    const bt = backpropTrace(sum(r));
    const reluNode = bt.nodes.find((n) => n.op === "relu")!;
    expect(reluNode.inputs).toEqual([bt.nodes.findIndex((n) => n.name === "a")]);
    expectProductsChain(bt);
    expectFinalGradsOfBackward(bt, sum(r), { a });
  });
});
