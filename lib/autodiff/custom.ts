/**
 * User-defined primitives: `customGrad({ forward, vjp?, jvp? })` turns a forward function and its own
 * derivative rule(s) into a new primitive record, applied like any built-in op. Give either rule; the
 * other is derived by transposition (vjp is linear in ct, jvp in x_dot, so each is the gradient of an
 * inner product with the other), so jacrev, jacfwd and nesting all work.
 */
import { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { stack } from "../tensor/composite.js";
import { definePrimitive, type Primitive } from "./primitive.js";
import { apply } from "./apply.js";
import { withGradMode } from "./state.js";
import { pullbackTo, makeVariables } from "./transforms.js";

export interface CustomGradSpec {
  /** Shown in graphs and errors (default "custom"). */
  name?: string;
  /** The values: inputs → output, written with any ops (it is not differentiated). */
  forward: (...xs: Tensor[]) => Tensor;
  /** ct (shape of the output) → one cotangent per input (or a single tensor for one input). */
  vjp?: (ct: Tensor, xs: Tensor[], y: Tensor) => Tensor | (Tensor | null)[];
  /** Input tangents (zeros where absent) → output tangent. */
  jvp?: (xDots: Tensor[], xs: Tensor[], y: Tensor) => Tensor;
}

/** Runs fn once per entry of the leading batch dims of `lead` (for user rules that see one vector at a time). */
function perBatch(nb: number, lead: Tensor, fn: (i: number) => Tensor[]): Tensor[] {
  const batch = lead.shape.slice(0, nb);
  const count = batch.reduce((a, b) => a * b, 1);
  const rows: Tensor[][] = [];
  for (let i = 0; i < count; i++) rows.push(fn(i));
  return rows[0].map((_, j) => {
    const s = stack(rows.map((r) => r[j]));
    return ops.reshape(s, [...batch, ...s.shape.slice(1)]);
  });
}

function entry(t: Tensor, nb: number, i: number): Tensor {
  const flat = ops.reshape(t, [-1, ...t.shape.slice(nb)]);
  return ops.reshape(
    ops.sliceRaw(flat, {
      starts: [i, ...t.shape.slice(nb).map(() => 0)],
      steps: flat.shape.map(() => 1),
      sizes: [1, ...t.shape.slice(nb)],
    }),
    t.shape.slice(nb),
  );
}

/**
 * Defines an op with your own derivative. Returns a function applying it.
 * @example
 * const clip = customGrad({ forward: (x) => x.maximum(-1).minimum(1), vjp: (ct) => [ct] }) // straight-through
 */
export function customGrad(spec: CustomGradSpec): (...xs: Tensor[]) => Tensor {
  if (typeof spec?.forward !== "function") throw new TypeError("customGrad: spec.forward must be a function");
  if (!spec.vjp && !spec.jvp) throw new TypeError("customGrad: give a vjp rule, a jvp rule, or both");
  const name = spec.name ?? "custom";

  const userVjp = (ct: Tensor, xs: Tensor[], y: Tensor): (Tensor | null)[] => {
    if (spec.vjp) {
      const r = spec.vjp(ct, xs, y);
      return r instanceof Tensor ? [r] : r;
    }
    // transpose the jvp: ct·J_i = ∂/∂u_i <jvp(u), ct>
    const us = makeVariables(xs.map((x) => ops.zerosOf(x.shape, x.dtype)));
    const s = withGradMode(true, () => ops.sum(ops.mul(spec.jvp!(us, xs, y), ct)));
    return pullbackTo([s], [ops.scalarOf(1, s.dtype)], us);
  };
  const userJvp = (dots: Tensor[], xs: Tensor[], y: Tensor): Tensor => {
    if (spec.jvp) return spec.jvp(dots, xs, y);
    // transpose the vjp: J·u = ∂/∂ct Σ_i <vjp(ct)_i, u_i>
    const [c] = makeVariables([ops.zerosOf(y.shape, y.dtype)]);
    const s = withGradMode(true, () => {
      const gs = userVjp(c, xs, y);
      let acc: Tensor = ops.scalarOf(0, y.dtype);
      gs.forEach((g, i) => {
        if (g) acc = ops.add(acc, ops.sum(ops.mul(g, dots[i])));
      });
      return acc;
    });
    return pullbackTo([s], [ops.scalarOf(1, s.dtype)], [c])[0] ?? ops.zerosOf(y.shape, y.dtype);
  };

  const prim: Primitive<void> = definePrimitive<void>({
    name,
    forward: (inputs) => {
      const y = withGradMode(false, () => spec.forward(...inputs.map((x) => x.detach())));
      if (!(y instanceof Tensor)) throw new TypeError(`${name}: forward must return a Tensor`);
      return y.detach();
    },
    vjp: (ct, inputs, y, _p, wants) => {
      const xs = inputs.slice();
      const nb = ct.shape.length - y.shape.length;
      const raw =
        nb === 0
          ? userVjp(ct, xs, y).map((g, i) => g ?? ops.zerosOf(xs[i].shape, xs[i].dtype))
          : perBatch(nb, ct, (i) =>
              userVjp(entry(ct, nb, i), xs, y).map((g, k) => g ?? ops.zerosOf(xs[k].shape, xs[k].dtype)),
            );
      return raw.map((g, i) => (wants[i] ? g : null));
    },
    jvp: (dots, inputs, y) => {
      const xs = inputs.slice();
      const lead = dots.find((d) => d !== null)!;
      const i0 = dots.indexOf(lead);
      const nb = lead.shape.length - xs[i0].shape.length;
      const filled = (i: number, b: number) => {
        const d = dots[i];
        if (d === null) return ops.zerosOf(xs[i].shape, xs[i].dtype);
        return nb === 0 ? d : entry(d, nb, b);
      };
      if (nb === 0)
        return userJvp(
          xs.map((_, i) => filled(i, 0)),
          xs,
          y,
        );
      return perBatch(nb, lead, (b) => [
        userJvp(
          xs.map((_, i) => filled(i, b)),
          xs,
          y,
        ),
      ])[0];
    },
  });
  return (...xs: Tensor[]) => {
    xs.forEach((x, i) => ops.asTensor(name, x, `argument ${i}`));
    return apply(prim, xs, undefined);
  };
}
