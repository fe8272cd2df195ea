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
  if (!/<\/script|<!--/i.test(source)) return source; // plotly.js has neither: skip copying 1.4 MB
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

const VOID_ELEMENTS = new Set(
  "area base br col embed hr img input link meta param source track wbr".split(" "),
);

/**
 * Closes what a fragment leaves open and drops closers it never opened, so that one output's broken
 * markup stays inside its own box (in Jupyter each output is parsed into its own DOM node).
 * Script and style bodies are skipped whole: `a < b` in a script is not a tag.
 */
export function balanceHtml(html: string): string {
  const re = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  const open: string[] = [];
  let out = "";
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const [whole, close, rawTag, attrs] = m;
    if (rawTag === undefined) continue;
    const tag = rawTag.toLowerCase();
    if (close) {
      const at = open.lastIndexOf(tag);
      if (at < 0) {
        out += html.slice(last, m.index);
        last = m.index + whole.length;
        continue;
      }
      // Implicitly close what was left open inside it, as an HTML parser would.
      out +=
        html.slice(last, m.index) +
        open
          .splice(at)
          .slice(1)
          .reverse()
          .map((t) => `</${t}>`)
          .join("");
      last = m.index;
      continue;
    }
    if (tag === "script" || tag === "style") {
      const end = html.toLowerCase().indexOf(`</${tag}`, re.lastIndex);
      re.lastIndex = end < 0 ? html.length : end;
      open.push(tag);
      continue;
    }
    if (!VOID_ELEMENTS.has(tag) && !attrs.trim().endsWith("/")) open.push(tag);
  }
  out += html.slice(last);
  return (
    out +
    open
      .reverse()
      .map((t) => `</${t}>`)
      .join("")
  );
}
