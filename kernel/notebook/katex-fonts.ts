/**
 * Which KaTeX fonts a page really needs, and the KaTeX stylesheet with only those fonts inlined.
 *
 * KaTeX's CSS ships 20 font faces (about 300 KB as woff2, 400 KB in base64); a page typically uses 3–6.
 * We find out which by doing, in miniature, what the browser does: walk the rendered spans, match them
 * against the font rules of katex.css (family, weight, style are inherited) and note the face that each
 * piece of visible text is drawn with. Descendant and child combinators are both treated as descendant,
 * which can only over-include a face, never miss one.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A font face as katex.css declares it. */
export interface FontFace {
  family: string;
  weight: "normal" | "bold";
  style: "normal" | "italic";
  /** woff2 file name inside katex/dist/fonts. */
  file: string;
}

export interface Compound {
  tag?: string;
  classes: string[];
}
export interface FontRule {
  /** Compound selectors from outermost ancestor to the element itself. */
  chain: Compound[];
  specificity: number;
  order: number;
  family?: string;
  weight?: FontFace["weight"];
  style?: FontFace["style"];
}

/** What the stylesheet gives us, as plain data: its font-free text, its faces, and its font rules. */
export interface KatexStyleData {
  /** katex.min.css with every @font-face removed. */
  cssWithoutFaces: string;
  faces: FontFace[];
  rules: FontRule[];
}

/** The stylesheet's data indexed for collectFontUse, with the fonts' folder. */
export interface KatexStyles extends KatexStyleData {
  /** Rules by a class (or tag) their element must have: an element only tries the rules it could match. */
  byKey: Map<string, FontRule[]>;
  /** Classes that rules require of an ancestor (`.katex`, `.mult`, …). */
  ancestorClasses: Set<string>;
  /** Computed fonts already worked out for this page, by parent state id and element (see collectFontUse). */
  memo: Map<string, Computed>;
  /** Each distinct computed state once, by what a child's font depends on (`key~sig`). */
  states: Map<string, Computed>;
  fontsDir: string;
}

/** Reads katex.min.css from the installed package and indexes its font rules. */
export function loadKatexStyles(): KatexStyles {
  const cssPath = createRequire(import.meta.url).resolve("katex/dist/katex.min.css");
  return parseKatexCss(readFileSync(cssPath, "utf8"), join(dirname(cssPath), "fonts"));
}

export function parseKatexCss(css: string, fontsDir: string): KatexStyles {
  return indexKatexStyles(readKatexStyleData(css), fontsDir);
}

/** The faces and font rules of katex.css (plain data: the prebuilt bundle stores it, see installed.ts). */
export function readKatexStyleData(css: string): KatexStyleData {
  const faces: FontFace[] = [];
  const cssWithoutFaces = css.replace(/@font-face\s*\{([^}]*)\}/g, (_, body: string) => {
    const family = /font-family:\s*"?([\w-]+)"?/.exec(body)?.[1];
    const file = /url\(["']?(?:[^)"']*\/)?([\w-]+\.woff2)["']?\)/.exec(body)?.[1];
    if (family && file) faces.push({ family, file, ...weightAndStyle(body) });
    return "";
  });
  const rules: FontRule[] = [];
  const ruleRe = /([^{}]+)\{([^{}]*)\}/g;
  let order = 0;
  for (let m = ruleRe.exec(cssWithoutFaces); m; m = ruleRe.exec(cssWithoutFaces)) {
    // Most rules set no font at all: skip them before splitting their declarations.
    const decl = m[2].includes("font") ? parseFontDeclarations(m[2]) : undefined;
    if (!decl) continue;
    for (const sel of m[1].split(",")) {
      const chain = parseSelector(sel.trim());
      if (!chain) continue;
      const specificity = chain.reduce((s, c) => s + c.classes.length * 10 + (c.tag ? 1 : 0), 0);
      rules.push({ chain, specificity, order: order++, ...decl });
    }
  }
  return { cssWithoutFaces, faces, rules };
}

/** Indexes the rules by what an element must have, and starts the page's memo. */
export function indexKatexStyles(data: KatexStyleData, fontsDir: string): KatexStyles {
  const byKey = new Map<string, FontRule[]>();
  for (const r of data.rules) {
    const last = r.chain[r.chain.length - 1];
    const key = last.classes[0] ? `.${last.classes[0]}` : (last.tag ?? "*");
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  const ancestorClasses = new Set(data.rules.flatMap((r) => r.chain.slice(0, -1).flatMap((c) => c.classes)));
  const root: Computed = { weight: "normal", style: "normal", hidden: false, key: "", sig: "", id: 0 };
  const states = new Map([["~", root]]);
  return { ...data, byKey, ancestorClasses, memo: new Map(), states, fontsDir };
}

function weightAndStyle(body: string): Pick<FontFace, "weight" | "style"> {
  return {
    weight: /font-weight:\s*(bold|[6-9]00)/.test(body) ? "bold" : "normal",
    style: /font-style:\s*italic/.test(body) ? "italic" : "normal",
  };
}

function parseFontDeclarations(body: string): Omit<FontRule, "chain" | "specificity" | "order"> | undefined {
  const out: Omit<FontRule, "chain" | "specificity" | "order"> = {};
  for (const d of body.split(";")) {
    const i = d.indexOf(":");
    if (i < 0) continue;
    const prop = d.slice(0, i).trim();
    const value = d.slice(i + 1).trim();
    if (prop === "font-family" || prop === "font") {
      const family = /KaTeX_\w+/.exec(value)?.[0];
      if (family) out.family = family;
    }
    if (prop === "font-weight" || prop === "font")
      out.weight = /\b(bold|bolder|[6-9]00)\b/.test(value) ? "bold" : "normal";
    if (prop === "font-style" || prop === "font") out.style = /\bitalic\b/.test(value) ? "italic" : "normal";
  }
  return Object.keys(out).length ? out : undefined;
}

/** `.katex .delimsizing.mult .delim-size1 > span` → compounds; undefined for pseudo/attribute selectors. */
function parseSelector(sel: string): Compound[] | undefined {
  if (/[:[*#~+]/.test(sel)) return undefined;
  const parts = sel.split(/\s*>\s*|\s+/).filter(Boolean);
  const chain: Compound[] = [];
  for (const p of parts) {
    const m = /^([a-zA-Z][\w-]*)?((?:\.[\w-]+)*)$/.exec(p);
    if (!m) return undefined;
    chain.push({ tag: m[1]?.toLowerCase(), classes: m[2].split(".").filter(Boolean) });
  }
  return chain;
}

interface Element {
  tag: string;
  className: string;
  /** Split from className when a rule first needs them (most elements hit the memo). */
  classes?: string[];
}

const classesOf = (e: Element) => (e.classes ??= e.className ? e.className.split(/\s+/).filter(Boolean) : []);

const matches = (c: Compound, e: Element) =>
  (!c.tag || c.tag === e.tag) && c.classes.every((k) => classesOf(e).includes(k));

/** Right-to-left descendant matching: the last compound is the element, the rest its ancestors in order. */
function ruleMatches(rule: FontRule, path: Element[]): boolean {
  const chain = rule.chain;
  if (!matches(chain[chain.length - 1], path[path.length - 1])) return false;
  let a = path.length - 2;
  for (let c = chain.length - 2; c >= 0; c--) {
    while (a >= 0 && !matches(chain[c], path[a])) a--;
    if (a < 0) return false;
    a--;
  }
  return true;
}

interface Computed {
  family?: string;
  weight: FontFace["weight"];
  style: FontFace["style"];
  hidden: boolean;
  /** family|weight|style|hidden: what a child inherits. */
  key: string;
  /** The ancestors' classes that some rule requires of an ancestor: what else a child's match depends on. */
  sig: string;
  /** `family|weight|style` of visible text here (what `used` collects); undefined when hidden or no family. */
  face?: string;
  /** Names this state (key and sig) in memo keys, which then stay short however deep the markup. */
  id: number;
  /** The tree walk's memo: a child's state by its tag and classes (`span` elements by classes alone). */
  children?: Map<string, Computed>;
}

const VOID = new Set(["br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr", "source"]);
const CLASS_ATTR = /\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const NON_SPACE = /\S/g;

/**
 * Adds to `used` the key `family|weight|style` of every piece of visible KaTeX text in `html`.
 * The MathML copy (`.katex-mathml`) is visually hidden, so its text needs no font: it is cut out first.
 * KaTeX repeats the same few span shapes thousands of times, so an element's computed font is memoised
 * on what decides it: its parent's state (font and the ancestor classes some rule looks for), its tag
 * and classes. The markup is scanned with indexOf and sticky patterns: this runs over every formula.
 */
export function collectFontUse(html: string, styles: KatexStyles, used: Set<string>): void {
  if (!html.includes("katex")) return;
  const visible = withoutMathml(html);
  const path: Element[] = [];
  const computed: Computed[] = [styles.states.get("~")!];
  let i = 0;
  while (i < visible.length) {
    const lt = visible.indexOf("<", i);
    const textEnd = lt < 0 ? visible.length : lt;
    if (textEnd > i) {
      const top = computed[computed.length - 1];
      if (top.face && !used.has(top.face)) {
        NON_SPACE.lastIndex = i;
        const at = NON_SPACE.exec(visible)?.index;
        if (at !== undefined && at < textEnd) used.add(top.face);
      }
    }
    if (lt < 0) break;
    const tag = scanTag(visible, lt);
    // A "<" that starts no tag is text, as the characters after it are.
    i = tag ? tag.end : lt + 1;
    if (!tag) continue;
    if (tag.closing) {
      // Pop to the matching open tag; tolerant of stray closers in arbitrary HTML.
      let at = path.length - 1;
      while (at >= 0 && path[at].tag !== tag.name) at--;
      if (at >= 0) {
        path.length = at;
        computed.length = at + 1;
      }
      continue;
    }
    if (VOID.has(tag.name) || visible.charCodeAt(tag.end - 2) === 47) continue; // `/>`
    const el: Element = { tag: tag.name, className: classOf(visible, tag.attrsStart, tag.end - 1) };
    path.push(el);
    const parent = computed[computed.length - 1];
    const memoKey = `${parent.id} ${el.tag}.${el.className}`;
    let next = styles.memo.get(memoKey);
    if (!next) {
      next = computeFont(parent, el, path, styles);
      styles.memo.set(memoKey, next);
    }
    computed.push(next);
  }
}

/**
 * KaTeX's build tree, as far as fonts need it (`katex.__renderToDomTree`: the tree renderToString turns
 * into markup). Spans and anchors are elements; a symbol is an element only when it has classes, an
 * italic correction or a style (else its text sits in its parent); fragments are transparent; SVG,
 * images and the MathML copy hold no text that needs a font.
 */
export interface KatexDomNode {
  classes?: string[];
  children?: KatexDomNode[];
  text?: string;
  italic?: number;
  style?: Record<string, unknown>;
  toMarkup(): string;
}

/** The constructors of KaTeX's tree nodes (`katex.__domTree`) that decide how a node is drawn. */
export interface KatexDomTypes {
  Span: abstract new (...args: never[]) => unknown;
  Anchor: abstract new (...args: never[]) => unknown;
  SymbolNode: abstract new (...args: never[]) => unknown;
}

/**
 * collectFontUse on the tree itself, before it is turned into markup: the same rules, elements and memo,
 * with no markup to scan (the scan cost about a tenth of an export's typesetting).
 */
export function collectTreeFontUse(
  tree: KatexDomNode,
  types: KatexDomTypes,
  styles: KatexStyles,
  used: Set<string>,
): void {
  const path: Element[] = [];
  const noteText = (state: Computed, text: string | undefined) => {
    if (state.face && text && !used.has(state.face) && /\S/.test(text)) used.add(state.face);
  };
  // This runs for every node of every formula: no strings are built but the memo key, and that only
  // for nodes with more than one class. (An empty class, which KaTeX leaves out of the markup, matches
  // no rule, so the classes are used as they are.)
  const enter = (parent: Computed, tag: string, classes: string[]): Computed => {
    const className = classes.length === 1 ? classes[0] : classes.join(" ");
    const el: Element = { tag, className, classes };
    path.push(el);
    const key = tag === "span" ? className : `<${tag}>${className}`;
    const memo = (parent.children ??= new Map());
    let next = memo.get(key);
    if (!next) {
      next = computeFont(parent, el, path, styles);
      memo.set(key, next);
    }
    return next;
  };
  const walk = (node: KatexDomNode, parent: Computed): void => {
    if (node instanceof types.SymbolNode) {
      const classes = node.classes ?? [];
      const element = classes.length > 0 || (node.italic ?? 0) > 0 || hasStyle(node.style);
      if (!element) return noteText(parent, node.text);
      noteText(enter(parent, "span", classes), node.text);
      path.pop();
      return;
    }
    const isSpan = node instanceof types.Span;
    if (isSpan || node instanceof types.Anchor) {
      const classes = node.classes ?? [];
      if (classes.includes("katex-mathml")) return;
      const state = enter(parent, isSpan ? "span" : "a", classes);
      for (const child of node.children ?? []) walk(child, state);
      path.pop();
      return;
    }
    // A fragment: children and no element (no attributes) of its own. SVG, images: no text.
    if (!("attributes" in node) && Array.isArray(node.children))
      for (const child of node.children) walk(child, parent);
  };
  walk(tree, styles.states.get("~")!);
}

const hasStyle = (style: Record<string, unknown> | undefined) => {
  // As KaTeX's cssStyleToString: a property counts unless undefined.
  for (const key in style) if (style[key] !== undefined) return true;
  return false;
};

interface ScannedTag {
  closing: boolean;
  /** Lowercase. */
  name: string;
  attrsStart: number;
  /** Just after the closing `>`. */
  end: number;
}

/**
 * The tag starting at `lt` (`<name attrs>` or `</name …>`; quoted attribute values may hold `>`), or
 * undefined when none does.
 */
function scanTag(html: string, lt: number): ScannedTag | undefined {
  let j = lt + 1;
  const closing = html.charCodeAt(j) === 47; // "/"
  if (closing) j++;
  const nameStart = j;
  if (!isLetter(html.charCodeAt(j))) return undefined;
  while (j < html.length && isNameChar(html.charCodeAt(j))) j++;
  const name = html.slice(nameStart, j).toLowerCase();
  // The rest of the tag: attributes, where quoted values may hold ">". A pattern, which runs natively:
  // a loop over the characters would be interpreted JavaScript, on every tag of every formula.
  ATTRS.lastIndex = j;
  return ATTRS.test(html) ? { closing, name, attrsStart: j, end: ATTRS.lastIndex } : undefined;
}

const ATTRS = /[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/y;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** `[\w:-]`: letters, digits, `_`, `:` and `-`. */
const isNameChar = (c: number) => isLetter(c) || (c >= 48 && c <= 58) || c === 95 || c === 45;

/** The class attribute's value in `html[from, to)`; KaTeX writes it first, so look there before searching. */
function classOf(html: string, from: number, to: number): string {
  if (html.startsWith(' class="', from)) {
    const end = html.indexOf('"', from + 8);
    if (end >= 0 && end < to) return html.slice(from + 8, end);
  }
  const m = CLASS_ATTR.exec(html.slice(from, to));
  return m?.[1] ?? m?.[2] ?? "";
}

const MATHML_OPEN = '<span class="katex-mathml">';
const MATHML_CLOSE = "</math></span>";

/** `html` without KaTeX's MathML copies (each from its span's start to the first `</math></span>`). */
function withoutMathml(html: string): string {
  let at = html.indexOf(MATHML_OPEN);
  let kept = "";
  let last = 0;
  while (at >= 0) {
    const end = html.indexOf(MATHML_CLOSE, at + MATHML_OPEN.length);
    if (end < 0) break;
    kept += html.slice(last, at);
    last = end + MATHML_CLOSE.length;
    at = html.indexOf(MATHML_OPEN, last);
  }
  return last ? kept + html.slice(last) : html;
}

function computeFont(parent: Computed, el: Element, path: Element[], styles: KatexStyles): Computed {
  const classes = classesOf(el);
  const next: Computed = {
    ...parent,
    hidden: parent.hidden || classes.includes("katex-mathml"),
    children: undefined,
  };
  const candidates = [el.tag, "*", ...classes.map((c) => `.${c}`)].flatMap((k) => styles.byKey.get(k) ?? []);
  const hits = candidates
    .filter((r) => ruleMatches(r, path))
    .sort((x, y) => x.specificity - y.specificity || x.order - y.order);
  for (const r of hits) {
    if (r.family) next.family = r.family;
    if (r.weight) next.weight = r.weight;
    if (r.style) next.style = r.style;
  }
  next.key = `${next.family}|${next.weight}|${next.style}|${next.hidden}`;
  next.face = next.family && !next.hidden ? `${next.family}|${next.weight}|${next.style}` : undefined;
  const relevant = classes.filter((c) => styles.ancestorClasses.has(c));
  next.sig = relevant.length ? `${parent.sig} ${el.tag}.${relevant.join(".")}` : parent.sig;
  // One object per distinct state, so that equal states share their children's memo entries.
  const state = `${next.key}~${next.sig}`;
  const known = styles.states.get(state);
  if (known) return known;
  next.id = styles.states.size;
  styles.states.set(state, next);
  return next;
}

/**
 * The face a browser picks for a requested family/weight/style (CSS font matching, simplified to the two
 * weights and two styles KaTeX has): style first, then weight.
 */
export function pickFace(faces: FontFace[], key: string): FontFace | undefined {
  const [family, weight, style] = key.split("|");
  const own = faces.filter((f) => f.family === family);
  const byStyle = own.filter((f) => f.style === style);
  const pool = byStyle.length ? byStyle : own;
  return pool.find((f) => f.weight === weight) ?? pool[0];
}

/** katex.min.css with @font-face rules for exactly the faces in `used`, each a base64 woff2 data URI. */
export function katexCss(styles: KatexStyles, used: Set<string>): string {
  const faces = new Set<FontFace>();
  for (const key of used) {
    const f = pickFace(styles.faces, key);
    if (f) faces.add(f);
  }
  const fontFaces = [...faces]
    .map((f) => {
      const data = readFileSync(join(styles.fontsDir, f.file)).toString("base64");
      return (
        `@font-face{font-family:${f.family};src:url(data:font/woff2;base64,${data}) format("woff2");` +
        `font-weight:${f.weight};font-style:${f.style};font-display:block}`
      );
    })
    .join("\n");
  return fontFaces + "\n" + styles.cssWithoutFaces;
}
