/** nn modules, losses and optimizers: shapes, seeded init, gradients of losses, and training that learns. */
import { describe, expect, it } from "vitest";
import { Tensor, tensor, randn, nn, optim, grad, softmax, gradcheck } from "gradlab";

describe("modules", () => {
  it("Linear computes Wx + b with W [out, in], seeded init within ±1/√in", () => {
    const l = new nn.Linear(3, 2, { seed: 1 });
    expect(l.weight.shape).toEqual([2, 3]);
    expect(l.bias!.shape).toEqual([2]);
    const bound = 1 / Math.sqrt(3);
    for (const v of [...l.weight.data, ...l.bias!.data]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    const x = tensor([1, -2, 0.5]);
    const y = l.forward(x).data;
    const W = l.weight.data;
    for (let i = 0; i < 2; i++)
      expect(y[i]).toBeCloseTo(W[i * 3] - 2 * W[i * 3 + 1] + 0.5 * W[i * 3 + 2] + l.bias!.data[i], 14);
    expect(Array.from(new nn.Linear(3, 2, { seed: 1 }).weight.data)).toEqual(Array.from(W));
    expect(Array.from(new nn.Linear(3, 2, { seed: 2 }).weight.data)).not.toEqual(Array.from(W));
    expect(new nn.Linear(3, 2, { bias: false }).parameters().length).toBe(1);
  });
  it("Linear works on a batch [B, in] → [B, out]", () => {
    const l = new nn.Linear(4, 3, { seed: 0 });
    expect(l.forward(randn([5, 4], { seed: 1 })).shape).toEqual([5, 3]);
  });
  it("Sequential chains layers, collects parameters in order and names them W1, b1, W2, b2", () => {
    const m = new nn.Sequential(
      new nn.Linear(3, 2, { seed: 1 }),
      new nn.Tanh(),
      new nn.Linear(2, 1, { seed: 2 }),
      new nn.Sigmoid(),
    );
    const ps = m.parameters();
    expect(ps.map((p) => p.name)).toEqual(["W1", "b1", "W2", "b2"]);
    expect(ps.every((p) => p.requiresGrad)).toBe(true);
    const y = m.forward(tensor([1, 2, 3]));
    expect(y.shape).toEqual([1]);
    expect(y.item()).toBeGreaterThan(0);
    expect(y.item()).toBeLessThan(1);
    expect(new nn.ReLU().forward(tensor([-1, 2])).toArray()).toEqual([0, 2]);
  });
});

describe("PyTorch-style construction", () => {
  it("layers and optimizers work with or without new, and instanceof holds", () => {
    const l = nn.Linear(2, 3, { seed: 1 });
    expect(l).toBeInstanceOf(nn.Linear);
    expect(l).toBeInstanceOf(nn.Module);
    expect(new nn.Linear(2, 3, { seed: 1 }).weight.toArray()).toEqual(l.weight.toArray());
    const m = nn.Sequential(l, nn.ReLU(), nn.Linear(3, 1, { seed: 2 }));
    expect(m.parameters().length).toBe(4);
    const opt = optim.SGD({ params: m.parameters(), lr: 0.1, momentum: 0.5 });
    expect(opt).toBeInstanceOf(optim.SGD);
    expect(opt.momentum).toBe(0.5);
    expect(optim.Adam(m.parameters())).toBeInstanceOf(optim.Adam);
    expect(nn.Linear.name).toBe("Linear");
  });
});

describe("losses", () => {
  it("mseLoss is the mean squared difference and its gradient is 2(p − t)/n", () => {
    const p = tensor([1, 2, 4]);
    const t = tensor([1, 1, 1]);
    expect(nn.mseLoss(p, t).item()).toBeCloseTo((0 + 1 + 9) / 3, 14);
    expect(Array.from(grad((q: Tensor) => nn.mseLoss(q, t))(p).data)).toEqual([0, 2 / 3, 6 / 3]);
  });
  it("crossEntropy with class indices equals −mean log softmax at the label; gradient is (softmax − onehot)/B", () => {
    const z = randn([3, 4], { seed: 5 });
    const labels = [2, 0, 3];
    const p = softmax(z).toArray() as number[][];
    const want = -labels.reduce((s, c, i) => s + Math.log(p[i][c]), 0) / 3;
    expect(nn.crossEntropy(z, labels).item()).toBeCloseTo(want, 13);
    const gz = grad((v: Tensor) => nn.crossEntropy(v, labels))(z).toArray() as number[][];
    gz.forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo((p[i][j] - (j === labels[i] ? 1 : 0)) / 3, 13)),
    );
    gradcheck((v) => nn.crossEntropy(v, tensor(labels)), [z], { atol: 1e-7, rtol: 1e-5 });
  });
  it("crossEntropy accepts probabilities of the logits' shape", () => {
    const z = randn([2, 3], { seed: 6 });
    const q = tensor([
      [0.2, 0.3, 0.5],
      [1, 0, 0],
    ]);
    const lp = z.logSoftmax().toArray() as number[][];
    const want = -(0.2 * lp[0][0] + 0.3 * lp[0][1] + 0.5 * lp[0][2] + lp[1][0]) / 2;
    expect(nn.crossEntropy(z, q).item()).toBeCloseTo(want, 13);
  });
});

function xorTask(dtype: "float64" | "float32") {
  const X = tensor(
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ],
    { dtype },
  );
  const Y = tensor([[0], [1], [1], [0]], { dtype });
  const model = new nn.Sequential(
    new nn.Linear(2, 8, { seed: 3, dtype }),
    new nn.Tanh(),
    new nn.Linear(8, 1, { seed: 4, dtype }),
  );
  return { X, Y, model };
}

describe("training", () => {
  for (const [name, make] of [
    ["SGD with momentum", (ps: Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ["Adam", (ps: Tensor[]) => new optim.Adam(ps, { lr: 0.05 })],
  ] as const)
    it(`${name} learns XOR (loss falls below 2% of its start)`, () => {
      const { X, Y, model } = xorTask("float64");
      const opt = make(model.parameters());
      const first = nn.mseLoss(model.forward(X), Y).item();
      let last = first;
      for (let step = 0; step < 300; step++) {
        opt.zeroGrad();
        const loss = nn.mseLoss(model.forward(X), Y);
        loss.backward();
        opt.step();
        last = loss.item();
      }
      expect(last).toBeLessThan(0.02 * first);
    });
  it("plain SGD takes exactly p ← p − lr·grad", () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([p], { lr: 0.5 });
    p.square().sum().backward();
    opt.step();
    expect(p.toArray()).toEqual([0, 0]);
  });
  it("float32 training works and stays float32", () => {
    const { X, Y, model } = xorTask("float32");
    const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
    let first = 0;
    let last = 0;
    for (let step = 0; step < 200; step++) {
      opt.zeroGrad();
      const loss = nn.mseLoss(model.forward(X), Y);
      if (step === 0) first = loss.item();
      loss.backward();
      opt.step();
      last = loss.item();
      expect(loss.dtype).toBe("float32");
    }
    expect(last).toBeLessThan(0.05 * first);
  });
  it("a classifier with crossEntropy reaches full accuracy on separable blobs", () => {
    const X = randn([60, 2], { seed: 1 }).add(
      tensor([[3, 0]]).mul(tensor(randn([60, 1], { seed: 2 }).gt(0))),
    );
    const labels = Array.from(X.slice(null, 0).data).map((v) => (v > 1.5 ? 1 : 0));
    const model = new nn.Sequential(new nn.Linear(2, 2, { seed: 5 }));
    const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
    for (let step = 0; step < 200; step++) {
      opt.zeroGrad();
      nn.crossEntropy(model.forward(X), labels).backward();
      opt.step();
    }
    const logits = model.forward(X).toArray() as number[][];
    const acc = logits.filter((r, i) => (r[1] > r[0] ? 1 : 0) === labels[i]).length / labels.length;
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });
});
