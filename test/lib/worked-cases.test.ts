/**
 * The seed notebook's worked examples, as tests: each compares gradlab's Jacobians with the formula on
 * the slide.
 */
import { describe, expect, it } from "vitest";
import {
  Tensor,
  tensor,
  randn,
  jacobian,
  jacrev,
  jacfwd,
  stack,
  sigmoid,
  matmul,
  tanh,
  linear,
} from "gradlab";

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 12) => {
  expect(a.length).toBe(b.length);
  Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));
};

describe("f(x,y) = 3x²y and g(x,y) = 2x + y⁸ stacked", () => {
  const F = (v: Tensor) => {
    const x = v.index(0);
    const y = v.index(1);
    return stack([x.mul(x).mul(y).mul(3), x.mul(2).add(y.pow(8))]);
  };
  for (const [x, y] of [
    [1.5, 2],
    [-0.7, 0.3],
    [2, -1.1],
  ])
    it(`J at (${x}, ${y}) = [[6xy, 3x²], [2, 8y⁷]] in every mode`, () => {
      const want = [6 * x * y, 3 * x * x, 2, 8 * y ** 7];
      for (const mode of ["rev", "fwd", "auto"] as const) {
        const J = jacobian(F, tensor([x, y]), { mode, inputNames: ["x", "y"], outputNames: ["f", "g"] });
        expect(J.shape).toEqual([2, 2]);
        close(J.data, want);
        expect(J.labels).toEqual({
          kind: "jacobian",
          rows: ["f", "g"],
          cols: ["x", "y"],
          title: "∂(f, g)/∂(x, y)",
        });
      }
    });
  it('mode "auto" keeps the reverse pass for wide Jacobians (f runs once) and switches to forward for tall ones', () => {
    let calls = 0;
    const wide = (v: Tensor) => (calls++, v.square().sum(0, true));
    const Jw = jacobian(wide, tensor([1, 2, 3]));
    expect(calls).toBe(1);
    expect(Jw.toArray()).toEqual([[2, 4, 6]]);
    calls = 0;
    const tall = (v: Tensor) => (calls++, stack([v.index(0), v.index(0).mul(2), v.index(0).square()]));
    const Jt = jacobian(tall, tensor([3]));
    expect(calls).toBe(2);
    expect(Jt.toArray()).toEqual([[1], [2], [6]]);
  });
  it("default labels are f_i and x_j", () => {
    const J = jacobian(F, tensor([1, 1]));
    expect(J.labels?.rows).toEqual(["f_1", "f_2"]);
    expect(J.labels?.cols).toEqual(["x_1", "x_2"]);
  });
});

describe("the sigmoid's Jacobian", () => {
  const theta = tensor([-3, -0.5, 0, 0.8, 4]);
  for (const mode of ["rev", "fwd"] as const)
    it(`is diagonal with σ(θ)(1−σ(θ)) = 1/((1+e^θ)(1+e^−θ)) (${mode})`, () => {
      const J = jacobian(sigmoid, theta, { mode });
      const n = theta.size;
      const d = J.data;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const t = theta.data[i];
          if (i === j) {
            const s = 1 / (1 + Math.exp(-t));
            expect(d[i * n + j]).toBeCloseTo(s * (1 - s), 14);
            expect(d[i * n + j]).toBeCloseTo(1 / ((1 + Math.exp(t)) * (1 + Math.exp(-t))), 14);
          } else expect(d[i * n + j]).toBe(0);
        }
    });
});

describe("the Jacobian of Wx + b in x is W", () => {
  const W = randn([4, 3], { seed: 7 });
  const b = randn([4], { seed: 8 });
  const x = randn([3], { seed: 9 });
  for (const mode of ["rev", "fwd"] as const)
    it(`exactly W (${mode})`, () => {
      const J = jacobian((v: Tensor) => matmul(W, v).add(b), x, { mode });
      expect(J.shape).toEqual([4, 3]);
      expect(Array.from(J.data)).toEqual(Array.from(W.data));
    });
  it("and in b it is the identity", () => {
    const J = jacobian((c: Tensor) => matmul(W, x).add(c), b);
    expect(Array.from(J.data)).toEqual(
      Array.from(
        tensor([
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 0, 0, 1],
        ]).data,
      ),
    );
  });
});

describe("chain rule: J of f∘g equals J_f(g(x)) · J_g(x)", () => {
  const A = randn([4, 3], { seed: 1 });
  const B = randn([2, 4], { seed: 2 });
  const g = (x: Tensor) => tanh(matmul(A, x)).mul(x.sum()); // R³ → R⁴
  const f = (u: Tensor) => sigmoid(matmul(B, u.mul(u))); // R⁴ → R²
  const x = randn([3], { seed: 3 });
  for (const mode of ["rev", "fwd"] as const)
    it(`holds entry by entry (${mode})`, () => {
      const Jfg = jacobian((v: Tensor) => f(g(v)), x, { mode });
      const product = matmul(jacobian(f, g(x), { mode }), jacobian(g, x, { mode }));
      expect(Jfg.shape).toEqual([2, 3]);
      close(Jfg.data, product.data, 13);
    });
});

describe("a 3-input, 2-hidden, 1-output network: dy/dx = dy/dz · dz/dx", () => {
  const W1 = randn([2, 3], { seed: 11 });
  const b1 = randn([2], { seed: 12 });
  const W2 = randn([1, 2], { seed: 13 });
  const b2 = randn([1], { seed: 14 });
  const hidden = (x: Tensor) => tanh(linear(x, W1, b1)); // z
  const out = (z: Tensor) => tanh(linear(z, W2, b2)); // y
  const x = tensor([0.5, -1, 2]);
  it("the 1×3 Jacobian equals the product of the 1×2 and 2×3 Jacobians", () => {
    const dydx = jacrev((v: Tensor) => out(hidden(v)), x);
    const dydz = jacrev(out, hidden(x));
    const dzdx = jacfwd(hidden, x);
    expect(dydx.shape).toEqual([1, 3]);
    expect(dydz.shape).toEqual([1, 2]);
    expect(dzdx.shape).toEqual([2, 3]);
    close(dydx.data, matmul(dydz, dzdx).data, 14);
  });
  it("and backward() fills x.grad with the same row", () => {
    const xv = tensor([0.5, -1, 2], { requiresGrad: true });
    out(hidden(xv)).sum().backward();
    const dydx = jacrev((v: Tensor) => out(hidden(v)), x);
    close(xv.grad!.data, dydx.data, 14);
  });
  it("dz/dx is diag(1 − z²) · W1 (the slide's formula)", () => {
    const z = hidden(x).data;
    const dzdx = jacobian(hidden, x).data;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        expect(dzdx[i * 3 + j]).toBeCloseTo((1 - z[i] * z[i]) * W1.data[i * 3 + j], 14);
  });
});
