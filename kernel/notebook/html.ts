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
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const [whole, close, rawTag, attrs] = m;
    const end = m.index + whole.length;
    if (whole === "<") {
      emit(m.index, "&lt;", end);
      continue;
    }
    if (rawTag === undefined) continue;
    const tag = rawTag.toLowerCase();
    if (close) {
      const at = open.lastIndexOf(tag);
      // A closer with no opener goes; one that closes an outer element first closes what is inside it.
      if (at < 0) emit(m.index, "", end);
      else emit(m.index, closers(open.splice(at).slice(1)), m.index);
      continue;
    }
    if (tag === "script" || tag === "style") {
      const bodyEnd = html.toLowerCase().indexOf(`</${tag}`, end);
      re.lastIndex = bodyEnd < 0 ? html.length : bodyEnd;
      open.push(tag);
      continue;
    }
    if (!VOID_ELEMENTS.has(tag) && !attrs.trim().endsWith("/")) open.push(tag);
  }
  out += html.slice(last);
  return out + closers(open);
}

/** `</c></b></a>` for open elements `[a, b, c]`. */
function closers(open: string[]): string {
  return [...open]
    .reverse()
    .map((t) => `</${t}>`)
    .join("");
}
