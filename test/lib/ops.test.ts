/**
 * One row per op (autodidax's LAX_GRAD_OPS idea): forward against an independent reference, then the one
 * generic checker (gradcheck: jacrev and jacfwd against central differences in float64, and
 * <u, vjp(v)> = <jvp(u), v>), mode agreement, and gradient shapes under broadcasting.
 */
import { describe, expect, it } from "vitest";
import * as g from "gradlab";
import { Tensor, tensor, rand, randn, gradcheck, jacfwd, jacrev, grad } from "gradlab";
import * as ref from "./reference.js";
import { dense, type Dense } from "./reference.js";

const pos = (shape: number[], seed: number) => rand(shape, { seed }).add(0.5); // in [0.5, 1.5)
const nrm = (shape: number[], seed: number) => randn(shape, { seed });
/** Values with distinct magnitudes (no ties for max/min, no zeros for abs/relu kinks). */
const spread = (shape: number[], seed: number) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => Math.sin(a * 12.9898 + seed) - Math.sin(b * 12.9898 + seed),
  );
  return tensor(perm.map((k) => (k - n / 2 + 0.37) * 0.61)).reshape(shape);
};

type Ref = (...xs: Dense[]) => Dense;
const el =
  (f: (...v: number[]) => number): Ref =>
  (...xs) =>
    ref.map(xs, f);

interface Row {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
  ref: Ref;
  /** Piecewise-constant ops: the derivative is 0 (still checked). */
  tol?: { atol?: number; rtol?: number };
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const sumAll = (d: Dense): Dense =>
  ref.reduce(
    d,
    d.shape.map((_, i) => i),
    false,
    (a, v) => a + v,
    0,
  );

const rows: Row[] = [
  // unary
  { name: "neg", f: (x) => g.neg(x), inputs: () => [nrm([2, 3], 1)], ref: el((a) => -a) },
  { name: "exp", f: (x) => g.exp(x), inputs: () => [nrm([2, 3], 2)], ref: el(Math.exp) },
  { name: "log", f: (x) => g.log(x), inputs: () => [pos([2, 3], 3)], ref: el(Math.log) },
  { name: "log1p", f: (x) => g.log1p(x), inputs: () => [pos([4], 4)], ref: el(Math.log1p) },
  { name: "sqrt", f: (x) => g.sqrt(x), inputs: () => [pos([2, 3], 5)], ref: el(Math.sqrt) },
  { name: "abs", f: (x) => g.abs(x), inputs: () => [spread([2, 3], 6)], ref: el(Math.abs) },
  { name: "sign", f: (x) => g.sign(x), inputs: () => [spread([5], 7)], ref: el(Math.sign) },
  { name: "sin", f: (x) => g.sin(x), inputs: () => [nrm([2, 3], 8)], ref: el(Math.sin) },
  { name: "cos", f: (x) => g.cos(x), inputs: () => [nrm([2, 3], 9)], ref: el(Math.cos) },
  { name: "tanh", f: (x) => g.tanh(x), inputs: () => [nrm([2, 3], 10)], ref: el(Math.tanh) },
  { name: "sigmoid", f: (x) => g.sigmoid(x), inputs: () => [nrm([2, 3], 11).mul(3)], ref: el(sig) },
  { name: "relu", f: (x) => g.relu(x), inputs: () => [spread([2, 3], 12)], ref: el((a) => Math.max(a, 0)) },
  {
    name: "softplus",
    f: (x) => g.softplus(x),
    inputs: () => [nrm([2, 3], 13).mul(4)],
    ref: el((a) => Math.log1p(Math.exp(a))),
  },
  { name: "square", f: (x) => g.square(x), inputs: () => [nrm([3], 14)], ref: el((a) => a * a) },
  // binary, with broadcasting
  {
    name: "add [2,3]+[3]",
    f: (a, b) => g.add(a, b),
    inputs: () => [nrm([2, 3], 20), nrm([3], 21)],
    ref: el((a, b) => a + b),
  },
  {
    name: "add [2,1]+[1,3]",
    f: (a, b) => g.add(a, b),
    inputs: () => [nrm([2, 1], 22), nrm([1, 3], 23)],
    ref: el((a, b) => a + b),
  },
  {
    name: "sub []-[2,2]",
    f: (a, b) => g.sub(a, b),
    inputs: () => [nrm([], 24), nrm([2, 2], 25)],
    ref: el((a, b) => a - b),
  },
  {
    name: "mul [2,3]*[2,1]",
    f: (a, b) => g.mul(a, b),
    inputs: () => [nrm([2, 3], 26), nrm([2, 1], 27)],
    ref: el((a, b) => a * b),
  },
  {
    name: "mul [3]*[3] same",
    f: (a, b) => g.mul(a, b),
    inputs: () => [nrm([3], 28), nrm([3], 29)],
    ref: el((a, b) => a * b),
  },
  {
    name: "div [2,3]/[3]",
    f: (a, b) => g.div(a, b),
    inputs: () => [nrm([2, 3], 30), pos([3], 31)],
    ref: el((a, b) => a / b),
  },
  {
    name: "pow [2,3]^[3]",
    f: (a, b) => g.pow(a, b),
    inputs: () => [pos([2, 3], 32), nrm([3], 33)],
    ref: el(Math.pow),
  },
  {
    name: "pow x^2 (constant exponent)",
    f: (a) => g.pow(a, 2),
    inputs: () => [nrm([4], 34)],
    ref: el((a) => a * a),
  },
  {
    name: "maximum [2,3],[3]",
    f: (a, b) => g.maximum(a, b),
    inputs: () => [spread([2, 3], 35), spread([3], 36).add(0.1)],
    ref: el(Math.max),
  },
  {
    name: "minimum [3],[2,3]",
    f: (a, b) => g.minimum(a, b),
    inputs: () => [spread([3], 37).add(0.05), spread([2, 3], 38)],
    ref: el(Math.min),
  },
  {
    name: "where",
    f: (a, b) => g.where(tensor([1, 0, 1]), a, b),
    inputs: () => [nrm([2, 3], 39), nrm([3], 40)],
    ref: (a, b) => ref.map([{ shape: [3], data: [1, 0, 1] }, a, b], (c, x, y) => (c ? x : y)),
  },
  {
    name: "eq",
    f: (a, b) => g.eq(a, b),
    inputs: () => [tensor([1, 2, 3]), tensor([1, 5, 3])],
    ref: el((a, b) => +(a === b)),
  },
  {
    name: "ne",
    f: (a, b) => g.ne(a, b),
    inputs: () => [tensor([1, 2, 3]), tensor([1, 5, 3])],
    ref: el((a, b) => +(a !== b)),
  },
  {
    name: "lt",
    f: (a, b) => g.lt(a, b),
    inputs: () => [tensor([1, 2.5, 3]), tensor([2])],
    ref: el((a, b) => +(a < b)),
  },
  {
    name: "le",
    f: (a, b) => g.le(a, b),
    inputs: () => [tensor([1, 2.5, 3]), tensor([2])],
    ref: el((a, b) => +(a <= b)),
  },
  {
    name: "gt",
    f: (a, b) => g.gt(a, b),
    inputs: () => [tensor([1, 2.5, 3]), tensor([2])],
    ref: el((a, b) => +(a > b)),
  },
  {
    name: "ge",
    f: (a, b) => g.ge(a, b),
    inputs: () => [tensor([1, 2.5, 3]), tensor([2])],
    ref: el((a, b) => +(a >= b)),
  },
  // reductions
  { name: "sum all", f: (x) => g.sum(x), inputs: () => [nrm([2, 3], 50)], ref: sumAll },
  {
    name: "sum axis 0",
    f: (x) => g.sum(x, 0),
    inputs: () => [nrm([2, 3], 51)],
    ref: (x) => ref.reduce(x, [0], false, (a, v) => a + v, 0),
  },
  {
    name: "sum axes [0,2] keepdims",
    f: (x) => g.sum(x, [0, 2], true),
    inputs: () => [nrm([2, 3, 2], 52)],
    ref: (x) => ref.reduce(x, [0, 2], true, (a, v) => a + v, 0),
  },
  {
    name: "sum axis -1",
    f: (x) => g.sum(x, -1),
    inputs: () => [nrm([3, 4], 53)],
    ref: (x) => ref.reduce(x, [1], false, (a, v) => a + v, 0),
  },
  {
    name: "mean axis 1",
    f: (x) => g.mean(x, 1),
    inputs: () => [nrm([2, 4], 54)],
    ref: (x) => ref.map([ref.reduce(x, [1], false, (a, v) => a + v, 0)], (s) => s / 4),
  },
  {
    name: "max axis 1",
    f: (x) => g.max(x, 1),
    inputs: () => [spread([3, 4], 55)],
    ref: (x) => ref.reduce(x, [1], false, Math.max, -Infinity),
  },
  {
    name: "max all",
    f: (x) => g.max(x),
    inputs: () => [spread([2, 3], 56)],
    ref: (x) => ref.reduce(x, [0, 1], false, Math.max, -Infinity),
  },
  {
    name: "min axis 0 keepdims",
    f: (x) => g.min(x, 0, true),
    inputs: () => [spread([3, 2], 57)],
    ref: (x) => ref.reduce(x, [0], true, Math.min, Infinity),
  },
  {
    name: "logsumexp axis 1",
    f: (x) => g.logsumexp(x, 1),
    inputs: () => [nrm([2, 3], 58).mul(3)],
    ref: (x) => ref.map([ref.reduce(ref.map([x], Math.exp), [1], false, (a, v) => a + v, 0)], Math.log),
  },
  {
    name: "softmax",
    f: (x) => g.softmax(x),
    inputs: () => [nrm([2, 3], 59)],
    ref: (x) => {
      const e = ref.map([x], Math.exp);
      return ref.map([e, ref.reduce(e, [1], true, (a, v) => a + v, 0)], (a, s) => a / s);
    },
  },
  {
    name: "logSoftmax axis 0",
    f: (x) => g.logSoftmax(x, 0),
    inputs: () => [nrm([3, 2], 60)],
    ref: (x) => {
      const s = ref.reduce(ref.map([x], Math.exp), [0], true, (a, v) => a + v, 0);
      return ref.map([x, s], (a, t) => a - Math.log(t));
    },
  },
  // layout
  {
    name: "reshape",
    f: (x) => g.reshape(x, [3, -1]),
    inputs: () => [nrm([2, 3], 70)],
    ref: (x) => ({ shape: [3, 2], data: x.data }),
  },
  {
    name: "transpose (matrix)",
    f: (x) => x.T,
    inputs: () => [nrm([2, 3], 71)],
    ref: (x) => ref.transpose(x, [1, 0]),
  },
  {
    name: "transpose perm [2,0,1]",
    f: (x) => g.transpose(x, [2, 0, 1]),
    inputs: () => [nrm([2, 3, 2], 72)],
    ref: (x) => ref.transpose(x, [2, 0, 1]),
  },
  {
    name: "broadcastTo",
    f: (x) => g.broadcastTo(x, [2, 2, 3]),
    inputs: () => [nrm([2, 1, 3], 73)],
    ref: (x) => ref.map([x, { shape: [2, 2, 3], data: new Array(12).fill(0) }], (a) => a),
  },
  {
    name: "slice with step",
    f: (x) => g.slice(x, null, [0, 5, 2]),
    inputs: () => [nrm([2, 5], 74)],
    ref: (x) => ({ shape: [2, 3], data: [0, 2, 4, 5, 7, 9].map((i) => x.data[i]) }),
  },
  {
    name: "index",
    f: (x) => g.index(x, -1),
    inputs: () => [nrm([3, 2], 75)],
    ref: (x) => ({ shape: [2], data: x.data.slice(4) }),
  },
  {
    name: "concat axis 1",
    f: (a, b) => g.concat([a, b], 1),
    inputs: () => [nrm([2, 1], 76), nrm([2, 2], 77)],
    ref: (a, b) => ({
      shape: [2, 3],
      data: [a.data[0], ...b.data.slice(0, 2), a.data[1], ...b.data.slice(2)],
    }),
  },
  {
    name: "stack",
    f: (a, b) => g.stack([a, b]),
    inputs: () => [nrm([2], 78), nrm([2], 79)],
    ref: (a, b) => ({ shape: [2, 2], data: [...a.data, ...b.data] }),
  },
  {
    name: "squeeze/unsqueeze",
    f: (x) => g.unsqueeze(g.squeeze(x), 0),
    inputs: () => [nrm([3, 1], 80)],
    ref: (x) => ({ shape: [1, 3], data: x.data }),
  },
  {
    name: "flatten",
    f: (x) => g.flatten(x),
    inputs: () => [nrm([2, 2], 81)],
    ref: (x) => ({ shape: [4], data: x.data }),
  },
  {
    name: "diag of a matrix",
    f: (x) => g.diag(x),
    inputs: () => [nrm([3, 4], 82)],
    ref: (x) => ({ shape: [3], data: [0, 5, 10].map((i) => x.data[i]) }),
  },
  {
    name: "diag of a vector",
    f: (x) => g.diag(x),
    inputs: () => [nrm([3], 83)],
    ref: (x) => ({
      shape: [3, 3],
      data: [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? x.data[i] : 0))),
    }),
  },
  // matmul family
  {
    name: "matmul [2,3]@[3,4]",
    f: (a, b) => g.matmul(a, b),
    inputs: () => [nrm([2, 3], 90), nrm([3, 4], 91)],
    ref: ref.matmul,
  },
  {
    name: "matmul [3]@[3,2] (row vector)",
    f: (a, b) => g.matmul(a, b),
    inputs: () => [nrm([3], 92), nrm([3, 2], 93)],
    ref: (a, b) => ({ shape: [2], data: ref.matmul({ shape: [1, 3], data: a.data }, b).data }),
  },
  {
    name: "matmul [2,3]@[3] (column vector)",
    f: (a, b) => g.matmul(a, b),
    inputs: () => [nrm([2, 3], 94), nrm([3], 95)],
    ref: (a, b) => ({ shape: [2], data: ref.matmul(a, { shape: [3, 1], data: b.data }).data }),
  },
  {
    name: "dot [3]·[3]",
    f: (a, b) => g.dot(a, b),
    inputs: () => [nrm([3], 96), nrm([3], 97)],
    ref: (a, b) => ({ shape: [], data: [a.data.reduce((s, v, i) => s + v * b.data[i], 0)] }),
  },
  {
    name: "matmul batched [2,2,3]@[3,2]",
    f: (a, b) => g.matmul(a, b),
    inputs: () => [nrm([2, 2, 3], 98), nrm([3, 2], 99)],
    ref: (a, b) => ({
      shape: [2, 2, 2],
      data: [0, 1].flatMap(
        (t) => ref.matmul({ shape: [2, 3], data: a.data.slice(t * 6, t * 6 + 6) }, b).data,
      ),
    }),
  },
  {
    name: "matmul broadcast batch [2,1,2,3]@[3,3,2]",
    f: (a, b) => g.matmul(a, b),
    inputs: () => [nrm([2, 1, 2, 3], 100), nrm([3, 3, 2], 101)],
    ref: (a, b) => ({
      shape: [2, 3, 2, 2],
      data: [0, 1].flatMap((i) =>
        [0, 1, 2].flatMap(
          (j) =>
            ref.matmul(
              { shape: [2, 3], data: a.data.slice(i * 6, i * 6 + 6) },
              { shape: [3, 2], data: b.data.slice(j * 6, j * 6 + 6) },
            ).data,
        ),
      ),
    }),
  },
  {
    name: "matmulTransposed x@Wᵀ",
    f: (a, b) => g.matmulTransposed(a, b),
    inputs: () => [nrm([2, 3], 102), nrm([4, 3], 103)],
    ref: (a, b) => ref.matmul(a, ref.transpose(b, [1, 0])),
  },
  {
    name: "linear Wx+b (vector x)",
    f: (x, W, b) => g.linear(x, W, b),
    inputs: () => [nrm([3], 104), nrm([2, 3], 105), nrm([2], 106)],
    ref: (x, W, b) =>
      ref.map(
        [{ shape: [2], data: ref.matmul(W, { shape: [3, 1], data: x.data }).data }, b],
        (u, v) => u + v,
      ),
  },
  {
    name: "outer",
    f: (a, b) => g.outer(a, b),
    inputs: () => [nrm([2], 107), nrm([3], 108)],
    ref: (a, b) => ({ shape: [2, 3], data: a.data.flatMap((u) => b.data.map((v) => u * v)) }),
  },
];

describe("op table", () => {
  for (const row of rows) {
    describe(row.name, () => {
      const xs = row.inputs();
      it("forward matches the reference", () => {
        const y = row.f(...xs);
        const want = row.ref(...xs.map(dense));
        expect(y.shape).toEqual(want.shape);
        const got = Array.from(y.data);
        want.data.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
      });
      it("gradcheck: jacrev and jacfwd vs central differences, <u, vjp v> = <jvp u, v>", () => {
        const report = gradcheck(row.f, xs, { atol: 1e-6, rtol: 1e-5, ...row.tol });
        expect(report.ok).toBe(true);
        expect(report.transposeError).toBeLessThan(1e-9);
      });
      it("jacfwd equals jacrev, blocks shaped [...out, ...in]", () => {
        const f = (ys: Tensor[]) => row.f(...ys);
        const r = jacrev(f, xs);
        const w = jacfwd(f, xs);
        const yShape = row.f(...xs).shape;
        r.forEach((J, i) => {
          expect(J.shape).toEqual([...yShape, ...xs[i].shape]);
          expect(w[i].shape).toEqual(J.shape);
          Array.from(J.data).forEach((v, k) => expect(w[i].data[k]).toBeCloseTo(v, 12));
        });
      });
      it("gradients have the inputs' shapes (broadcasting undone)", () => {
        const gs = grad((ys: Tensor[]) =>
          g.sum(
            g.mul(
              row.f(...ys),
              row
                .f(...ys)
                .detach()
                .add(1),
            ),
          ),
        )(xs);
        gs.forEach((gi, i) => expect(gi.shape).toEqual(xs[i].shape));
      });
    });
  }
});

describe("float32", () => {
  it("ops keep float32 and agree with float64 to float32 precision", () => {
    const x = nrm([3, 4], 1);
    const w = nrm([4, 2], 2);
    const f = (a: Tensor, b: Tensor) => g.softmax(g.tanh(g.matmul(a, b)));
    const y64 = f(x, w);
    const y32 = f(x.astype("float32"), w.astype("float32"));
    expect(y32.dtype).toBe("float32");
    expect(y32.data).toBeInstanceOf(Float32Array);
    Array.from(y64.data).forEach((v, i) => expect(y32.data[i]).toBeCloseTo(v, 5));
    const gr = grad((a: Tensor) => f(a, w.astype("float32")).sum())(x.astype("float32"));
    expect(gr.dtype).toBe("float32");
  });
  it("cast is differentiable: d/dx of float32(x) is 1", () => {
    const gr = grad((a: Tensor) => a.astype("float32").mul(3).sum().astype("float64"))(tensor([1, 2]));
    expect(Array.from(gr.data)).toEqual([3, 3]);
    expect(gr.dtype).toBe("float64");
  });
});

describe("ops mixing variables and constants (null tangents / unwanted cotangents)", () => {
  const c23 = nrm([2, 3], 200);
  const c3 = nrm([3], 201);
  const mixed: [string, (x: Tensor) => Tensor, () => Tensor][] = [
    ["concat [x, const]", (x) => g.concat([x, c3]), () => nrm([2], 202)],
    ["concat [const, x] axis 1", (x) => g.concat([c23, x], 1), () => nrm([2, 2], 203)],
    ["where(c, x, const)", (x) => g.where(tensor([0, 1, 1]), x, c23), () => nrm([3], 204)],
    ["where(c, const, x)", (x) => g.where(tensor([[1], [0]]), c3, x), () => nrm([2, 1], 205)],
    ["maximum(const, x)", (x) => g.maximum(c23, x), () => spread([3], 206).mul(0.3)],
    ["const matmul x", (x) => g.matmul(c23, x), () => nrm([3, 2], 207)],
    ["x matmul const (batched x)", (x) => g.matmul(x, c23.T), () => nrm([2, 2, 3], 208)],
    ["pow(const, x)", (x) => g.pow(pos([3], 209), x), () => nrm([2, 3], 210)],
    ["div(const, x)", (x) => g.div(c3, x), () => pos([2, 3], 211)],
    ["stack [x, const, x]", (x) => g.stack([x, c3, x.mul(2)]), () => nrm([3], 212)],
  ];
  for (const [name, f, input] of mixed)
    it(`${name}: gradcheck in both modes`, () => {
      const x = input();
      expect(gradcheck(f, [x], { atol: 1e-6, rtol: 1e-5 }).ok).toBe(true);
    });
});
