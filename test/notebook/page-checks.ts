/**
 * What a reader must see on an exported page, checked in Chromium: used by the fixture pages'
 * browser test and by the run-and-export pipeline test (lecture notebooks).
 */
import { expect } from "vitest";
import { loadKatexStyles, pickFace } from "../../kernel/notebook/katex-fonts.js";
import type { BrowserSession } from "../support/browser.js";

export interface PageFacts {
  figures: number;
  drawn: number;
  katex: number;
  mathErrors: number;
  steppers: number;
}

/**
 * Loads `file`, waits for plotly to draw, and asserts: no network request, no console error, no TeX
 * left as text, every KaTeX face in use inlined and every inlined face used, every figure drawn (an svg
 * inside each plot div, its static picture gone), every stepper's "next" button moving it on.
 * Saves a full-page and a first-screen screenshot named `name`.
 */
export async function checkPage(b: BrowserSession, file: string, name: string): Promise<PageFacts> {
  b.requests.length = 0;
  b.consoleErrors.length = 0;
  const page = b.page;
  await page.goto(`file://${file}`, { waitUntil: "load" });
  await page.waitForFunction(
    () =>
      document.querySelectorAll(".plotly-figure.is-live").length ===
      document.querySelectorAll(".plotly-figure").length,
    undefined,
    { timeout: 30_000 },
  );
  await page.evaluate(() => document.fonts.ready);

  const figures = await page.evaluate(() =>
    Array.from(document.querySelectorAll(".plotly-figure")).map(
      (f) =>
        f.querySelectorAll(".plotly-live svg.main-svg").length > 0 &&
        f.querySelector(".plotly-static") === null,
    ),
  );
  expect(figures.every(Boolean), `${name}: every plotly figure drawn`).toBe(true);

  const rawTex = await page.evaluate(() => {
    const texts: string[] = [];
    for (const root of Array.from(document.querySelectorAll(".markdown, .output-latex, .output-markdown"))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode())
        if (!n.parentElement?.closest(".katex, code, pre, .math-error")) texts.push(n.textContent ?? "");
    }
    return texts.join(" ").match(/\$[^$]+\$|\\\(|\\\[|\\begin\{/g) ?? [];
  });
  expect(rawTex, `${name}: TeX left untypeset`).toEqual([]);

  // Every face the browser draws KaTeX text with was inlined, and every inlined face is drawn with.
  const { used, declared, loaded } = await page.evaluate(() => {
    const keys = new Set<string>();
    for (const el of Array.from(document.querySelectorAll(".katex-html *"))) {
      if (!Array.from(el.childNodes).some((n) => n.nodeType === 3 && /\S/.test(n.textContent ?? "")))
        continue;
      const cs = getComputedStyle(el);
      const family = cs.fontFamily.split(",")[0].trim().replace(/"/g, "");
      keys.add(
        `${family}|${Number(cs.fontWeight) >= 600 ? "bold" : "normal"}|${cs.fontStyle === "italic" ? "italic" : "normal"}`,
      );
    }
    const faces: string[] = [];
    let n = 0;
    document.fonts.forEach((f) => {
      const bold = f.weight === "bold" || Number(f.weight) >= 600;
      faces.push(`${f.family.replace(/"/g, "")}|${bold ? "bold" : "normal"}|${f.style}`);
      if (f.status === "loaded") n++;
    });
    return { used: [...keys], declared: faces, loaded: n };
  });
  const faces = loadKatexStyles().faces;
  for (const key of used) {
    const face = pickFace(faces, key);
    if (face)
      expect(declared, `${name}: face for ${key}`).toContain(`${face.family}|${face.weight}|${face.style}`);
  }
  expect(loaded, `${name}: inlined faces all used`).toBe(declared.length);

  await b.screenshot(name, { fullPage: true });
  await b.screenshot(`${name}-first-screen`, { fullPage: false });

  const steppers = await page.locator("[data-gradlab-stepper]").count();
  for (let i = 0; i < steppers; i++) {
    const root = page.locator("[data-gradlab-stepper]").nth(i);
    const pos = root.locator("[data-role=pos]");
    const before = await pos.textContent();
    await root.locator("[data-act=next]").click();
    expect(await pos.textContent(), `${name}: stepper ${i + 1} moves on`).not.toBe(before);
    if (i === 0) await b.screenshot(`${name}-stepper`, { fullPage: false });
  }

  expect(
    b.networkRequests().filter((u) => !u.startsWith("file:")),
    `${name}: network requests`,
  ).toEqual([]);
  expect(b.consoleErrors, `${name}: console errors`).toEqual([]);
  return {
    figures: figures.length,
    drawn: figures.filter(Boolean).length,
    katex: await page.locator(".katex").count(),
    mathErrors: await page.locator(".math-error").count(),
    steppers,
  };
}

/** With JavaScript off: math is typeset and static pictures of figures show. */
export async function checkPageWithoutScripts(b: BrowserSession, file: string, name: string): Promise<void> {
  await b.page.goto(`file://${file}`);
  await b.page.evaluate(() => document.fonts.ready).catch(() => undefined);
  const katex = b.page.locator(".katex-html");
  for (let i = 0; i < Math.min(await katex.count(), 20); i++) {
    const box = await katex.nth(i).boundingBox();
    expect(box?.width ?? 0, `${name}: math ${i + 1} has a size`).toBeGreaterThan(0);
  }
  const statics = b.page.locator(".plotly-static svg");
  for (let i = 0; i < (await statics.count()); i++) expect(await statics.nth(i).isVisible()).toBe(true);
  expect(await b.page.locator(".plotly-live").count()).toBe(0);
  await b.screenshot(`${name}-no-js`, { fullPage: false }); // the first screen: full pages take seconds
  expect(b.networkRequests().filter((u) => !u.startsWith("file:"))).toEqual([]);
}
