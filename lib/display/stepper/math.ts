/**
 * LaTeX to static MathML with KaTeX, at display time in the kernel. MathML needs no script, no stylesheet
 * and no web fonts (browsers draw it natively with their math font), so the stepper stays small and shows
 * its formulas with scripts off.
 */
import katex from "katex";

const MATH_FONT = "'Latin Modern Math','STIX Two Math','Cambria Math','DejaVu Math TeX Gyre',math";

/**
 * One formula as a MathML element, in display style but laid out inline (so lines align left, one below
 * the other). KaTeX's wrapper span (class "katex") is dropped: a page that loads KaTeX's CSS would
 * otherwise restyle the MathML with KaTeX's own fonts.
 * @example mathml("\\frac{\\partial L}{\\partial x} = 1").startsWith("<math") // true
 */
export function mathml(tex: string): string {
  const html = katex.renderToString(`\\displaystyle ${tex}`, { output: "mathml", throwOnError: false });
  const start = html.indexOf("<math");
  const end = html.lastIndexOf("</math>");
  const math = start >= 0 && end > start ? html.slice(start, end + "</math>".length) : html;
  // The TeX source annotation doubles the size and shows nowhere: dropped.
  const lean = math.replace(/<annotation encoding="application\/x-tex">[\s\S]*?<\/annotation>/, "");
  return lean.replace("<math", `<math style="font-family:${MATH_FONT};font-size:1.15em"`);
}
