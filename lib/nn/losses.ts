/**
 * Losses as composites of primitives (no gradient code).
 */
import { Tensor } from "../tensor/tensor.js";
import * as ops from "../tensor/ops.js";
import { logSoftmax, mean, square } from "../tensor/composite.js";
import { formatShape } from "../tensor/shape.js";
import { allocate } from "../tensor/dtype.js";
import { scoped } from "../autodiff/state.js";

/**
 * Mean squared error: mean((pred − target)²).
 * @example mseLoss(model.forward(x), y)
 */
export function mseLoss(pred: Tensor, target: Tensor | number): Tensor {
  ops.asTensor("mseLoss", pred, "prediction");
  if (target instanceof Tensor && formatShape(target.shape) !== formatShape(pred.shape))
    throw new RangeError(
      `mseLoss: prediction ${formatShape(pred.shape)} and target ${formatShape(target.shape)} differ`,
    );
  return scoped("mseLoss", () => mean(square(ops.sub(pred, target))));
}

/**
 * Cross-entropy of logits [batch, classes] (or [classes]) against class indices (numbers or a tensor of
 * indices) or against probabilities of the logits' shape: mean over the batch of −Σ p·log softmax(z).
 * @example crossEntropy(logits, [3, 0, 1])
 */
export function crossEntropy(logits: Tensor, labels: Tensor | readonly number[] | number): Tensor {
  ops.asTensor("crossEntropy", logits, "logits");
  const r = logits.shape.length;
  if (r !== 1 && r !== 2)
    throw new RangeError(
      `crossEntropy: logits must be [classes] or [batch, classes], got ${formatShape(logits.shape)}`,
    );
  const classes = logits.shape[r - 1];
  let target: Tensor;
  if (labels instanceof Tensor && formatShape(labels.shape) === formatShape(logits.shape)) target = labels;
  else {
    const idx =
      labels instanceof Tensor ? Array.from(labels._data) : typeof labels === "number" ? [labels] : labels;
    const rows = r === 1 ? 1 : logits.shape[0];
    if (idx.length !== rows)
      throw new RangeError(
        `crossEntropy: ${idx.length} labels for ${rows} rows of logits ${formatShape(logits.shape)}`,
      );
    const d = allocate(logits.dtype, rows * classes);
    idx.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c >= classes)
        throw new RangeError(
          `crossEntropy: label ${c} at position ${i} is not a class index in 0..${classes - 1}`,
        );
      d[i * classes + c] = 1;
    });
    target = new Tensor(d, logits.shape, logits.dtype);
  }
  return scoped("crossEntropy", () => {
    const nll = ops.neg(ops.sum(ops.mul(target, logSoftmax(logits, -1)), -1));
    return r === 1 ? nll : mean(nll);
  });
}
