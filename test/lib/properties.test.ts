/**
 * Property tests (fast-check) over random shapes: broadcasting, reductions, matmul batching and layout
 * ops against the independent reference, and both autodiff modes against each other.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as g from "gradlab";
import { Tensor, randn, jacrev, jacfwd, vjp, jvp } from "gradlab";
import * as ref from "./reference.js";
import { dense } from "./reference.js";

const RUNS = { numRuns: 40, seed: 20240601 };
const dim = fc.integer({ min: 1, max: 3 });
const shapeArb = fc.array(dim, { minLength: 0, maxLength: 3 });

/** A pair of shapes that broadcast: b is a suffix of a with some dims set to 1 (or the other way round). */
const broadcastPair = fc
  .tuple(
    shapeArb,
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.boolean(),
  )
  .map(([a, ones, drop, swap]) => {
    const b = a.slice(Math.min(drop, a.length)).map((d, i) => (ones[i] ? 1 : d));
    return swap ? [b, a] : [a, b];
  });

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-10) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
};

const binaryOps: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ["add", g.add, (x, y) => x + y],
  ["sub", g.sub, (x, y) => x - y],
  ["mul", g.mul, (x, y) => x * y],
  ["div", (a, b) => g.div(a, g.exp(b)), (x, y) => x / Math.exp(y)],
  ["maximum", g.maximum, Math.max],
];

describe("broadcasting binary ops", () => {
  for (const [name, op, f] of binaryOps)
    it(`${name}: forward equals the reference, gradients have the input shapes, jacfwd = jacrev`, () => {
      fc.assert(
        fc.property(broadcastPair, fc.integer({ min: 0, max: 1000 }), ([sa, sb], seed) => {
          const a = randn(sa, { seed });
          const b = randn(sb, { seed: seed + 1 });
          const y = op(a, b);
          const want = ref.map([dense(a), dense(b)], f);
          expect(y.shape).toEqual(want.shape);
          near(y.data, want.data);
          const [ja, jb] = jacrev((xs: Tensor[]) => op(xs[0], xs[1]), [a, b]);
          const [fa, fb] = jacfwd((xs: Tensor[]) => op(xs[0], xs[1]), [a, b]);
          expect(ja.shape).toEqual([...y.shape, ...sa]);
          expect(jb.shape).toEqual([...y.shape, ...sb]);
          near(ja.data, fa.data);
          near(jb.data, fb.data);
        }),
        RUNS,
      );
    });
});

describe("transpose identity <u, vjp(v)> = <jvp(u), v> on random composite functions", () => {
  it("holds for random shapes and a random pipeline", () => {
    const stages: ((x: Tensor, w: Tensor) => Tensor)[] = [
      (x, w) => g.tanh(g.mul(x, w)),
      (x, w) => g.softplus(g.add(x, w)),
      (x, w) => g.sigmoid(g.sub(x, w)).mul(x),
      (x, w) => (x.ndim > 0 && w.ndim <= x.ndim ? g.softmax(g.add(x, w)) : g.add(x, w)),
      (x, w) => g.div(x, g.exp(w)),
    ];
    fc.assert(
      fc.property(
        broadcastPair,
        fc.array(fc.integer({ min: 0, max: stages.length - 1 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 999 }),
        ([sx, sw], picks, seed) => {
          const x = randn(sx, { seed });
          const w = randn(sw, { seed: seed + 7 });
          const f = (z: Tensor) => picks.reduce((acc, k) => stages[k](acc, w), z);
          const y = f(x);
          const u = randn(x.shape, { seed: seed + 1 });
          const v = randn(y.shape, { seed: seed + 2 });
          const [, back] = vjp(f, x);
          const [, yDot] = jvp(f, x, u);
          const lhs = g.sum(g.mul(u, back(v))).item();
          const rhs = g.sum(g.mul(yDot, v)).item();
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(lhs)));
        },
      ),
      RUNS,
    );
  });
});

const axesArb = shapeArb.chain((shape) =>
  fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, i) => i)), fc.boolean(), fc.boolean()),
);

describe("reductions over random axes", () => {
  it("sum and max match the reference; their Jacobians agree across modes", () => {
    fc.assert(
      fc.property(axesArb, fc.integer({ min: 0, max: 999 }), ([shape, axes, keepdims, negative], seed) => {
        const x = randn(shape, { seed });
        const ax = negative ? axes.map((a) => a - shape.length) : axes;
        const s = g.sum(x, ax, keepdims);
        const want = ref.reduce(dense(x), axes, keepdims, (p, q) => p + q, 0);
        expect(s.shape).toEqual(want.shape);
        near(s.data, want.data);
        if (x.size > 0) {
          const m = g.max(x, ax, keepdims);
          near(m.data, ref.reduce(dense(x), axes, keepdims, Math.max, -Infinity).data);
          const f = (z: Tensor) => g.max(z, ax, keepdims).mul(g.sum(z, ax, keepdims));
          near(jacrev(f, x).data, jacfwd(f, x).data);
        }
      }),
      RUNS,
    );
  });
});

describe("matmul over random batch shapes", () => {
  it("matches a per-matrix reference and broadcasts batch dims; modes agree", () => {
    const share = fc.constantFrom("none", "a", "b");
    const arb = fc.tuple(
      dim,
      dim,
      dim,
      fc.array(dim, { maxLength: 2 }),
      fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      fc.integer({ min: 0, max: 999 }),
      share,
    );
    fc.assert(
      fc.property(arb, ([m, k, n, batch, ones, seed, shared]) => {
        // shared "a": A is one matrix for every batch entry (then B carries the batch), and vice versa
        const ba = shared === "a" ? [] : shared === "b" ? batch : batch.map((d, i) => (ones[i] ? 1 : d));
        const a = randn([...ba, m, k], { seed });
        const b = randn(shared === "b" ? [k, n] : [...batch, k, n], { seed: seed + 1 });
        const y = g.matmul(a, b);
        expect(y.shape).toEqual([...batch, m, n]);
        const count = batch.reduce((p, q) => p * q, 1);
        const A = dense(a);
        const B = dense(b);
        for (let t = 0; t < count; t++) {
          // index of the broadcast a block for output batch t
          let ta = 0;
          let rem = t;
          const idx = batch.map((_, d) => {
            const stride = batch.slice(d + 1).reduce((p, q) => p * q, 1);
            const i = Math.floor(rem / stride);
            rem -= i * stride;
            return i;
          });
          if (shared !== "a") idx.forEach((i, d) => (ta = ta * ba[d] + (ba[d] === 1 ? 0 : i)));
          const tb = shared === "b" ? 0 : t;
          const blk = ref.matmul(
            { shape: [m, k], data: A.data.slice(ta * m * k, (ta + 1) * m * k) },
            { shape: [k, n], data: B.data.slice(tb * k * n, (tb + 1) * k * n) },
          );
          near(Array.from(y.data).slice(t * m * n, (t + 1) * m * n), blk.data);
        }
        const f = (xs: Tensor[]) => g.matmul(xs[0], xs[1]);
        const [r0, r1] = jacrev(f, [a, b]);
        const [f0, f1] = jacfwd(f, [a, b]);
        near(r0.data, f0.data);
        near(r1.data, f1.data);
      }),
      RUNS,
    );
  });
});

describe("layout round trips", () => {
  it("transpose by a random permutation and back is the identity; reshape/flatten keep row-major order", () => {
    const arb = shapeArb.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.shuffledSubarray(
          s.map((_, i) => i),
          { minLength: s.length, maxLength: s.length },
        ),
      ),
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 999 }), ([shape, perm], seed) => {
        const x = randn(shape, { seed });
        const t = g.transpose(x, perm);
        near(t.data, ref.transpose(dense(x), perm).data, 0);
        const inv = new Array<number>(perm.length);
        perm.forEach((p, i) => (inv[p] = i));
        near(g.transpose(t, inv).data, x.data, 0);
        near(g.flatten(x).data, x.data, 0);
      }),
      RUNS,
    );
  });
});
