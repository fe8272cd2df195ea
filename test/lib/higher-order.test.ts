/**
 * Derivatives of derivatives: every rule is written with differentiable ops, forward mode uses levels, and
 * reverse mode pulls back to fresh variables, so nesting works in all four combinations.
 */
import { describe, expect, it } from "vitest";
import {
  Tensor,
  tensor,
  randn,
  grad,
  jvp,
  vjp,
  jacrev,
  jacfwd,
  hessian,
  sigmoid,
  logsumexp,
  customGrad,
  gradcheck,
  sum,
  mul,
  matmul,
  tanh,
} from "gradlab";

const scalar = (f: (x: Tensor) => Tensor) => (x: number) => f(tensor(x)).item();
const d = (f: (x: Tensor) => Tensor) => grad(f);
const at = (f: (x: Tensor) => Tensor, x: number) => f(tensor(x)).item();

describe("grad of grad", () => {
  const xs = [-1.3, -0.2, 0.4, 1.7];
  it("tanh'' = −2 tanh (1 − tanh²)", () => {
    for (const x of xs) {
      const t = Math.tanh(x);
      expect(at(d(d((v) => v.tanh())), x)).toBeCloseTo(-2 * t * (1 - t * t), 13);
    }
  });
  it("exp'' = exp, exp''' = exp", () => {
    for (const x of xs) {
      expect(at(d(d((v) => v.exp())), x)).toBeCloseTo(Math.exp(x), 13);
      expect(at(d(d(d((v) => v.exp()))), x)).toBeCloseTo(Math.exp(x), 13);
    }
  });
  it("σ'' = σ(1−σ)(1−2σ)", () => {
    for (const x of xs) {
      const s = 1 / (1 + Math.exp(-x));
      expect(at(d(d(sigmoid)), x)).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 13);
    }
  });
  it("sin''' = −cos and log'' = −1/x²", () => {
    for (const x of [0.3, 1.1, 2.5]) {
      expect(at(d(d(d((v) => v.sin()))), x)).toBeCloseTo(-Math.cos(x), 13);
      expect(at(d(d((v) => v.log())), x)).toBeCloseTo(-1 / (x * x), 12);
    }
  });
  it("grad(grad) through matmul, softplus and division agrees with central differences of grad", () => {
    const W = randn([3, 3], { seed: 4 });
    const f = (x: Tensor) => matmul(W, x).softplus().div(x.square().sum().add(1)).sum();
    const g = grad(f);
    gradcheck((x) => g(x), [randn([3], { seed: 5 })], { atol: 1e-6, rtol: 1e-5 });
  });
});

describe("Hessians", () => {
  const f = (x: Tensor) =>
    x
      .pow(3)
      .sum()
      .add(x.index(0).mul(x.index(1)).mul(2));
  const x = tensor([0.5, -1.5, 2]);
  const analytic = [
    [6 * 0.5, 2, 0],
    [2, 6 * -1.5, 0],
    [0, 0, 12],
  ].flat();
  it("hessian (forward over reverse) equals the analytic matrix, with x_i labels", () => {
    const H = hessian(f, x);
    expect(H.shape).toEqual([3, 3]);
    Array.from(H.data).forEach((v, i) => expect(v).toBeCloseTo(analytic[i], 12));
    expect(H.labels?.rows).toEqual(["x_1", "x_2", "x_3"]);
  });
  it("all four nestings agree: fwd∘rev, rev∘rev, fwd∘fwd, rev∘fwd", () => {
    const nests = [
      jacfwd((v: Tensor) => jacrev(f, v), x),
      jacrev((v: Tensor) => jacrev(f, v), x),
      jacfwd((v: Tensor) => jacfwd(f, v), x),
      jacrev((v: Tensor) => jacfwd(f, v), x),
    ];
    for (const H of nests) Array.from(H.data).forEach((v, i) => expect(v).toBeCloseTo(analytic[i], 12));
  });
  it("the Hessian of logsumexp is diag(p) − p pᵀ", () => {
    const z = randn([4], { seed: 2 });
    const H = hessian((v) => logsumexp(v), z).data;
    const e = Array.from(z.data).map(Math.exp);
    const s = e.reduce((a, b) => a + b);
    const p = e.map((v) => v / s);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) expect(H[i * 4 + j]).toBeCloseTo((i === j ? p[i] : 0) - p[i] * p[j], 13);
  });
  it("Hessian-vector product by jvp of grad equals H·v", () => {
    const v = tensor([1, -2, 0.5]);
    const [, Hv] = jvp(grad(f), x, v);
    const H = hessian(f, x);
    Array.from(matmul(H, v).data).forEach((w, i) => expect(Hv.data[i]).toBeCloseTo(w, 12));
  });
  it("Hessian of an MLP loss in its input matches central differences of its gradient", () => {
    const W1 = randn([4, 3], { seed: 1 });
    const W2 = randn([1, 4], { seed: 2 });
    const loss = (x: Tensor) =>
      matmul(W2, tanh(matmul(W1, x)))
        .square()
        .sum();
    const x0 = randn([3], { seed: 3 });
    const H = hessian(loss, x0);
    const g = grad(loss);
    const eps = 1e-5;
    for (let j = 0; j < 3; j++) {
      const e = [0, 0, 0];
      e[j] = eps;
      const gp = g(x0.add(tensor(e))).data;
      const gm = g(x0.sub(tensor(e))).data;
      for (let i = 0; i < 3; i++) expect(H.data[i * 3 + j]).toBeCloseTo((gp[i] - gm[i]) / (2 * eps), 7);
    }
  });
});

describe("no perturbation confusion", () => {
  it("d/dx [x · d/dy (x + y)] = 1 (nested grad)", () => {
    const outer = grad((x: Tensor) => x.mul(grad((y: Tensor) => x.add(y).sum())(tensor(1))));
    expect(outer(tensor(1)).item()).toBe(1);
  });
  it("d/dx [x · d/dy (x·y)] = 2x (nested grad, inner depends on outer)", () => {
    const outer = grad((x: Tensor) => x.mul(grad((y: Tensor) => x.mul(y).sum())(tensor(3))));
    expect(outer(tensor(1.5)).item()).toBeCloseTo(3, 14);
  });
  it("the same with nested jvp (Siskind & Pearlmutter's example)", () => {
    const inner = (x: Tensor) => jvp((y: Tensor) => x.add(y), tensor(1), tensor(1))[1];
    const [, t] = jvp((x: Tensor) => x.mul(inner(x)), tensor(1), tensor(1));
    expect(t.item()).toBe(1);
  });
  it("jvp of jvp gives the second derivative: −sin x", () => {
    const x = 0.7;
    const [, t] = jvp((u: Tensor) => jvp((w: Tensor) => w.sin(), u, tensor(1))[1], tensor(x), tensor(1));
    expect(t.item()).toBeCloseTo(-Math.sin(x), 14);
  });
  it("reverse over forward: grad of a jvp", () => {
    const v = tensor([1, 2]);
    const g = grad((x: Tensor) => jvp((w: Tensor) => w.exp().mul(w), x, v)[1].sum())(tensor([0.3, -0.4]));
    // d/dx_i [v_i (e^x_i + x_i e^x_i)] = v_i e^x_i (2 + x_i)
    [0.3, -0.4].forEach((xi, i) => expect(g.data[i]).toBeCloseTo(v.data[i] * Math.exp(xi) * (2 + xi), 13));
  });
  it("vjp pullbacks of a vjp (the transpose of the transpose is J)", () => {
    const W = randn([2, 3], { seed: 9 });
    const x = randn([3], { seed: 10 });
    const f = (v: Tensor) => tanh(matmul(W, v));
    const [, back] = vjp(f, x);
    const [, backback] = vjp((ct: Tensor) => back(ct), tensor([0, 0]));
    const u = tensor([1, -1, 2]);
    const [, Ju] = jvp(f, x, u);
    Array.from(backback(u).data).forEach((w, i) => expect(w).toBeCloseTo(Ju.data[i], 13));
  });
});

describe("deep graphs", () => {
  it("backward through 20000 chained ops does not overflow the stack", () => {
    const x = tensor(0.1, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1.0001, 20000), 8);
  });
});

describe("customGrad", () => {
  const cube = (vjpOnly: boolean) =>
    customGrad({
      name: "cube",
      forward: (x) => x.mul(x).mul(x),
      ...(vjpOnly
        ? { vjp: (ct: Tensor, [x]: Tensor[]) => [ct.mul(x.square()).mul(3)] }
        : { jvp: ([xd]: Tensor[], [x]: Tensor[]) => xd.mul(x.square()).mul(3) }),
    });
  for (const vjpOnly of [true, false])
    it(`with only a ${vjpOnly ? "vjp" : "jvp"} rule, both modes, gradcheck and grad-of-grad work`, () => {
      const c = cube(vjpOnly);
      const x = tensor([0.5, -1.2, 2]);
      gradcheck((v) => c(v), [x], { atol: 1e-6, rtol: 1e-5 });
      const J = jacfwd((v: Tensor) => c(v), x);
      const Jr = jacrev((v: Tensor) => c(v), x);
      Array.from(J.data).forEach((v, i) => expect(Jr.data[i]).toBeCloseTo(v, 13));
      expect(grad((v: Tensor) => grad((w: Tensor) => c(w).sum())(v).sum())(tensor([2])).item()).toBeCloseTo(
        12,
        12,
      );
      expect(scalar((v) => c(v))(2)).toBe(8);
    });
  it("a user rule replaces the true derivative (straight-through estimator)", () => {
    const roundST = customGrad({
      name: "roundST",
      forward: (x) => x.mul(2).sign().mul(0.5),
      vjp: (ct) => [ct],
    });
    const x = tensor([0.3, -0.8], { requiresGrad: true });
    sum(mul(roundST(x), tensor([2, 3]))).backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 3]);
    expect(roundST(x).node?.prim.name).toBe("roundST");
  });
  it("a rule that runs its own backward pass over tensors of the outer graph leaves the outer pass intact", () => {
    const W = tensor([0.7, -1.3], { requiresGrad: true });
    // custom op t(u) = tanh(u·W), W a constant for the op; its vjp runs grad over a closure reaching W,
    // a tensor the outer pass also visits, and W gets gradient from a node processed after the op
    const op = customGrad({
      name: "tanhScaled",
      forward: (u) => u.mul(W).tanh(),
      vjp: (ct, [u]) => [ct.mul(grad((z: Tensor) => z.mul(W).tanh().sum())(u))],
    });
    const x = tensor([0.4, 0.9], { requiresGrad: true });
    op(x.mul(W)).mul(W).sum().backward();
    const xr = tensor([0.4, 0.9], { requiresGrad: true });
    const Wr = tensor([0.7, -1.3], { requiresGrad: true });
    xr.mul(Wr).mul(Wr.detach()).tanh().mul(Wr).sum().backward();
    [0, 1].forEach((i) => {
      expect(x.grad!.data[i]).toBeCloseTo(xr.grad!.data[i], 14);
      expect(W.grad!.data[i]).toBeCloseTo(Wr.grad!.data[i], 14);
    });
  });
  it("gradcheck catches a wrong rule and says which mode and entry", () => {
    const wrong = customGrad({ forward: (x) => x.square(), vjp: (ct, [x]) => [ct.mul(x)] });
    expect(() => gradcheck((v) => wrong(v), [tensor([1, 2])])).toThrow(
      /reverse-mode Jacobian of input 0 .* entry \[1,1\]: analytic 2, numeric 4/,
    );
  });
});
