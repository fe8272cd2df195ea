/**
 * The main job end to end: `gradlab run` executes the mini lecture fixture (test/fixtures/notebooks/run)
 * through gradlab's kernel, writes executed copies and pages, and each page passes the browser checks
 * (page-checks.ts), with scripts on and off. Screenshots: test-output/notebook/pipeline/.
 * The lecture notebooks take the same path in test/notebooks/execute.test.ts, which runs them (once per
 * suite run, as they take half a minute) with `--html` and checks those pages the same way.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type BrowserSession } from "../support/browser.js";
import { requireTool } from "../support/e2e.js";
import { cli, fixtures } from "./helpers.js";
import { checkPage, checkPageWithoutScripts } from "./page-checks.js";

const work = mkdtempSync(join(tmpdir(), "gl-pipeline-"));
const input = join(work, "notebooks");
const out = join(work, "out");
cpSync(join(fixtures, "run"), input, { recursive: true });
const pages = () =>
  existsSync(out)
    ? readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".html"))
    : [];

describe("gradlab run → out/: executed copies and pages", () => {
  let result: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    result = spawnSync(
      process.execPath,
      [cli, "run", input, "--out", out, "--html", out, "--jobs", "2", "--timeout", "120"],
      {
        encoding: "utf8",
        timeout: 120_000,
      },
    );
  }, 140_000);

  it("every notebook runs without errors", () => {
    expect(result.stderr).toMatch(/ran without errors/);
    expect(result.status).toBe(0);
    const notebooks = readdirSync(input, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ipynb"),
    );
    expect(pages().sort()).toEqual(notebooks.map((f) => f.replace(/\.ipynb$/, ".html")).sort());
  });

  it("the mini lecture's executed copy has every output", () => {
    const nb = JSON.parse(readFileSync(join(out, "mini-lecture.ipynb"), "utf8"));
    const kinds = nb.cells.flatMap((c: { outputs?: { data?: object; output_type: string }[] }) =>
      (c.outputs ?? []).flatMap((o) => (o.data ? Object.keys(o.data) : [o.output_type])),
    );
    for (const mime of [
      "text/html",
      "text/latex",
      "application/vnd.plotly.v1+json",
      "image/svg+xml",
      "stream",
    ])
      expect(kinds).toContain(mime);
  });

  const run = requireTool("chromium", hasChromium());
  describe.runIf(run)("every page in Chromium", () => {
    let b: BrowserSession;
    beforeAll(async () => {
      b = await openBrowser({ outputDir: "notebook/pipeline", allow: (u) => u.startsWith("file:") });
    });
    afterAll(async () => b?.close());

    it("passes the page checks with scripts on, and shows math and static figures with scripts off", async () => {
      const off = await openBrowser({
        outputDir: "notebook/pipeline",
        javaScriptEnabled: false,
        allow: (u) => u.startsWith("file:"),
      });
      try {
        for (const page of pages()) {
          const name = page.replace(/\.html$/, "").replace(/\//g, "-");
          const facts = await checkPage(b, join(out, page), name);
          if (name === "mini-lecture") expect(facts).toMatchObject({ figures: 2, drawn: 2, mathErrors: 0 });
          await checkPageWithoutScripts(off, join(out, page), name);
        }
      } finally {
        await off.close();
      }
    }, 120_000);
  });
});
