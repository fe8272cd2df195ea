/**
 * The bundle every Tensor shows (`[Symbol.for("Jupyter.display")]()` returns `tensorBundle(this)`), and
 * `table(t)` for the same rendering of any tensor-like value with display options.
 */
import type { MimeBundle, TensorView } from "./view.js";
import { toView, type TensorLike } from "./coerce.js";
import { isSmallForLatex, mathDelimited, tensorLatex } from "./latex.js";
import { withLabels } from "./matrix.js";
import { Rich } from "./rich.js";
import { tableHtml, type TableOptions } from "./table.js";
import { tensorText } from "./text.js";

export type { TableOptions } from "./table.js";

/**
 * The MIME bundle of a tensor: text/plain (NumPy layout, or a labelled grid for Jacobians), text/html (a
 * table captioned `shape [m, n] · float64`) and, for scalars, vectors and matrices up to 12 × 12,
 * text/latex (a bmatrix). Bounded in size however large the tensor.
 * @example tensorBundle(tensor([[1, 2], [3, 4]]))["text/latex"] // "$\\displaystyle \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}$"
 */
export function tensorBundle(view: TensorView, options: TableOptions = {}): MimeBundle {
  const v = withLabels(toView(view, "tensor"), options);
  const bundle: MimeBundle = {
    "text/plain": tensorText(v, options),
    "text/html": tableHtml(v, options),
  };
  if (isSmallForLatex(v))
    bundle["text/latex"] = mathDelimited(tensorLatex(v, { precision: options.precision }));
  return bundle;
}

/**
 * A tensor (or nested arrays) as a table, with optional row and column names, a title, the Jacobian
 * reading (∂f_i/∂x_j) and limits on the rows and columns shown.
 * @example
 * table([[0.1, 0.9], [0.7, 0.3]], { rows: ["cat", "dog"], cols: ["p(cat)", "p(dog)"], title: "softmax" })
 * table(jacobian(f, x), { rows: ["loss"], cols: ["w1", "w2", "b"] })
 */
export function table(t: TensorLike, options: TableOptions = {}): Rich {
  return new Rich(tensorBundle(toView(t, "table"), options));
}
