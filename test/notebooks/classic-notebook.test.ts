/**
 * The real frontend: Debian's classic Jupyter Notebook server (6.x), started here on 127.0.0.1 with a random
 * port and token, a temporary notebook folder holding a copy of lecture 5, and the gradlab kernelspec on
 * JUPYTER_PATH ("gradlab" itself resolves from the kernel's own package, whatever the notebook folder).
 * Headless Chromium (playwright-core) opens it, runs Cell → Run All, and checks what a student sees: the
 * Jacobian table, the heatmap, the computation graph and the steppers, with Next moving a stepper on.
 * Only requests to the local server are allowed (and recorded). Screenshots:
 * test-output/notebooks/classic-notebook-*.png.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, hasChromium } from "../support/browser.js";
import { hasPythonModules, PYTHON, requireTool } from "../support/e2e.js";
import { installKernelspec } from "../support/kernel.js";
import { NOTEBOOKS, OUTPUT } from "./helpers.js";

const run =
  requireTool("jupyter-notebook (Debian python3-notebook)", hasPythonModules("notebook")) &&
  requireTool("chromium", hasChromium());

const LECTURE = "05-backpropagation.ipynb";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(run)("lecture 5 in Debian's classic Jupyter Notebook, run with Cell → Run All", () => {
  let dir: string;
  let server: ChildProcess;
  let serverLog = "";
  let base: string;
  let token: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const sockets: string[] = [];
  const consoleErrors: string[] = [];

  const api = (path: string, init?: RequestInit) =>
    fetch(`${base}${path}${path.includes("?") ? "&" : "?"}token=${token}`, init);

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "gradlab-classic-"));
    const notebookDir = join(dir, "notebooks");
    mkdirSync(notebookDir);
    copyFileSync(join(NOTEBOOKS, LECTURE), join(notebookDir, LECTURE));
    const jupyterPath = installKernelspec(dir);
    const port = await freePort();
    token = randomBytes(16).toString("hex");
    base = `http://127.0.0.1:${port}`;
    const args = ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0"];
    args.push(`--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`);
    if (process.getuid?.() === 0) args.push("--allow-root");
    server = spawn(PYTHON, args, {
      // A private Jupyter home: no user configuration or extension can change what is tested.
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        JUPYTER_CONFIG_DIR: join(dir, "config"),
        JUPYTER_DATA_DIR: join(dir, "data"),
        JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
        IPYTHONDIR: join(dir, "ipython"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.setEncoding("utf8").on("data", (d: string) => (serverLog += d));
    server.stderr?.setEncoding("utf8").on("data", (d: string) => (serverLog += d));
    for (let t = 0; ; t++) {
      const ok = await api("/api/status").then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (t > 60 || server.exitCode !== null) throw new Error(`notebook server did not start:\n${serverLog}`);
      await sleep(500);
    }

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    // Only the local server: anything else is blocked (and recorded, so the test can say what it was).
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      requests.push(url);
      await (url.startsWith(`${base}/`) ? route.continue() : route.abort("blockedbyclient"));
    });
    page = await context.newPage();
    page.on("websocket", (ws) => sockets.push(ws.url()));
    page.on("console", (m) => {
      // Debian's classic Notebook asks for a font at about:blank whenever it typesets Markdown math (also
      // with no outputs at all): the frontend's own noise, not something our outputs cause.
      const frontendNoise = m.location().url === "about:blank" || /font at 'about:blank'/.test(m.text());
      if (m.type() === "error" && !frontendNoise) consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      // Shut the kernels down through the server, then the server itself.
      const kernels = await api("/api/kernels").then(
        (r) => r.json() as Promise<{ id: string }[]>,
        () => [],
      );
      for (const k of kernels) await api(`/api/kernels/${k.id}`, { method: "DELETE" }).catch(() => undefined);
      server.kill("SIGTERM");
      for (let t = 0; t < 20 && server.exitCode === null && server.signalCode === null; t++) await sleep(250);
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("shows the Jacobian table, the heatmap, the graph and the steppers; Next moves a stepper on", async () => {
    await page.goto(`${base}/notebooks/${LECTURE}?token=${token}`, { waitUntil: "load" });
    await page.waitForFunction(
      () =>
        (
          window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }
        ).Jupyter?.notebook?.kernel?.is_connected(),
      undefined,
      { timeout: 60_000 },
    );

    await page.click("#celllink"); // the Cell menu
    await page.click("#run_all_cells > a"); // Run All
    await page.waitForFunction(
      () => {
        type Cell = { cell_type: string; input_prompt_number?: unknown };
        const nb = (
          window as unknown as { Jupyter: { notebook: { get_cells(): Cell[]; kernel_busy: boolean } } }
        ).Jupyter.notebook;
        const code = nb.get_cells().filter((c) => c.cell_type === "code");
        return !nb.kernel_busy && code.every((c) => typeof c.input_prompt_number === "number");
      },
      undefined,
      { timeout: 90_000, polling: 250 },
    );

    const errorsShown = await page.locator(".output_error").allTextContents();
    expect(errorsShown, serverLog.slice(-3000)).toEqual([]);

    // The Jacobian ∂z/∂x as a labelled table (∂z₁, ∂z₂ by ∂x₁ … ∂x₃) with its values.
    const table = page.locator(".output_html table").filter({ hasText: "∂z₁" }).first();
    await expect.poll(() => table.isVisible()).toBe(true);
    const cells = await table.locator("td").allTextContents();
    expect(cells.map((c) => c.trim())).toEqual([
      "0.0597",
      "−0.0447",
      "0.1193",
      "−0.1259",
      "0.0420",
      "0.1049",
    ]);

    // The heatmap (classic Notebook has no plotly renderer: it shows the bundle's static SVG).
    const heat = page.locator('svg[aria-label="∂z/∂x: how each hidden neuron responds to each input"]');
    await expect.poll(() => heat.isVisible()).toBe(true);
    expect(await heat.locator("rect title").count()).toBe(6);
    expect(await heat.locator("rect title").first().textContent()).toBe("∂z₁/∂x₁ = 0.0597");
    await heat.screenshot({ path: join(OUTPUT, "classic-notebook-heatmap.png") });

    // The computation graph.
    expect(await page.locator('.output_area svg[aria-label="computation graph of y"]').count()).toBe(1);

    // The two steppers; Next moves the first one on, and its highlighted node changes.
    const steppers = page.locator("[data-gradlab-stepper]");
    expect(await steppers.count()).toBe(2);
    const first = steppers.first();
    await first.scrollIntoViewIfNeeded();
    const pos = first.locator("[data-role=pos]");
    expect((await pos.textContent())?.trim()).toBe("1 / 10");
    const title = () => first.locator("[data-role=title]:visible").textContent();
    const before = await title();
    expect(before).toMatch(/^Start at the loss/);
    await first.locator("[data-act=next]").click();
    expect((await pos.textContent())?.trim()).toBe("2 / 10");
    expect(await title()).not.toBe(before);
    await first.screenshot({ path: join(OUTPUT, "classic-notebook-stepper.png") });

    // MathJax shows a "Typesetting math" box while it works: wait for it to go before the picture.
    await page
      .waitForFunction(
        () => {
          const box = document.getElementById("MathJax_Message");
          return !box || getComputedStyle(box).display === "none" || box.textContent === "";
        },
        undefined,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator("#notebook-container").evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(OUTPUT, "classic-notebook-first-screen.png") });

    expect(requests.filter((u) => !u.startsWith(`${base}/`) && !/^(data|blob|about):/.test(u))).toEqual([]);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((u) => !u.startsWith(`ws://127.0.0.1:${new URL(base).port}/`))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 150_000);
});
