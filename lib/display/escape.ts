/**
 * Escaping of user strings (names, labels, titles) before they enter markup. Every renderer in lib/display
 * goes through these, so a label such as `<script>` shows as text and never becomes markup.
 */

const xmlEntities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML and SVG content and attribute values. Uses only the five XML entities, so the result
 * is valid in SVG parsed as XML as well as in HTML.
 * @example escapeHtml('<b title="x">') // "&lt;b title=&quot;x&quot;&gt;"
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => xmlEntities[c]!);
}

const latexSpecials: Record<string, string> = {
  "\\": "\\backslash ",
  "{": "\\{",
  "}": "\\}",
  $: "\\$",
  "&": "\\&",
  "#": "\\#",
  "%": "\\%",
  _: "\\_",
  "^": "\\hat{}",
  "~": "\\sim ",
};

/**
 * Escapes text for use inside `\mathrm{…}` in LaTeX math mode (KaTeX and MathJax).
 * @example escapeLatex("a_b & c") // "a\\_b \\& c"
 */
export function escapeLatex(text: string): string {
  return text.replace(/[\\{}$&#%_^~]/g, (c) => latexSpecials[c]!);
}
