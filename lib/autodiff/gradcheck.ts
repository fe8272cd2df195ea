/**
 * The one generic gradient checker: central differences in float64 against BOTH modes (jacrev and
 * jacfwd), plus the transpose identity <u, vjp(v)> = <jvp(u), v> for random u, v.
 */
import { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { randn } from "../tensor/create.js";
import { Random } from "../tensor/random.js";
import { formatShape } from "../tensor/shape.js";
import { jacfwd, jacrev, jvp, vjp, noGrad } from "./transforms.js";

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Seed for the random u, v of the transpose identity (default 0). */
  seed?: number;
  /** Throw on failure (default true); otherwise only report. */
  raise?: boolean;
}

export interface GradcheckReport {
  ok: boolean;
  /** Largest |analytic − numeric| over all Jacobian entries, per mode. */
  maxAbsError: { rev: number; fwd: number };
  /** |<u, vjp(v)> − <jvp(u), v>| and its tolerance. */
  transposeError: number;
  /** Human-readable problems (empty when ok). */
  failures: string[];
  /** Numeric Jacobian blocks (one per input), shape [...outShape, ...inShape]. */
  numeric: Tensor[];
}

/**
 * Checks the derivatives of f at `inputs` (f is called as f(...inputs)). Returns a report; throws an
 * Error naming the worst entry when a check fails (unless raise: false).
 * @example gradcheck((x, y) => x.mul(y).sin(), [tensor([0.3]), tensor([2])])
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor | readonly Tensor[],
  opts: GradcheckOptions = {},
): GradcheckReport {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const list = (inputs instanceof Tensor ? [inputs] : inputs.slice()).map((x, i) =>
    ops.cast(ops.asTensor("gradcheck", x, `input ${i}`), "float64").detach(),
  );
  const g = (xs: Tensor[]) => f(...xs);
  const y0 = noGrad(() => g(list));
  if (!(y0 instanceof Tensor)) throw new TypeError("gradcheck: f must return a Tensor");

  const numeric = list.map((x, i) => numericBlock(g, list, i, y0, eps));
  const rev = jacrev(g, list) as Tensor[];
  const fwd = jacfwd(g, list) as Tensor[];
  const failures: string[] = [];
  const maxAbsError = { rev: 0, fwd: 0 };
  for (const [mode, blocks] of [
    ["rev", rev],
    ["fwd", fwd],
  ] as const)
    blocks.forEach((J, i) => {
      const a = J._data;
      const n = numeric[i]._data;
      let worst = -1;
      let worstExcess = 0;
      for (let k = 0; k < n.length; k++) {
        const err = Math.abs(a[k] - n[k]);
        if (!(err <= maxAbsError[mode])) maxAbsError[mode] = err;
        const excess = err - (atol + rtol * Math.abs(n[k]));
        if (!(excess <= worstExcess)) {
          worstExcess = excess;
          worst = k;
        }
      }
      if (worst >= 0)
        failures.push(
          `${mode === "rev" ? "reverse" : "forward"}-mode Jacobian of input ${i} (shape ${formatShape(list[i].shape)}) ` +
            `differs from central differences at entry ${indexOf(J.shape, worst)}: analytic ${a[worst]}, numeric ${n[worst]} ` +
            `(|diff| ${Math.abs(a[worst] - n[worst]).toExponential(2)} > atol ${atol} + rtol ${rtol}·|numeric|)`,
        );
    });

  // <u, vjp(v)> = <jvp(u), v>
  const rng = new Random(opts.seed ?? 0);
  const us = list.map((x) => randn(x.shape, { rng }));
  const v = randn(y0.shape, { rng });
  const [, back] = vjp(g, list);
  const ctx = back(v) as Tensor[];
  const [, yDot] = jvp(g, list, us);
  const lhs = us.reduce((s, u, i) => s + dotAll(u, ctx[i]), 0);
  const rhs = dotAll(yDot, v);
  const transposeError = Math.abs(lhs - rhs);
  if (!(transposeError <= 1e-8 * (1 + Math.abs(lhs) + Math.abs(rhs))))
    failures.push(`<u, vjp(v)> = ${lhs} but <jvp(u), v> = ${rhs}: reverse and forward mode disagree`);

  const report: GradcheckReport = {
    ok: failures.length === 0,
    maxAbsError,
    transposeError,
    failures,
    numeric,
  };
  if (!report.ok && opts.raise !== false) {
    const err = new Error(`gradcheck failed:\n  ${failures.join("\n  ")}`);
    (err as Error & { report: GradcheckReport }).report = report;
    throw err;
  }
  return report;
}

function numericBlock(g: (xs: Tensor[]) => Tensor, xs: Tensor[], i: number, y0: Tensor, eps: number): Tensor {
  const x = xs[i];
  const n = x.size;
  const m = y0.size;
  const out = new Float64Array(m * n);
  noGrad(() => {
    for (let j = 0; j < n; j++) {
      const probe = (delta: number) => {
        const d = x._data.slice();
        d[j] += delta;
        const args = xs.slice();
        args[i] = new Tensor(d, x.shape, "float64");
        return ops.cast(g(args), "float64")._data;
      };
      const plus = probe(eps);
      const minus = probe(-eps);
      for (let k = 0; k < m; k++) out[k * n + j] = (plus[k] - minus[k]) / (2 * eps);
    }
  });
  return new Tensor(out, [...y0.shape, ...x.shape], "float64");
}

function dotAll(a: Tensor, b: Tensor): number {
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a._data[i] * b._data[i];
  return s;
}

function indexOf(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `[${idx.join(",")}]`;
}
