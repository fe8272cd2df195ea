import katex from "katex";
import { describe, expect, it } from "vitest";
import {
  collectFontUse,
  collectTreeFontUse,
  katexCss,
  loadKatexStyles,
  pickFace,
} from "../../kernel/notebook/katex-fonts.js";
import { treeApi } from "../../kernel/notebook/tex.js";

const styles = loadKatexStyles();

function fontsFor(tex: string, displayMode = false): string[] {
  const used = new Set<string>();
  collectFontUse(katex.renderToString(tex, { displayMode }), styles, used);
  return [...new Set([...used].map((k) => pickFace(styles.faces, k)?.file))].sort() as string[];
}

describe("KaTeX fonts a page needs", () => {
  it("reads all 20 faces from katex.css", () => {
    expect(styles.faces).toHaveLength(20);
    expect(styles.cssWithoutFaces).not.toContain("@font-face");
  });

  it.each<[string, string[]]>([
    ["1 + 2", ["KaTeX_Main-Regular.woff2"]],
    ["x", ["KaTeX_Math-Italic.woff2"]],
    ["x + 1", ["KaTeX_Main-Regular.woff2", "KaTeX_Math-Italic.woff2"]],
    ["\\mathbb{R}", ["KaTeX_AMS-Regular.woff2"]],
    ["\\mathbf{W}", ["KaTeX_Main-Bold.woff2"]],
    ["\\boldsymbol{x}", ["KaTeX_Math-BoldItalic.woff2"]],
    ["\\mathcal{L}", ["KaTeX_Caligraphic-Regular.woff2"]],
    ["\\texttt{a}", ["KaTeX_Typewriter-Regular.woff2"]],
    ["\\sum", ["KaTeX_Size1-Regular.woff2"]],
  ])("%s", (tex, files) => {
    expect(fontsFor(tex)).toEqual(files);
  });

  it("display-mode sums and tall brackets use the Size fonts", () => {
    expect(fontsFor("\\sum_i x_i", true)).toContain("KaTeX_Size2-Regular.woff2");
    expect(
      fontsFor("\\left(\\frac{\\frac{a}{b}}{\\frac{c}{d}}\\right)", true).some((f) =>
        f.startsWith("KaTeX_Size"),
      ),
    ).toBe(true);
  });

  it("text of the hidden MathML copy needs no font", () => {
    const used = new Set<string>();
    const html = katex.renderToString("\\mathbb{R}");
    expect(html).toContain('<mi mathvariant="double-struck">R</mi>');
    collectFontUse(html, styles, used);
    expect([...used]).toEqual(["KaTeX_AMS|normal|normal"]);
  });

  it("the stylesheet inlines exactly the faces used, as woff2 data", () => {
    const used = new Set<string>();
    collectFontUse(katex.renderToString("\\mathbb{R}^n \\ni x"), styles, used);
    const css = katexCss(styles, used);
    const faces = [...css.matchAll(/font-family:(KaTeX_\w+);src:url\(data:font\/woff2;base64,/g)].map(
      (m) => m[1],
    );
    expect(faces.sort()).toEqual(["KaTeX_AMS", "KaTeX_Main", "KaTeX_Math"]);
    expect(css).not.toMatch(/url\((?!data:)/);
  });

  it("reading fonts off KaTeX's tree finds what scanning its markup finds, and the markup is renderToString's", () => {
    const tree = treeApi(katex);
    expect(tree, "this KaTeX has __renderToDomTree and __domTree").toBeDefined();
    // Each style memo starts empty, so neither way borrows the other's results.
    const [fromMarkup, fromTree] = [loadKatexStyles(), loadKatexStyles()];
    const formulas = [
      "x + 1",
      "\\mathbb{R}^n \\ni x",
      "\\boldsymbol{\\theta} = \\mathbf{W}x",
      "\\text{loss } \\mathcal{L}(\\hat y, y)",
      "\\textbf{\\textit{a}} \\mathit{ab} \\mathsf{S} \\texttt{t} \\mathfrak{g} \\mathscr{L}",
      "\\left[\\begin{matrix}a&b\\\\c&d\\end{matrix}\\right]",
      "\\sum_i \\int_0^1 \\oiint \\prod",
      "\\sqrt[3]{x} \\widehat{xyz} \\overbrace{a+b}^{n} \\color{red}{x} \\KaTeX",
      "\\frac{\\partial L}{\\partial W} \\cdot \\nabla_{\\!x} f",
    ];
    const all = [new Set<string>(), new Set<string>()];
    for (const tex of formulas)
      for (const displayMode of [false, true]) {
        const a = new Set<string>();
        const b = new Set<string>();
        const html = katex.renderToString(tex, { displayMode });
        collectFontUse(html, fromMarkup, a);
        const root = tree!.render(tex, { displayMode });
        collectTreeFontUse(root, tree!.types, fromTree, b);
        expect([...b].sort(), tex).toEqual([...a].sort());
        expect(root.toMarkup()).toBe(html);
        a.forEach((f) => all[0].add(f));
        b.forEach((f) => all[1].add(f));
      }
    expect(all[0].size).toBeGreaterThan(10); // the formulas above really use many faces
  });
});
