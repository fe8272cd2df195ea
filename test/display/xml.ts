/** Strict XML parsing for tests: any warning or error from @xmldom/xmldom fails the parse. */
import { DOMParser, onWarningStopParsing, type Document, type Element } from "@xmldom/xmldom";

/** Parses an SVG document (or well-formed HTML fragment wrapped in a root) strictly. */
export function parseXml(source: string, mime: "image/svg+xml" | "text/xml" = "text/xml"): Document {
  return new DOMParser({ onError: onWarningStopParsing }).parseFromString(source, mime);
}

/** A well-formed HTML fragment as an XML document under a <root>. */
export function parseFragment(html: string): Document {
  return parseXml(`<root>${html}</root>`);
}

export function elements(doc: Document | Element, tag: string): Element[] {
  return Array.from(doc.getElementsByTagName(tag));
}

/** Direct child elements with a tag name. */
export function children(e: Element, tag: string): Element[] {
  return Array.from(e.childNodes).filter(
    (n): n is Element => n.nodeType === 1 && (n as Element).tagName === tag,
  );
}

export function text(e: Element | Document): string {
  const node = "documentElement" in e ? e.documentElement : e;
  return (node?.textContent ?? "").trim();
}

/** The <g class="…"> group of an SVG. */
export function group(doc: Document, cls: string): Element {
  const g = elements(doc, "g").find((e) => e.getAttribute("class") === cls);
  if (!g) throw new Error(`no <g class="${cls}">`);
  return g;
}

/** Turns a displayed number (true minus, ∞) back into a JS number. */
export function readNumber(s: string): number {
  const t = s
    .trim()
    .replace(/\u2212/g, "-")
    .replace("∞", "Infinity");
  return t === "nan" ? NaN : Number(t);
}
