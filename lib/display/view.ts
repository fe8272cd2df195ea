/**
 * What display code needs from a tensor. Display never imports the tensor module (one-way flow:
 * tensor → display); a Tensor satisfies this interface structurally.
 */
export interface TensorView {
  readonly shape: readonly number[];
  readonly dtype: "float64" | "float32";
  /** Row-major values. */
  readonly data: ArrayLike<number>;
  /** Optional user-given name (`tensor(.., { name })` or `.named()`). */
  readonly name?: string;
  /** Set on Jacobians: labels of the output (row) and input (column) axes. */
  readonly labels?: AxisLabels;
}

/** Row and column labels, e.g. `∂f_1`, `∂x_2`, for a matrix shown as a table, LaTeX or heatmap. */
export interface AxisLabels {
  rows?: readonly string[];
  cols?: readonly string[];
  /** A caption such as "Jacobian ∂f/∂x". */
  title?: string;
  /**
   * "jacobian": rows are outputs f_i and columns inputs x_j (numerator layout); display shows headers as
   * ∂f_i and ∂x_j and hover text as ∂f_i/∂x_j. Labels hold the plain names ("f_1", "x_2", or user names).
   */
  kind?: "jacobian";
}

/** A Jupyter MIME bundle: MIME type → data (string or JSON). */
export type MimeBundle = Record<string, unknown>;

/** The display protocol shared with Deno's kernel: an object shows itself by returning a MIME bundle. */
export const DISPLAY = Symbol.for("Jupyter.display");

export interface Displayable {
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
}
