/**
 * The text/plain of an html(…) output: what a console (jupyter-console, a terminal export, a notebook diff)
 * can usefully show of some HTML. Pictures would only leak their markup's text (tick labels, hover titles),
 * so each becomes a placeholder; the rest is its text, whitespace collapsed, block by block, and capped.
 */

/** Longest summary kept; a longer one ends with "…". */
export const MAX_TEXT_CHARS = 600;
/** Most lines kept. */
export const MAX_TEXT_LINES = 12;

const named: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  minus: "−",
  times: "×",
  middot: "·",
};

/** Elements whose whole content is markup or code, never something to read. */
const hidden = ["script", "style", "template", "head", "noscript"];
/** Elements whose end starts a new line of text. */
const blocks =
  "p|div|li|tr|h[1-6]|section|article|header|footer|figure|figcaption|table|thead|tbody|ul|ol|dl|dt|dd|blockquote|pre|caption|details|summary|hr";

/**
 * A short, readable plain-text summary of HTML: the text of its elements with whitespace collapsed, a line
 * per block, `[figure]` (or `[figure: its aria-label]`) for each SVG, `[image: alt]` for images, at most
 * MAX_TEXT_LINES lines and MAX_TEXT_CHARS characters.
 * @example htmlText("<h3>Loss</h3><svg aria-label='loss curve'>…</svg><p>after <b>3</b> epochs</p>")
 * // "Loss\n[figure: loss curve]\nafter 3 epochs"
 */
export function htmlText(source: string): string {
  let s = source.replace(/<!--[\s\S]*?-->/g, "");
  for (const tag of hidden) s = s.replace(new RegExp(`<${tag}\\b[\\s\\S]*?</${tag}\\s*>`, "gi"), " ");
  // Line breaks in the source are only whitespace to HTML; the lines of the summary come from its blocks.
  s = s.replace(/\s+/g, " ");
  s = replaceElements(s, "svg", (open) => `\n[${labelled("figure", attr(open, "aria-label"))}]\n`);
  s = replaceElements(s, "math", (open) => ` [${labelled("math", attr(open, "alttext"))}] `);
  s = s
    .replace(/<img\b[^>]*>/gi, (tag) => ` [${labelled("image", attr(tag, "alt"))}] `)
    .replace(/<(canvas|video|iframe|object|embed)\b[^>]*>/gi, " [figure] ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(new RegExp(`</?(${blocks})\\b[^>]*>`, "gi"), "\n")
    .replace(/<\/(td|th)\s*>/gi, " ")
    .replace(/<[^>]*>/g, "");
  const lines = decodeEntities(s)
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line !== "");
  return cap(lines);
}

function labelled(kind: string, label: string | undefined): string {
  const l = label?.replace(/\s+/g, " ").trim();
  return l ? `${kind}: ${l}` : kind;
}

/** The (entity-decoded) value of an attribute in an opening tag. */
function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, "i").exec(tag);
  return m ? decodeEntities(m[2] ?? m[3] ?? m[4] ?? "") : undefined;
}

/**
 * Replaces each outermost <tag …>…</tag> (nested ones included, self-closing ones too) by what `by` makes of
 * its opening tag. An element left open runs to the end of the source.
 */
function replaceElements(source: string, tag: string, by: (openTag: string) => string): string {
  const re = new RegExp(`<(/?)${tag}\\b[^>]*?(/?)>`, "gi");
  let out = "";
  let depth = 0;
  let start = 0;
  let open = "";
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const [whole, closing, selfClosing] = m;
    if (closing) {
      if (depth === 0) continue;
      if (--depth === 0) {
        out += by(open);
        start = m.index + whole.length;
      }
    } else if (depth === 0) {
      out += source.slice(start, m.index);
      open = whole;
      if (selfClosing) {
        out += by(open);
        start = m.index + whole.length;
      } else depth = 1;
    } else if (!selfClosing) depth++;
  }
  return depth > 0 ? out + by(open) : out + source.slice(start);
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) => {
    if (e[0] !== "#") return named[e.toLowerCase()] ?? whole;
    const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function cap(lines: string[]): string {
  let text = lines.slice(0, MAX_TEXT_LINES).join("\n");
  let cut = lines.length > MAX_TEXT_LINES;
  if ([...text].length > MAX_TEXT_CHARS) {
    text = [...text].slice(0, MAX_TEXT_CHARS - 1).join("");
    cut = true;
  }
  return cut ? `${text.trimEnd()}…` : text;
}
