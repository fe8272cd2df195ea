/**
 * Every lecture notebook executed twice — by gradlab's runner (`gradlab run`, a zeromq client of the
 * kernel) and by Debian's nbclient against the gradlab kernelspec — with zero errors and every code cell's
 * outputs present; both runs must agree output for output. This is the suite's one run of the lectures
 * through gradlab's runner: it also carries the run-and-export pipeline for them (`--html`, as
 * test/notebook/pipeline.test.ts does for the fixtures). The runner's executed copies are then exported
 * with `gradlab export`, which must give the very pages `--html` wrote, and each page passes the export
 * issue's browser checks (no request, no console error, all math typeset by KaTeX, every plotly figure
 * drawn, steppers moving on a click; with scripts off, math and static figures still show).
 *
 * Kept in test-output/notebooks/: executed copies (gradlab/, nbclient/), the pages (gradlab/*.html, and
 * gradlab-run-html/*.html from --html) and screenshots: NN-name.png (whole page), NN-name-first-screen.png,
 * NN-name-stepper.png, NN-name-no-js.png.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type BrowserSession } from "../support/browser.js";
import { hasPythonModules, requireTool } from "../support/e2e.js";
import { CLI, installKernelspec } from "../support/kernel.js";
import { checkPage, checkPageWithoutScripts } from "../notebook/page-checks.js";
import {
  LECTURES,
  OUTPUT,
  outputProblems,
  outputShapes,
  readExecuted,
  runWithNbclient,
  visibleText,
  joined,
  coalesced,
  type Finished,
  type NotebookJson,
} from "./helpers.js";

const names = LECTURES.map((f) => basename(f));
const gradlabDir = join(OUTPUT, "gradlab");
const nbclientDir = join(OUTPUT, "nbclient");
const runHtmlDir = join(OUTPUT, "gradlab-run-html");
const page = (dir: string, name: string) => join(dir, name.replace(/\.ipynb$/, ".html"));
const withNbclient = requireTool(
  "python3 nbclient (Debian python3-nbclient)",
  hasPythonModules("nbclient", "nbformat"),
);
const withChromium = requireTool("chromium", hasChromium());

let gradlab: Finished;
let nbclient: Finished | undefined;
let exported: ReturnType<typeof spawnSync>;
let scratch: string;

beforeAll(async () => {
  // Only this file's folders: the classic-notebook test writes its screenshots beside them.
  for (const dir of [gradlabDir, nbclientDir, runHtmlDir]) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  scratch = mkdtempSync(join(tmpdir(), "gradlab-lectures-"));
  // The two clients run side by side: each is mostly waiting on its kernels.
  const jupyterPath = withNbclient ? installKernelspec(scratch) : "";
  [gradlab, nbclient] = await Promise.all([
    runLectures(),
    withNbclient ? runWithNbclient(LECTURES, nbclientDir, jupyterPath) : Promise.resolve(undefined),
  ]);
  const copies = names.map((n) => join(gradlabDir, n));
  exported = spawnSync(process.execPath, [CLI, "export", ...copies], { encoding: "utf8", timeout: 60_000 });
}, 310_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * `gradlab run` on the lectures, executed copies to gradlab/ and pages to gradlab-run-html/ (`--html`).
 * Without blocking the event loop, so that nbclient's run goes on beside it.
 */
function runLectures(): Promise<Finished> {
  const args = [CLI, "run", ...LECTURES, "--out", gradlabDir, "--html", runHtmlDir, "--jobs", "2"];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args, "--timeout", "120"], {
      env: { ...process.env, CI: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += "\n[test] killed after 240 s";
      child.kill("SIGKILL");
    }, 240_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const executed = (dir: string, name: string): NotebookJson => readExecuted(join(dir, name));

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
        )
      : v;

/** A page with the JSON of each plotly figure re-serialised with sorted keys. */
const figuresWithSortedKeys = (html: string) =>
  html.replace(
    /(<script type="application\/json" class="plotly-data">)([\s\S]*?)(<\/script>)/g,
    (_, open: string, json: string, close: string) =>
      open + JSON.stringify(sortKeys(JSON.parse(json))) + close,
  );

/** What each lecture must show once run, beyond "no errors, every cell has outputs". */
function lectureFacts(name: string, nb: NotebookJson): void {
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
  const text = outputs.map(visibleText).join("\n");
  const mimes = new Set(outputs.flatMap((o) => Object.keys(o.data ?? {})));
  // Every lecture's checks ran and printed their ✓ lines.
  expect(text.match(/✓/g)?.length ?? 0, `${name}: ✓ lines`).toBeGreaterThanOrEqual(3);
  const plotly = "application/vnd.plotly.v1+json";
  switch (name.slice(0, 2)) {
    case "01":
      // The worked example: J_F(1, 1) = [[6xy, 3x²], [2, 8y⁷]] at (1, 1), as a labelled table.
      expect(text).toMatch(/J_F\(1, 1\)[^\n]*\n\s+∂x\s+∂y\n∂f\s+6\s+3\n∂g\s+2\s+8/);
      expect(mimes).toContain(plotly);
      expect(mimes).toContain("text/latex");
      break;
    case "02":
      expect(text).toMatch(/max σ′ = 0\.25/);
      break;
    case "03":
      expect(text).toMatch(/matmul: \[3,2\] @ \[3\]: inner dimensions 2 and 3 differ/);
      break;
    case "04":
      expect(text).toMatch(/J_σ\(g\(x\)\) · J_g\(x\) = J_h\(x\)/);
      break;
    case "05": {
      const html = outputs
        .map((o) => joined(o.data?.["text/html"] as string | string[] | undefined))
        .join("");
      expect(html.match(/data-gradlab-stepper/g)?.length ?? 0, "two steppers").toBeGreaterThanOrEqual(2);
      expect(mimes).toContain("image/svg+xml"); // the computation graph
      expect(mimes).toContain(plotly); // the heatmap of ∂z/∂x
      expect(text).toMatch(/loss [\d.]+ → [\d.]+ after one step/);
      break;
    }
    case "06":
      // The heatmap shown at the start of training was updated in place (update_display_data) to its end state.
      expect(text).toMatch(/J at the probe, step 500/);
      expect(text).not.toMatch(/J at the probe, step 0\b/);
      break;
  }
}

describe("the lectures, executed by gradlab's runner", () => {
  it("every notebook ran without errors", () => {
    expect(gradlab.stderr).toMatch(/6 notebooks ran without errors/);
    expect(gradlab.status).toBe(0);
  });

  it.each(names)("%s: every code cell has its outputs, no errors, and the lecture's results", (name) => {
    const nb = executed(gradlabDir, name);
    expect(outputProblems(nb)).toEqual([]);
    lectureFacts(name, nb);
  });
});

describe.runIf(withNbclient)(
  "the lectures, executed by Debian's nbclient through the gradlab kernelspec",
  () => {
    it("every notebook ran without errors", () => {
      expect(nbclient!.stderr).not.toMatch(/Traceback|CellExecutionError/);
      expect(nbclient!.status).toBe(0);
      expect(nbclient!.stdout.match(/^executed /gm)?.length).toBe(names.length);
    });

    it.each(names)("%s: every code cell has its outputs, and they match the runner's", (name) => {
      const nb = executed(nbclientDir, name);
      const ours = executed(gradlabDir, name);
      expect(outputProblems(nb)).toEqual([]);
      lectureFacts(name, nb);
      // Same kinds of output in every cell, and the same text: the notebooks are deterministic (seeded).
      expect(outputShapes(nb)).toEqual(outputShapes(ours));
      const texts = (n: NotebookJson) =>
        n.cells.filter((c) => c.cell_type === "code").map((c) => coalesced(c.outputs ?? []).map(visibleText));
      expect(texts(nb)).toEqual(texts(ours));
    });
  },
);

describe("the lecture pages: gradlab run --html, and gradlab export of the executed copies", () => {
  it("gradlab run --html wrote one page per lecture, and nothing else", () => {
    expect(gradlab.status).toBe(0);
    const pages = readdirSync(runHtmlDir).filter((f) => f.endsWith(".html"));
    expect(pages.sort()).toEqual(names.map((n) => n.replace(/\.ipynb$/, ".html")).sort());
  });

  it("gradlab export wrote one page per lecture", () => {
    expect(exported.status, String(exported.stderr)).toBe(0);
    for (const n of names) expect(existsSync(page(gradlabDir, n)), n).toBe(true);
  });

  // The written notebook has its JSON keys sorted (as Jupyter writes it), so a figure's JSON in the page
  // made from the file lists its keys in another order than the one made from the run: same figure.
  it.each(names)("%s: the exported page is the page --html wrote (figure JSON key order aside)", (name) => {
    const exportedPage = figuresWithSortedKeys(readFileSync(page(gradlabDir, name), "utf8"));
    const runPage = figuresWithSortedKeys(readFileSync(page(runHtmlDir, name), "utf8"));
    expect(exportedPage.length).toBeGreaterThan(100_000);
    expect(exportedPage === runPage).toBe(true);
  });
});

// The pages --html wrote are the exported ones (above, up to figure JSON key order): one browser pass
// checks both.
describe.runIf(withChromium)("the exported lecture pages in Chromium", () => {
  let b: BrowserSession;
  let off: BrowserSession;
  beforeAll(async () => {
    b = await openBrowser({ outputDir: "notebooks", allow: (u) => u.startsWith("file:") });
    off = await openBrowser({
      outputDir: "notebooks",
      javaScriptEnabled: false,
      allow: (u) => u.startsWith("file:"),
    });
  }, 150_000);
  afterAll(async () => {
    await b?.close();
    await off?.close();
  });

  it.each(names)(
    "%s: no request, no console error, math typeset, figures drawn, steppers respond; static without scripts",
    async (name) => {
      const file = page(gradlabDir, name);
      const stem = name.replace(/\.ipynb$/, "");
      const facts = await checkPage(b, file, stem);
      expect(facts.katex, "math typeset").toBeGreaterThan(10);
      expect(facts.mathErrors).toBe(0);
      // Every plotly figure of the executed notebook is on the page, drawn.
      const plotlyOutputs = executed(gradlabDir, name)
        .cells.flatMap((c) => c.outputs ?? [])
        .filter((o) => o.data?.["application/vnd.plotly.v1+json"] !== undefined).length;
      expect(facts.figures).toBe(plotlyOutputs);
      expect(facts.drawn).toBe(plotlyOutputs);
      expect(facts.steppers).toBe(stem.startsWith("05") ? 2 : 0);
      await checkPageWithoutScripts(off, file, stem);
    },
    60_000,
  );
});
