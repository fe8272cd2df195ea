/** The exporter's highlighter: tokens by kind, and the code itself always comes back, escaped. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHighlighter, LANGUAGES } from "../../kernel/notebook/highlight.js";

const highlight = createHighlighter();

/** The text a browser shows for highlighted markup: spans removed, entities decoded. */
function shownText(html: string): string {
  return html
    .replace(/<span class="tok-[a-z]+">|<\/span>/g, "")
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) =>
      e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : e === "#39" ? "'" : "&",
    );
}

/** The spans of one kind, by their (escaped) text. */
const tokens = (html: string, kind: string) =>
  [...html.matchAll(new RegExp(`<span class="tok-${kind}">([^<]*)</span>`, "g"))].map((m) => m[1]);

describe("highlighting", () => {
  it("TypeScript: keywords, types, calls, strings, numbers, comments, template substitutions, regexes", () => {
    const html = highlight(
      [
        'import { grad } from "gradlab";',
        "// the loss </script>",
        "class Linear<T> extends Module { private readonly n: number = 1e-3; }",
        "const f = (x: Tensor) => x.mul(x).sum(); /* done */",
        'console.log(`loss ${loss.toFixed(3)}`, /a"b\\/c/g, a / b / 2);',
      ].join("\n"),
      "typescript",
    );
    expect(tokens(html, "keyword")).toEqual(
      expect.arrayContaining(["import", "from", "class", "extends", "private", "readonly", "const"]),
    );
    expect(tokens(html, "type")).toEqual(["Linear", "T", "Module", "number", "Tensor"]);
    expect(tokens(html, "function")).toEqual(["mul", "sum", "log", "toFixed"]);
    expect(tokens(html, "string")).toEqual(["&quot;gradlab&quot;", "`loss ${", "}`"]);
    expect(tokens(html, "number")).toEqual(["1e-3", "3", "2"]);
    expect(tokens(html, "comment")).toEqual(["// the loss &lt;/script&gt;", "/* done */"]);
    expect(tokens(html, "regexp")).toEqual(["/a&quot;b\\/c/g"]);
    expect(tokens(html, "builtin")).toEqual(["console"]);
  });

  it("a property named like a keyword is a property", () => {
    const html = highlight("fig.layout.type = new Layer(); fig.delete(0);", "ts");
    expect(tokens(html, "keyword")).toEqual(["new"]);
    expect(tokens(html, "type")).toEqual(["Layer"]);
    expect(tokens(html, "function")).toEqual(["delete"]);
  });

  it("Python: definitions, decorators, multi-line and prefixed strings, literals, builtins", () => {
    const html = highlight(
      '@dataclass\nclass Layer:\n    def forward(self, x=None):\n        """two\n        lines"""\n        return f"{x}" + r\'\\d\' + 1_000j  # note',
      "python",
    );
    expect(tokens(html, "meta")).toEqual(["@dataclass"]);
    expect(tokens(html, "type")).toEqual(["Layer"]);
    expect(tokens(html, "function")).toEqual(["forward"]);
    expect(tokens(html, "string")).toEqual([
      "&quot;&quot;&quot;two\n        lines&quot;&quot;&quot;",
      "f&quot;{x}&quot;",
      "r&#39;\\d&#39;",
    ]);
    expect(tokens(html, "literal")).toEqual(["None"]);
    expect(tokens(html, "number")).toEqual(["1_000j"]);
    expect(tokens(html, "comment")).toEqual(["# note"]);
  });

  it("JSON keys, strings and literals; shell variables and comments; HTML tags and attributes", () => {
    const json = highlight('{\n "a": [1, "s", true, null]\n}', "json");
    expect(tokens(json, "attr")).toEqual(["&quot;a&quot;"]);
    expect(tokens(json, "string")).toEqual(["&quot;s&quot;"]);
    expect(tokens(json, "literal")).toEqual(["true", "null"]);
    const sh = highlight('npm run build --if-present # tail\necho "$HOME" $x', "sh");
    expect(tokens(sh, "comment")).toEqual(["# tail"]);
    expect(tokens(sh, "variable")).toEqual(["$x"]);
    expect(tokens(sh, "attr")).toEqual(["--if-present"]);
    const html = highlight('<div class="a" hidden>x &amp; y<!-- c --></div>', "html");
    expect(tokens(html, "tag")).toEqual(["div", "div"]);
    expect(tokens(html, "attr")).toEqual(["class"]);
    expect(tokens(html, "comment")).toEqual(["&lt;!-- c --&gt;"]);
  });

  it("an unknown or missing language is escaped text", () => {
    expect(highlight('a < b && "c"', "cobol")).toBe("a &lt; b &amp;&amp; &quot;c&quot;");
    expect(highlight("<b>", undefined)).toBe("&lt;b&gt;");
  });

  it("whatever the code, every language shows exactly that code, with no markup of its own", () => {
    const code = fc.stringMatching(/^[\s\S]{0,80}$/).chain((s) =>
      fc.oneof(
        fc.constant(s),
        fc
          .array(
            fc.constantFrom(
              '"',
              "'",
              "`",
              "${",
              "}",
              "/",
              "*",
              "#",
              "<",
              ">",
              "&",
              "$",
              "\n",
              "\\",
              "a",
              "1",
              "-",
            ),
            { maxLength: 30 },
          )
          .map((parts) => parts.join("")),
      ),
    );
    fc.assert(
      fc.property(code, fc.constantFrom(...LANGUAGES), (src, language) => {
        const html = highlight(src, language);
        expect(shownText(html)).toBe(src);
        expect(html.replace(/<span class="tok-[a-z]+">|<\/span>/g, "")).not.toMatch(/[<>"']/);
      }),
      { numRuns: 300 },
    );
  });
});
