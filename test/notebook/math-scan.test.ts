import { describe, expect, it } from "vitest";
import { scanMath, type Segment } from "../../kernel/notebook/math-scan.js";

const math = (segments: Segment[]) =>
  segments.filter((s) => s.kind === "math").map((s) => (s.kind === "math" ? [s.tex, s.display] : []));

describe("scanMath in markdown", () => {
  it.each<[string, string, [string, boolean][]]>([
    ["inline dollars", "a $x_1 * y_2$ b", [["x_1 * y_2", false]]],
    ["display dollars across lines", "$$\n- 2 & 3 \\\\\n4\n$$", [["\n- 2 & 3 \\\\\n4\n", true]]],
    ["\\( \\)", "see \\(a^2\\) here", [["a^2", false]]],
    ["\\[ \\]", "\\[ \\int_0^1 \\]", [[" \\int_0^1 ", true]]],
    [
      "environment",
      "\\begin{equation}\na = b\n\\end{equation}",
      [["\\begin{equation}\na = b\n\\end{equation}", true]],
    ],
    [
      "nested environment of the same name",
      "\\begin{matrix}\\begin{matrix}1\\end{matrix}\\end{matrix} x",
      [["\\begin{matrix}\\begin{matrix}1\\end{matrix}\\end{matrix}", true]],
    ],
    ["escaped dollar is no delimiter", "costs \\$5 or \\$6", []],
    ["escaped dollar inside math", "$a \\$ b$", [["a \\$ b", false]]],
    ["code span keeps its dollars", "`$x$` and $y$", [["y", false]]],
    ["double backtick code span", "``a ` $x$`` $z$", [["z", false]]],
    ["fenced code keeps its dollars", "```ts\nconst s = `$${x}$`;\n```\n$w$", [["w", false]]],
    ["tilde fence", "~~~\n$x$\n~~~", []],
    ["inline math stops at a blank line", "a $5\n\nand $ b", []],
    ["inline math may span a soft line break", "$a\nb$", [["a\nb", false]]],
    ["unclosed dollar is text", "only $ one", []],
    ["\\\\) is a TeX line break, not a closer", "\\(a \\\\) b\\)", [["a \\\\) b", false]]],
    [
      "several",
      "$a$ and $$b$$ and \\(c\\)",
      [
        ["a", false],
        ["b", true],
        ["c", false],
      ],
    ],
  ])("%s", (_name, src, expected) => {
    const segments = scanMath(src, { markdown: true });
    expect(math(segments)).toEqual(expected);
    // Nothing is lost: text and raw math put back together give the source.
    expect(segments.map((s) => (s.kind === "text" ? s.text : s.raw)).join("")).toBe(src);
  });

  it("outside markdown, backticks are not code", () => {
    expect(math(scanMath("`$x$`", { markdown: false }))).toEqual([["x", false]]);
  });
});
