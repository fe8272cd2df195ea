/** The Jacobian's title follows the names given for its rows (outputs) and columns (inputs). */
import { describe, expect, it } from "vitest";
import { jacobian, tensor, DISPLAY, type Tensor } from "gradlab";

// f(x, y) = 3x²y and g(x, y) = 2x + y⁸ (the lecture's example), as one map R² → R².
const fg = (v: Tensor) => {
  const [x, y] = [v.index(0), v.index(1)];
  return tensor([0, 0])
    .add(
      x
        .mul(x)
        .mul(y)
        .mul(3)
        .mul(tensor([1, 0])),
    )
    .add(
      x
        .mul(2)
        .add(y.pow(8))
        .mul(tensor([0, 1])),
    );
};

describe("jacobian titles", () => {
  const p = tensor([1, 2]);

  it("is ∂f/∂x without names", () => {
    const J = jacobian(fg, p);
    expect(J.labels?.title).toBe("∂f/∂x");
    expect(J.labels?.rows).toEqual(["f_1", "f_2"]);
  });

  it("is ∂(f, g)/∂(x, y) with names, and shows so in every MIME type", () => {
    const J = jacobian(fg, p, { outputNames: ["f", "g"], inputNames: ["x", "y"] });
    expect(J.labels?.title).toBe("∂(f, g)/∂(x, y)");
    // Numbers: [[6xy, 3x²], [2, 8y⁷]] at (1, 2).
    expect(Array.from(J.data)).toEqual([12, 3, 2, 8 * 2 ** 7].map((v) => expect.closeTo(v, 9)));
    const bundle = J[DISPLAY]();
    expect(String(bundle["text/plain"]).split("\n")[0]).toContain("∂(f, g)/∂(x, y)");
    expect(String(bundle["text/html"])).toContain("∂(f, g)/∂(x, y)");
  });

  it("follows each side's names on its own: one name needs no parentheses", () => {
    const sum2 = (v: Tensor) => v.sum().reshape([1]);
    expect(jacobian(sum2, p, { outputNames: ["loss"] }).labels?.title).toBe("∂loss/∂x");
    expect(jacobian(sum2, p, { outputNames: ["loss"], inputNames: ["w", "b"] }).labels?.title).toBe(
      "∂loss/∂(w, b)",
    );
    expect(jacobian(fg, p, { inputNames: ["x", "y"] }).labels?.title).toBe("∂f/∂(x, y)");
  });
});
