import { chmodSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type Katex from "katex";
import { createCodeCache, plainLoad } from "../../kernel/notebook/code-cache.js";

const formula = "\\frac{\\partial f}{\\partial x}";

describe("code cache for the exporter's CommonJS libraries", () => {
  it("writes bytecode once and loads from it the next time; results are the same as plain require", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "gl-cc-")), "cache");
    const first = createCodeCache(dir);
    const a = (first.load("katex") as typeof Katex).renderToString(formula);
    expect(first.load("katex")).toBe(first.load("katex")); // one instance per cache
    first.save();
    expect(readdirSync(dir)).toHaveLength(1);
    const second = createCodeCache(dir);
    const b = (second.load("katex") as typeof Katex).renderToString(formula);
    second.save();
    expect(readdirSync(dir)).toHaveLength(1);
    expect(b).toBe(a);
    expect(a).toBe((plainLoad("katex") as typeof Katex).renderToString(formula));
  });

  it("does not trust a folder others can write to", () => {
    const dir = mkdtempSync(join(tmpdir(), "gl-cc-open-"));
    chmodSync(dir, 0o777);
    const cache = createCodeCache(dir);
    expect(typeof (cache.load("markdown-it") as unknown)).toBe("function");
    cache.save();
    expect(readdirSync(dir)).toEqual([]);
  });
});
