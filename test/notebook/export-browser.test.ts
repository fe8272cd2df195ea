/**
 * Exported fixture pages in a real browser (Debian's Chromium, network blocked and recorded): see
 * page-checks.ts for what is checked. Screenshots: test-output/notebook/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type BrowserSession } from "../support/browser.js";
import { requireTool } from "../support/e2e.js";
import { exportFixture, root } from "./helpers.js";
import { checkPage, checkPageWithoutScripts } from "./page-checks.js";

const run = requireTool("chromium", hasChromium());
const outDir = join(root, "test-output", "notebook");

async function writePage(name: string): Promise<string> {
  const { html } = await exportFixture(`${name}.ipynb`);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.html`);
  writeFileSync(file, html);
  return file;
}

describe.runIf(run)("exported fixture pages in Chromium", () => {
  let b: BrowserSession;
  beforeAll(async () => {
    b = await openBrowser({ outputDir: "notebook", allow: (u) => u.startsWith("file:") });
  });
  afterAll(async () => b?.close());

  it.each([
    ["rich-outputs", { figures: 2, drawn: 2, mathErrors: 1 }],
    ["python", { figures: 1, drawn: 1, mathErrors: 0 }],
    ["plain", { figures: 0, drawn: 0, mathErrors: 0, katex: 0 }],
    ["mini-lecture-executed", { figures: 2, drawn: 2, mathErrors: 0 }],
  ])("%s: no request, no console error, all math typeset, every figure drawn", async (name, facts) => {
    const seen = await checkPage(b, await writePage(name), name);
    expect(seen).toMatchObject(facts);
    if (name !== "plain") expect(seen.katex).toBeGreaterThan(0);
  });

  it("the stepper-like HTML output responds to clicks", async () => {
    await b.page.goto(`file://${await writePage("rich-outputs")}`);
    const step = b.page.locator("#st-1 .step.on");
    expect(await step.textContent()).toContain("Step 1");
    await b.page.click("#st-1 .next");
    expect(await step.textContent()).toContain("Step 2");
    expect(b.consoleErrors).toEqual([]);
  });

  it("with JavaScript disabled, math and the static heatmap still show", async () => {
    const file = await writePage("rich-outputs");
    const off = await openBrowser({
      outputDir: "notebook",
      javaScriptEnabled: false,
      allow: (u) => u.startsWith("file:"),
    });
    try {
      await checkPageWithoutScripts(off, file, "rich-outputs");
      expect(await off.page.locator(".katex-html").count()).toBeGreaterThan(5);
      const heat = off.page.locator(".plotly-static svg rect");
      expect(await heat.count()).toBeGreaterThanOrEqual(4);
    } finally {
      await off.close();
    }
  });
});
