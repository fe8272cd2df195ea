/**
 * Optimizers. They update parameters IN PLACE (the one place where a tensor's values change), between
 * steps, outside the tape, as PyTorch does under no_grad.
 */
import type { Tensor } from "../tensor/tensor.js";
import { callable } from "./callable.js";
import { allocate, type Storage } from "../tensor/dtype.js";

/** Accepts (params, opts) or ({ params, ...opts }). */
function split<O extends object>(
  op: string,
  a: readonly Tensor[] | (O & { params: readonly Tensor[] }),
  b?: O,
): [readonly Tensor[], O] {
  if (Array.isArray(a)) return [a, (b ?? {}) as O];
  if (a && typeof a === "object" && "params" in a)
    return [(a as { params: readonly Tensor[] }).params, a as O];
  throw new TypeError(`${op}: expected (parameters, options), e.g. ${op}(model.parameters(), { lr: 0.1 })`);
}

function checkParams(op: string, params: readonly Tensor[]): Tensor[] {
  if (!Array.isArray(params))
    throw new TypeError(`${op}: expected an array of parameters (e.g. model.parameters())`);
  params.forEach((p, i) => {
    if (p.node !== null)
      throw new TypeError(
        `${op}: parameter ${i} is not a leaf tensor (it was computed by ${p.node.prim.name})`,
      );
  });
  return params.slice();
}

function checkLr(op: string, lr: unknown): number {
  if (typeof lr !== "number" || !(lr > 0))
    throw new RangeError(`${op}: lr must be a positive number, got ${String(lr)}`);
  return lr;
}

export interface SGDOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor (0 = plain gradient descent). */
  momentum?: number;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent, with optional momentum: v ← μv + g; p ← p − lr·v.
 * @example const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 })
 */
export class SGDOptimizer {
  readonly params: Tensor[];
  lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly velocity: (Storage | null)[];

  constructor(
    params: readonly Tensor[] | (SGDOptions & { params: readonly Tensor[] }),
    options?: SGDOptions,
  ) {
    const [ps, opts] = split<SGDOptions>("SGD", params, options);
    this.params = checkParams("SGD", ps);
    this.lr = checkLr("SGD", opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.velocity = this.params.map(() => null);
  }

  /** One update from the current `.grad`s (parameters without a grad are skipped). @example opt.step() */
  step(): void {
    const { lr, momentum: mu, weightDecay: wd } = this;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const x = p._data;
      const g = p.grad._data;
      if (mu === 0) {
        for (let i = 0; i < x.length; i++) x[i] -= lr * (g[i] + wd * x[i]);
        return;
      }
      const v = (this.velocity[k] ??= allocate(p.dtype, p.size));
      for (let i = 0; i < x.length; i++) {
        v[i] = mu * v[i] + g[i] + wd * x[i];
        x[i] -= lr * v[i];
      }
    });
  }

  /** Clears every parameter's `.grad`. @example opt.zeroGrad() */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba): bias-corrected moment estimates m, v; p ← p − lr·m̂/(√v̂ + ε).
 * @example const opt = new optim.Adam(model.parameters(), { lr: 1e-2 })
 */
export class AdamOptimizer {
  readonly params: Tensor[];
  lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private t = 0;
  private readonly m: Storage[];
  private readonly v: Storage[];

  constructor(
    params: readonly Tensor[] | (AdamOptions & { params: readonly Tensor[] }),
    options?: AdamOptions,
  ) {
    const [ps, opts] = split<AdamOptions>("Adam", params, options);
    this.params = checkParams("Adam", ps);
    this.lr = checkLr("Adam", opts.lr ?? 1e-3);
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.m = this.params.map((p) => allocate(p.dtype, p.size));
    this.v = this.params.map((p) => allocate(p.dtype, p.size));
  }

  /** One update from the current `.grad`s. @example opt.step() */
  step(): void {
    this.t++;
    const [b1, b2] = this.betas;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    const { lr, eps, weightDecay: wd } = this;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const x = p._data;
      const g = p.grad._data;
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < x.length; i++) {
        const gi = g[i] + wd * x[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        x[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    });
  }

  /** Clears every parameter's `.grad`. @example opt.zeroGrad() */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

/** SGD, with or without `new`. @example const opt = optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) */
export const SGD = callable(SGDOptimizer);
export type SGD = SGDOptimizer;
/** Adam, with or without `new`. @example const opt = optim.Adam(model.parameters(), { lr: 1e-3 }) */
export const Adam = callable(AdamOptimizer);
export type Adam = AdamOptimizer;
