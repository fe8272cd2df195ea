/**
 * `--sanitize`: HTML and SVG from a notebook we do not trust reduced to markup that cannot run code or
 * load anything. An allowlist of elements and attributes (the same idea as nbconvert's bleach and
 * JupyterLab's sanitizer): unknown elements lose their tag and keep their text, elements that carry code
 * or embed documents lose their content too, event handlers go, and URLs keep only safe schemes.
 */

const HTML_TAGS =
  "a abbr address article aside b bdi bdo blockquote br caption center cite code col colgroup dd del details " +
  "dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd label li main " +
  "mark nav ol p pre q rp rt ruby s samp section small span strong style sub summary sup table tbody td " +
  "tfoot th thead time tr tt u ul var wbr";
const SVG_TAGS =
  "svg g path rect circle ellipse line polyline polygon text tspan textPath title desc defs use symbol " +
  "marker clipPath mask linearGradient radialGradient stop pattern image metadata switch filter " +
  "feBlend feColorMatrix feComponentTransfer feComposite feFlood feGaussianBlur feMerge feMergeNode " +
  "feOffset feMorphology feTile feFuncA feFuncR feFuncG feFuncB";
const MATHML_TAGS =
  "math semantics annotation mrow mi mo mn ms mtext mspace msub msup msubsup mfrac msqrt mroot mtable mtr " +
  "mtd mstyle mover munder munderover mpadded mphantom menclose";

const ALLOWED = new Set([HTML_TAGS, SVG_TAGS, MATHML_TAGS].flatMap((s) => s.toLowerCase().split(" ")));
/** Elements whose content is code or another document: dropped with everything inside. */
const DROP_WITH_CONTENT = new Set([
  "script",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "noscript",
  "template",
  "textarea",
  "select",
  "foreignobject",
  "noembed",
  "xmp",
  "plaintext",
]);
const URL_ATTRS = new Set(["href", "src", "xlink:href", "action", "formaction", "background", "poster"]);
const DROPPED_ATTRS = new Set(["srcdoc", "srcset", "formaction", "ping", "http-equiv"]);

/** Returns `html` with only allowlisted, inert markup left. Works on fragments, HTML or inline SVG. */
export function sanitizeHtml(html: string): string {
  const out: string[] = [];
  const re =
    /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<![^>]*>|<\?[\s\S]*?(?:\?>|$)|<(\/?)([a-zA-Z][\w:-]*)([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>|([^<]+)|</;
  const pattern = new RegExp(re.source, "g");
  let dropUntil: string | undefined;
  for (let m = pattern.exec(html); m; m = pattern.exec(html)) {
    const [whole, cdata, close, rawTag, attrs, text] = m;
    if (rawTag === undefined) {
      if (dropUntil) continue;
      if (text !== undefined) out.push(text.replace(/>/g, "&gt;"));
      else if (cdata !== undefined)
        out.push(cleanCss(cdata).replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`));
      else if (whole === "<") out.push("&lt;");
      continue;
    }
    const tag = rawTag.toLowerCase();
    if (dropUntil) {
      if (close && tag === dropUntil) dropUntil = undefined;
      continue;
    }
    if (DROP_WITH_CONTENT.has(tag)) {
      if (!close && !attrs.trim().endsWith("/")) dropUntil = tag;
      continue;
    }
    if (!ALLOWED.has(tag)) continue;
    if (close) {
      out.push(`</${rawTag}>`);
      continue;
    }
    if (tag === "style") {
      const end = html.toLowerCase().indexOf("</style", pattern.lastIndex);
      const css = html.slice(pattern.lastIndex, end < 0 ? html.length : end);
      out.push(`<style>${cleanCss(css).replace(/<\//g, "<\\/")}</style>`);
      pattern.lastIndex = end < 0 ? html.length : html.indexOf(">", end) + 1 || html.length;
      continue;
    }
    out.push(`<${rawTag}${cleanAttributes(attrs, tag)}${attrs.trim().endsWith("/") ? "/" : ""}>`);
  }
  return out.join("");
}

function cleanAttributes(attrs: string, tag: string): string {
  const attrRe = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  let kept = "";
  for (let m = attrRe.exec(attrs); m; m = attrRe.exec(attrs)) {
    const name = m[1];
    const lower = name.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? "";
    if (lower.startsWith("on") || DROPPED_ATTRS.has(lower)) continue;
    if (URL_ATTRS.has(lower) && !safeUrl(value, tag === "img" || tag === "image")) continue;
    const clean = lower === "style" ? cleanCss(value) : value;
    kept += ` ${name}="${clean.replace(/"/g, "&quot;").replace(/</g, "&lt;")}"`;
  }
  return kept;
}

/** Decodes the entity tricks (`javascript&#58;`) and control characters browsers ignore in URLs. */
function normaliseUrl(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => codePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => codePoint(Number(d)))
    .replace(/&colon;/gi, ":")
    .replace(/&(tab|newline);/gi, "")
    .split("")
    .filter((c) => c.charCodeAt(0) > 0x20 && c !== "\u007f")
    .join("")
    .toLowerCase();
}

const codePoint = (n: number) => (n <= 0x10ffff ? String.fromCodePoint(n) : "");

/** Links may be http(s), mailto, fragments or relative; images may also be data: raster images. */
function safeUrl(value: string, image: boolean): boolean {
  const url = normaliseUrl(value);
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
  if (!scheme) return true;
  if (scheme === "http" || scheme === "https" || scheme === "mailto") return true;
  return image && /^data:image\/(png|jpeg|gif|webp);/.test(url);
}

/** CSS that cannot fetch or run anything: no imports, no external url(), no legacy expressions. */
function cleanCss(css: string): string {
  return css
    .replace(/@import[^;]*;?/gi, "")
    .replace(/expression\s*\(/gi, "(")
    .replace(/url\s*\(\s*(['"]?)(.*?)\1\s*\)/gi, (whole, _q: string, url: string) =>
      url.startsWith("#") || /^data:image\/(png|jpeg|gif|webp);/i.test(url) ? whole : "none",
    )
    .replace(/behavior\s*:/gi, "x-behavior:")
    .replace(/-moz-binding/gi, "x-binding");
}
