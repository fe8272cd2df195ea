/** Bad input gets a clear error at the call, naming the op and the shapes or values involved. */
import { describe, expect, it } from "vitest";
import * as g from "gradlab";
import { tensor, zeros, ones, grad, jacobian } from "gradlab";

const cases: [string, () => unknown, RegExp][] = [
  [
    "matmul inner dimensions",
    () => g.matmul(zeros([2, 3]), zeros([2, 3])),
    /^matmul: \[2,3\] @ \[2,3\]: inner dimensions 3 and 2 differ$/,
  ],
  [
    "matmul vector mismatch",
    () => g.matmul(zeros([3]), zeros([4])),
    /matmul: \[3\] @ \[4\]: inner dimensions 3 and 4 differ/,
  ],
  [
    "matmul batch mismatch",
    () => g.matmul(zeros([2, 2, 3]), zeros([3, 3, 1])),
    /matmul: \[2,2,3\] @ \[3,3,1\]: batch dimensions do not broadcast/,
  ],
  [
    "matmul of a scalar",
    () => g.matmul(tensor(2), zeros([2])),
    /matmul: \[\] @ \[2\]: scalars are not matrices; use mul/,
  ],
  [
    "broadcasting",
    () => g.add(zeros([2, 3]), zeros([4])),
    /add: shapes \[2,3\] and \[4\] do not broadcast \(dimension 3 vs 4\)/,
  ],
  [
    "dtype mismatch",
    () => g.mul(zeros([2]), zeros([2], { dtype: "float32" })),
    /mul: dtype mismatch: \[2\] float64 and \[2\] float32; convert one with \.astype\("float64"\)/,
  ],
  [
    "unknown dtype",
    () => zeros([2], { dtype: "int32" as "float32" }),
    /full: unknown dtype "int32"; use "float64" or "float32"/,
  ],
  ["axis out of range", () => g.sum(zeros([2, 3]), 2), /sum: axis 2 is out of range for a tensor of rank 2/],
  [
    "negative axis out of range",
    () => g.softmax(zeros([3]), -2),
    /axis -2 is out of range for a tensor of rank 1/,
  ],
  ["repeated axis", () => g.sum(zeros([2, 3]), [1, -1]), /sum: axis 1 repeated/],
  [
    "ragged nested array",
    () => tensor([[1, 2], [3]]),
    /tensor: ragged nested array: at depth 1 expected 2 elements \(shape \[2,2\]\), found 1/,
  ],
  ["ragged depth", () => tensor([[1, 2], 3] as unknown as number[][]), /ragged nested array/],
  [
    "not numbers",
    () => tensor(["a"] as unknown as number[]),
    /tensor: expected numbers or nested arrays of numbers, found the string "a"/,
  ],
  [
    "reshape size",
    () => g.reshape(zeros([2, 3]), [4]),
    /reshape: cannot reshape \[2,3\] \(6 elements\) into \[4\] \(4 elements\)/,
  ],
  ["transpose perm", () => g.transpose(zeros([2, 3]), [0, 0]), /transpose: \[0,0\] is not a permutation/],
  ["broadcastTo", () => g.broadcastTo(zeros([3]), [2, 4]), /broadcastTo: cannot broadcast \[3\] to \[2,4\]/],
  ["slice index", () => g.slice(zeros([3]), 3), /slice: index 3 is out of range for axis 0 of size 3/],
  [
    "concat shapes",
    () => g.concat([zeros([2, 1]), zeros([3, 1])], 1),
    /concat: shapes \[2,1\], \[3,1\] differ outside axis 1/,
  ],
  ["item of many", () => zeros([2]).item(), /item: tensor has 2 elements \(shape \[2\]\); expected 1/],
  [
    "array instead of tensor",
    () => g.exp([1, 2] as unknown as g.Tensor),
    /exp: argument must be a Tensor, got an array \(wrap it with tensor\(\.\.\.\)\)/,
  ],
  [
    "grad of a vector function",
    () => grad((x: g.Tensor) => x.mul(2))(ones([3])),
    /grad: f must return a single number \(size 1\), got shape \[3\]; use jacobian/,
  ],
  [
    "backward of a vector",
    () => tensor([1, 2], { requiresGrad: true }).mul(2).backward(),
    /backward: output has shape \[2\]; pass its upstream gradient/,
  ],
  [
    "backward without requiresGrad",
    () => tensor([1]).mul(2).backward(),
    /does not depend on any tensor with requiresGrad/,
  ],
  [
    "jacobian mode",
    () => jacobian((x: g.Tensor) => x, ones([2]), { mode: "sideways" as "rev" }),
    /mode must be "rev", "fwd" or "auto"/,
  ],
  [
    "crossEntropy label",
    () => g.nn.crossEntropy(zeros([2, 3]), [0, 3]),
    /crossEntropy: label 3 at position 1 is not a class index in 0\.\.2/,
  ],
  ["optimizer lr", () => new g.optim.SGD([], { lr: -1 }), /SGD: lr must be a positive number, got -1/],
];

describe("clear errors", () => {
  for (const [name, fn, re] of cases) it(name, () => expect(fn).toThrow(re));
});

describe("non-differentiable points name the op", () => {
  it("sqrt at 0", () => {
    const x = tensor([4, 0], { requiresGrad: true });
    expect(() => g.sqrt(x).sum().backward()).toThrow(
      /backward: sqrt gave a (NaN|infinite) gradient for its input 0 \(shape \[2\], value 0 there\): sqrt is not differentiable at that point/,
    );
  });
  it("log at 0 through grad()", () => {
    expect(() => grad((x: g.Tensor) => g.log(x).sum())(tensor([1, 0]))).toThrow(/log gave a .* gradient/);
  });
  it("pow with a fractional exponent at 0", () => {
    expect(() => grad((x: g.Tensor) => x.pow(0.5).sum())(tensor([0]))).toThrow(/pow gave a .* gradient/);
  });
  it("forward mode too: jvp of sqrt at 0", () => {
    expect(() => g.jvp((x: g.Tensor) => g.sqrt(x), tensor([0]), tensor([1]))).toThrow(
      /jvp: sqrt gave a non-finite tangent from finite inputs/,
    );
  });
  it("finite kinks use the documented subgradient instead (relu'(0) = 0, |x|'(0) = 0, maximum ties ½)", () => {
    expect(grad((x: g.Tensor) => g.relu(x).sum())(tensor([0])).item()).toBe(0);
    expect(grad((x: g.Tensor) => g.abs(x).sum())(tensor([0])).item()).toBe(0);
    expect(grad((x: g.Tensor) => g.maximum(x, 0).sum())(tensor([0])).item()).toBe(0.5);
  });
  it("user code errors never corrupt grad mode", () => {
    expect(() =>
      g.noGrad(() => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    const x = tensor([1], { requiresGrad: true });
    expect(x.mul(2).requiresGrad).toBe(true);
  });
});
