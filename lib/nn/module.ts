/**
 * Modules: objects holding parameters (leaf tensors with requiresGrad) and a `forward` map. Parameters are
 * found by walking the module's own fields (tensors, sub-modules, arrays of them), iteratively.
 */
import { Tensor } from "../tensor/tensor.js";
import { callable } from "./callable.js";
import { linear, relu, sigmoid } from "../tensor/composite.js";
import { tanh } from "../tensor/ops.js";
import { rand, type RandomOptions } from "../tensor/create.js";
import type { DType } from "../tensor/dtype.js";

export abstract class Module {
  /** The module's map from input to output. */
  abstract forward(x: Tensor): Tensor;

  /**
   * Every parameter (tensor with requiresGrad) in this module and its sub-modules, in field order, each once.
   * @example new nn.Linear(3, 2).parameters().length // 2
   */
  parameters(): Tensor[] {
    const out: Tensor[] = [];
    const seen = new Set<unknown>();
    const stack: unknown[] = [this];
    while (stack.length > 0) {
      const v = stack.pop();
      if (v === null || typeof v !== "object" || seen.has(v)) continue;
      seen.add(v);
      if (v instanceof Tensor) {
        if (v.requiresGrad && v.node === null) out.push(v);
      } else if (v instanceof Module || Array.isArray(v)) {
        // push in reverse so that fields come out in declaration order
        const children = Array.isArray(v) ? v : Object.values(v);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      }
    }
    return out;
  }

  /** Clears `.grad` of every parameter. @example model.zeroGrad() */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }
}

export interface LinearOptions {
  /** Add a bias vector b (default true). */
  bias?: boolean;
  /** Seed for the initial weights (reproducible); otherwise the default generator is used. */
  seed?: number;
  /** "float64" (default) or "float32". */
  dtype?: DType;
}

/**
 * y = x Wᵀ + b with W of shape [out, in] (so for a vector x: y = Wx + b, as on the slide). Initialised
 * uniformly in ±1/√in (PyTorch's default).
 * @example const layer = new nn.Linear(3, 2, { seed: 0 }); layer.forward(tensor([1, 2, 3]))
 */
export class LinearLayer extends Module {
  weight: Tensor;
  bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    const dtype = opts.dtype ?? "float64";
    const bound = 1 / Math.sqrt(inFeatures);
    const ropts: RandomOptions = { dtype };
    if (opts.seed !== undefined) ropts.seed = opts.seed;
    const u = (shape: number[], seedOffset: number) => {
      const o = opts.seed === undefined ? ropts : { ...ropts, seed: opts.seed + seedOffset };
      return rand(shape, o)
        .mul(2 * bound)
        .sub(bound)
        .detach();
    };
    this.weight = u([outFeatures, inFeatures], 0).named("W").requireGrad();
    this.bias = opts.bias === false ? null : u([outFeatures], 7919).named("b").requireGrad();
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** tanh as a layer. @example new nn.Tanh().forward(x) */
export class TanhLayer extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** σ as a layer. @example new nn.Sigmoid().forward(x) */
export class SigmoidLayer extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** max(x, 0) as a layer. @example new nn.ReLU().forward(x) */
export class ReLULayer extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * Layers applied in order. Linear layers' parameters are renamed W1, b1, W2, b2, ... for graph pictures.
 * @example const mlp = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh(), new nn.Linear(2, 1))
 */
export class SequentialLayer extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) throw new TypeError(`Sequential: layer ${i} is not a Module`);
    });
    this.layers = layers;
    let k = 0;
    for (const l of layers)
      if (l instanceof LinearLayer) {
        k++;
        if (l.weight.name === "W") l.weight.name = `W${k}`;
        if (l.bias && l.bias.name === "b") l.bias.name = `b${k}`;
      }
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const l of this.layers) h = l.forward(h);
    return h;
  }
}

/** y = x Wᵀ + b (see LinearLayer). @example const layer = nn.Linear(3, 2, { seed: 0 }) */
export const Linear = callable(LinearLayer);
export type Linear = LinearLayer;
/** tanh as a layer. @example nn.Tanh() */
export const Tanh = callable(TanhLayer);
export type Tanh = TanhLayer;
/** σ as a layer. @example nn.Sigmoid() */
export const Sigmoid = callable(SigmoidLayer);
export type Sigmoid = SigmoidLayer;
/** max(x, 0) as a layer. @example nn.ReLU() */
export const ReLU = callable(ReLULayer);
export type ReLU = ReLULayer;
/** Layers in order (see SequentialLayer). @example nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1)) */
export const Sequential = callable(SequentialLayer);
export type Sequential = SequentialLayer;
