import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "../../kernel/notebook/sanitize.js";
import { balanceHtml } from "../../kernel/notebook/html.js";
import { scopeSvgIds, stripProlog } from "../../kernel/notebook/svg.js";

describe("sanitizeHtml removes everything that can run or load", () => {
  it.each([
    "<script>alert(1)</script>",
    "<SCRIPT src=//evil></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x ONERROR=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    '<svg onload="alert(1)"><circle r="2"/></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<div style="background:url(http://evil/x.png)">x</div>',
    "<style>@import 'http://evil/x.css'; p{color:red}</style>",
    '<object data="x.swf"></object><embed src="x">',
    '<form action="http://evil"><button formaction="javascript:alert(1)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=http://evil">',
    "<img src=x onerror=alert(1)//",
    '<a href="&#99999999999;javascript:alert(1)">x</a>',
  ])("%s", (input) => {
    const out = sanitizeHtml(input);
    // Only markup matters: the same words as escaped text are harmless.
    const markup = [...out.matchAll(/<[^>]*>|<style>[\s\S]*?<\/style>/gi)].map((m) => m[0]).join(" ");
    expect(markup).not.toMatch(
      /<script|\son\w+=|javascript:|<iframe|<object|<embed|<meta|@import|url\(http|foreignObject/i,
    );
    expect(out).not.toMatch(/<(script|iframe|object|embed|meta|foreignObject)/i);
  });

  it.each([
    ["tables and formatting", "<table><tr><td><b>1</b></td></tr></table>"],
    ["safe links", '<a href="https://example.org/a?b=1">x</a>'],
    ["inline raster images", '<img src="data:image/png;base64,AAAA" width="3">'],
    [
      "svg with gradient references",
      '<svg viewBox="0 0 1 1"><defs><linearGradient id="g"></linearGradient></defs><rect fill="url(#g)" width="1" height="1"><title>∂f/∂x</title></rect></svg>',
    ],
    ["inline style", '<span style="color:red">r</span>'],
  ])("keeps %s", (_name, input) => {
    expect(sanitizeHtml(input)).toBe(input);
  });

  it("drops unknown tags but keeps their text", () => {
    expect(sanitizeHtml("<blink>hi</blink>")).toBe("hi");
  });
});

describe("balanceHtml keeps an output's markup inside its box", () => {
  it.each([
    ["unclosed elements are closed", "<div><b>x", "<div><b>x</b></div>"],
    ["stray closers are dropped", "x</div></main>y", "xy"],
    ["inner elements closed before their parent", "<div><span>a</div>b", "<div><span>a</span></div>b"],
    ["void elements need no closer", "<p>a<br>b<img src=x></p>", "<p>a<br>b<img src=x></p>"],
    [
      "script bodies are not parsed",
      "<script>if (a < b) x = '</div>';</script>",
      "<script>if (a < b) x = '</div>';</script>",
    ],
    ["an unclosed script is closed", "<script>var a = 1;", "<script>var a = 1;</script>"],
    ["self-closed svg elements", '<svg><rect width="1"/></svg>', '<svg><rect width="1"/></svg>'],
  ])("%s", (_name, input, out) => {
    expect(balanceHtml(input)).toBe(out);
  });
});

describe("SVG inlining", () => {
  it("strips the XML prolog and doctype", () => {
    expect(stripProlog('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="1"></svg>')).toBe(
      '<svg width="1"></svg>',
    );
  });

  it("scopes ids and follows every kind of reference", () => {
    const svg =
      '<svg><defs><linearGradient id="g"/><clipPath id=\'c\'/></defs><rect fill="url(#g)" clip-path="url(\'#c\')"/><use href="#g"/><use xlink:href="#c"/><a href="#other">x</a></svg>';
    const out = scopeSvgIds(svg, "o7-");
    expect(out).toContain('id="o7-g"');
    expect(out).toContain("id='o7-c'");
    expect(out).toContain('fill="url(#o7-g)"');
    expect(out).toContain("clip-path=\"url('#o7-c')\"");
    expect(out).toContain('<use href="#o7-g"/>');
    expect(out).toContain('xlink:href="#o7-c"');
    // A reference to an id the SVG does not define is left alone.
    expect(out).toContain('href="#other"');
  });
});
