/** Escaping for the three places text lands in a page: element text, attribute values, and script data. */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for element content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * JSON for a `<script type="application/json">` block. Escaping every `<` (and the two line separators)
 * means no `</script>` or `<!--` inside the data can end the block early; JSON.parse reads \u003c back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A library's source made safe to inline in a `<script>` element. */
export function scriptText(source: string): string {
  if (!/<\/script|<!--/i.test(source)) return source;
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/**
 * scriptText for a library read as bytes: the bytes themselves when nothing needs escaping (plotly.js:
 * then 1.4 MB goes from the file to the page without being decoded, copied or encoded again).
 */
export function scriptBytes(source: Buffer): PagePart {
  if (source.indexOf("<!--") < 0) {
    let at = source.indexOf("</");
    while (at >= 0 && source.toString("latin1", at + 2, at + 8).toLowerCase() !== "script")
      at = source.indexOf("</", at + 2);
    if (at < 0) return source;
  }
  return scriptText(source.toString("utf8"));
}

/** A piece of a page: text, or bytes that are already UTF-8 (a library file as read). */
export type PagePart = string | Uint8Array;

/** The page as one string (for callers that want text; the CLI writes the parts as they are). */
export function joinParts(parts: PagePart[]): string {
  const decoder = new TextDecoder();
  return parts.map((p) => (typeof p === "string" ? p : decoder.decode(p))).join("");
}

/** The page's size in bytes as UTF-8. */
export function partsByteLength(parts: PagePart[]): number {
  return parts.reduce((n, p) => n + (typeof p === "string" ? Buffer.byteLength(p) : p.byteLength), 0);
}

const VOID_ELEMENTS = new Set(
  "area base br col embed hr img input link meta param source track wbr".split(" "),
);

/**
 * Closes what a fragment leaves open, drops closers it never opened, and escapes a `<` that starts no
 * complete tag (a trailing `<a` would otherwise swallow the page's next tag): one output's broken markup
 * stays inside its own box, as in Jupyter, where each output is parsed into its own DOM node.
 * Script and style bodies are skipped whole: `a < b` in a script is not a tag.
 */
export function balanceHtml(html: string): string {
  const re =
    /<!--[\s\S]*?-->|<![a-zA-Z[][^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][\w:-]*)([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>|</g;
  const open: string[] = [];
  let out = "";
  let last = 0;
  const emit = (upTo: number, text: string, resume: number) => {
    out += html.slice(last, upTo) + text;
    last = resume;
  };
  // This runs over every output, SVG heatmaps with thousands of tags included: match groups are read
  // by index (no destructuring), and a closing tag is lowercased only when it must be.
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const rawTag = m[2];
    if (rawTag === undefined) {
      if (m[0] === "<") emit(m.index, "&lt;", m.index + 1);
      continue;
    }
    if (m[1]) {
      // Well-nested markup (nearly all of it) closes the innermost element: nothing to rewrite.
      const top = open[open.length - 1];
      if (top === rawTag || top === rawTag.toLowerCase()) {
        open.pop();
        continue;
      }
      const at = open.lastIndexOf(rawTag.toLowerCase());
      // A closer with no opener goes; one that closes an outer element first closes what is inside it.
      if (at < 0) emit(m.index, "", m.index + m[0].length);
      else emit(m.index, closers(open.splice(at).slice(1)), m.index);
      continue;
    }
    const tag = rawTag.toLowerCase();
    if (tag === "script" || tag === "style") {
      const closer = tag === "script" ? /<\/script/gi : /<\/style/gi;
      closer.lastIndex = m.index + m[0].length;
      const bodyEnd = closer.exec(html)?.index;
      re.lastIndex = bodyEnd ?? html.length;
      open.push(tag);
      continue;
    }
    if (!VOID_ELEMENTS.has(tag) && !selfClosed(m[3])) open.push(tag);
  }
  out += html.slice(last);
  return out + closers(open);
}

/** True when a start tag's attributes end with `/` (`<rect … />`), spaces after it allowed. */
function selfClosed(attrs: string): boolean {
  let i = attrs.length - 1;
  while (i >= 0 && /\s/.test(attrs[i])) i--;
  return i >= 0 && attrs.charCodeAt(i) === 47; // "/"
}

/** `</c></b></a>` for open elements `[a, b, c]`. */
function closers(open: string[]): string {
  return [...open]
    .reverse()
    .map((t) => `</${t}>`)
    .join("");
}
