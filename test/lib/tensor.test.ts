/** Tensors themselves: creation, accessors, seeded randomness, text form, display hooks, tape fields. */
import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import * as g from "gradlab";
import { tensor, zeros, ones, full, eye, arange, linspace, rand, randn, DISPLAY, Random } from "gradlab";
import { jacobian, tensorText, type Tensor } from "gradlab";

describe("creation", () => {
  it("tensor from numbers, nested arrays and typed arrays", () => {
    expect(tensor(3).shape).toEqual([]);
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.dtype).toBe("float64");
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const f = tensor(new Float32Array([1, 2]));
    expect(f.dtype).toBe("float32");
    expect(tensor([1, 2], { dtype: "float32" }).data).toBeInstanceOf(Float32Array);
    expect(tensor([]).shape).toEqual([0]);
  });
  it("zeros, ones, full, eye, arange, linspace", () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([1, 2]).toArray()).toEqual([[1, 1]]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
  it(".data is a copy: writing to it leaves the tensor unchanged", () => {
    const t = tensor([1, 2]);
    const d = t.data;
    d[0] = 100;
    expect(t.toArray()).toEqual([1, 2]);
  });
  it("item() of a size-1 tensor", () => {
    expect(tensor([[5]]).item()).toBe(5);
  });
});

describe("seeded randomness", () => {
  it("the same seed gives the same numbers, different seeds differ", () => {
    expect(Array.from(randn([5], { seed: 3 }).data)).toEqual(Array.from(randn([5], { seed: 3 }).data));
    expect(Array.from(randn([5], { seed: 3 }).data)).not.toEqual(Array.from(randn([5], { seed: 4 }).data));
    expect(Array.from(rand([4], { seed: 1, dtype: "float32" }).data)).toEqual(
      Array.from(rand([4], { seed: 1, dtype: "float32" }).data),
    );
  });
  it("setSeed restarts the default generator", () => {
    g.setSeed(11);
    const a = Array.from(randn([3]).data);
    const b = Array.from(randn([3]).data);
    g.setSeed(11);
    expect(Array.from(randn([3]).data)).toEqual(a);
    expect(Array.from(randn([3]).data)).toEqual(b);
    expect(a).not.toEqual(b);
  });
  it("a shared generator advances", () => {
    const rng = new Random(5);
    const a = rand([2], { rng }).toArray();
    const b = rand([2], { rng }).toArray();
    expect(a).not.toEqual(b);
  });
  it("uniform in [0,1) and standard normal moments", () => {
    const u = Array.from(rand([20000], { seed: 9 }).data);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((a, b) => a + b) / u.length).toBeCloseTo(0.5, 1);
    const z = Array.from(randn([20000], { seed: 9 }).data);
    const m = z.reduce((a, b) => a + b) / z.length;
    const v = z.reduce((a, b) => a + (b - m) ** 2, 0) / z.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });
});

describe("text and display", () => {
  it("plain text in NumPy style", () => {
    expect(String(tensor([1, 2]))).toBe("tensor([1, 2], shape=[2], dtype=float64)");
    expect(
      String(
        tensor([
          [1.5, 2],
          [3, 4],
        ]),
      ),
    ).toBe("tensor([[1.5, 2.0],\n        [3.0, 4.0]], shape=[2, 2], dtype=float64)");
    expect(String(tensor(0.25))).toBe("tensor(0.25, shape=[], dtype=float64)");
    expect(String(tensor([1], { dtype: "float32", name: "w" }))).toBe(
      'tensor([1], shape=[1], dtype=float32, name="w")',
    );
    expect(inspect(tensor([3]))).toBe("tensor([3], shape=[1], dtype=float64)");
  });
  it("large tensors are summarised", () => {
    const s = String(arange(2000));
    expect(s).toContain("...");
    expect(s.length).toBeLessThan(200);
  });
  it("prints the same text as the display bundle's text/plain (one format)", () => {
    const x = tensor([0.125, -2, 3e-6], { requiresGrad: true, name: "x" });
    const J = jacobian((v: Tensor) => v.mul(v), tensor([1, 2]), {
      outputNames: ["f", "g"],
      inputNames: ["a", "b"],
    });
    for (const t of [x, x.exp(), arange(2000), tensor(7), J]) {
      const plain = t[DISPLAY]()["text/plain"];
      expect(String(t)).toBe(plain);
      expect(inspect(t)).toBe(plain);
      expect(`${t}`).toBe(tensorText(t));
    }
    // A Jacobian prints as its labelled grid, titled by the names.
    expect(String(J).split("\n")[0]).toContain("∂(f, g)/∂(a, b)");
  });
  it("implements the Jupyter display symbol and the TensorView contract", () => {
    const t = tensor([[1, 2]]).named("W");
    const bundle = t[DISPLAY]();
    expect(typeof bundle["text/plain"]).toBe("string");
    expect(t.name).toBe("W");
    expect(t.labels).toBeUndefined();
    const view: g.TensorView = t;
    expect(view.shape).toEqual([1, 2]);
  });
  it("JSON form", () => {
    expect(JSON.parse(JSON.stringify(tensor([[1, 2]], { name: "a" })))).toEqual({
      shape: [1, 2],
      dtype: "float64",
      values: [[1, 2]],
      name: "a",
    });
  });
});

describe("the tape, readable", () => {
  it("nodes name the primitive, its inputs and params", () => {
    const W = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true, name: "W1" },
    );
    const x = tensor([1, 1]);
    const y = g.sum(g.tanh(g.matmul(W, x)), 0, true);
    expect(y.node?.prim.name).toBe("sum");
    expect(y.node?.params).toEqual({ axes: [0], keepdims: true });
    expect(g.opOf(g.parentsOf(y)[0])).toBe("tanh");
    expect(g.parentsOf(x)).toEqual([]);
    const order = g.topoOrder([y]);
    expect(order[0]).toBe(W);
    expect(order[order.length - 1]).toBe(y);
  });
  it("a node's local Jacobian and the product leaving it", () => {
    const x = tensor([0.3, -0.2], { requiresGrad: true });
    const y = g.tanh(x);
    const J = g.localJacobian(y, 0)!;
    const t = [Math.tanh(0.3), Math.tanh(-0.2)];
    expect(J.toArray()).toEqual([
      [1 - t[0] ** 2, 0],
      [0, 1 - t[1] ** 2],
    ]);
    const [out] = g.pullbackNode(y, tensor([2, 3]));
    expect(Array.from(out!.data)).toEqual([2 * (1 - t[0] ** 2), 3 * (1 - t[1] ** 2)]);
  });
  it("backward fills .grad on leaves and intermediates; detach and noGrad cut the tape", () => {
    const a = tensor([2], { requiresGrad: true });
    const b = a.mul(3);
    const c = b.square().sum();
    c.backward();
    expect(a.grad!.toArray()).toEqual([36]);
    expect(b.grad!.toArray()).toEqual([12]);
    expect(a.detach().requiresGrad).toBe(false);
    expect(g.noGrad(() => a.mul(2)).node).toBeNull();
    a.zeroGrad();
    expect(a.grad).toBeNull();
  });
  it("grads accumulate across backward calls like PyTorch", () => {
    const a = tensor([1], { requiresGrad: true });
    a.mul(2).sum().backward();
    a.mul(2).sum().backward();
    expect(a.grad!.item()).toBe(4);
  });
});
