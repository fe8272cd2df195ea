/**
 * Shared browser for tests: playwright-core driving Debian's Chromium, with the network blocked and every
 * request recorded, console errors and page errors captured, and screenshots written under test-output/.
 *
 * API
 *   chromiumPath                       "/usr/bin/chromium", or env GRADLAB_CHROMIUM.
 *   hasChromium(): boolean             whether that executable exists (pair with e2e.ts requireTool).
 *   openBrowser(options?): Promise<BrowserSession>
 *     options.outputDir                folder under test-output/ for screenshots (default "browser").
 *     options.javaScriptEnabled        default true; false to check what a page shows without scripts.
 *     options.viewport                 default { width: 1000, height: 700 }; deviceScaleFactor default 1.
 *     options.allow(url) => boolean    requests to let through (still recorded). Default: none. data:,
 *                                      blob: and about: URLs never reach the network and are not routed.
 *     options.allowWebSocket(url) => boolean  WebSockets to connect for real (e.g. a live Jupyter server's
 *                                      kernel channels), messages forwarded both ways; still recorded.
 *                                      Default: none (every WebSocket is closed at once).
 *   BrowserSession
 *     page                             a fresh page in a fresh context (own profile, no cache).
 *     newPage()                        another watched page in the same context.
 *     requests                         every request seen: { url, method, resourceType, blocked }.
 *     networkRequests()                the URLs of requests that tried to leave the page (should be []).
 *     consoleErrors                    console.error messages and uncaught page errors, in order.
 *     show(body, { page?, title? })    loads an HTML fragment into a plain white document (like an output
 *                                      area) via setContent; resolves once loaded.
 *     screenshot(name, { page?, selector?, fullPage? })  writes test-output/<outputDir>/<name>.png and
 *                                      returns its path; with selector, only that element.
 *     close()                          closes the browser (call in afterAll).
 *   documentFor(body, title?)          the HTML document show() uses, for tests that write files.
 *
 * Example
 *   const run = requireTool("chromium", hasChromium());
 *   let b: BrowserSession;
 *   beforeAll(async () => { if (run) b = await openBrowser({ outputDir: "display" }); });
 *   afterAll(async () => b?.close());
 *   it.runIf(run)("shows a table", async () => {
 *     await b.show(tableHtml(view));
 *     expect(await b.page.locator("td").count()).toBe(4);
 *     await b.screenshot("table");
 *     expect(b.networkRequests()).toEqual([]);
 *     expect(b.consoleErrors).toEqual([]);
 *   });
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const chromiumPath = process.env.GRADLAB_CHROMIUM ?? "/usr/bin/chromium";

/** The repository root (test/support/../..). */
const root = fileURLToPath(new URL("../..", import.meta.url));

export function hasChromium(): boolean {
  return existsSync(chromiumPath);
}

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
  /** True when the request was stopped (everything not allowed). */
  blocked: boolean;
}

export interface BrowserOptions {
  outputDir?: string;
  javaScriptEnabled?: boolean;
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  allow?: (url: string) => boolean;
  /** WebSockets to connect to their server (recorded with blocked: false). Default: none. */
  allowWebSocket?: (url: string) => boolean;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly requests: RecordedRequest[];
  readonly consoleErrors: string[];
  /** Absolute path of the screenshot folder. */
  readonly outputDir: string;
  newPage(): Promise<Page>;
  networkRequests(): string[];
  show(body: string, options?: { page?: Page; title?: string }): Promise<void>;
  screenshot(name: string, options?: { page?: Page; selector?: string; fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

const launchArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // Belt and braces beside the request routing: no host name resolves, so nothing can leave by accident.
  // Loopback stays reachable (the rules map IP literals too) for requests a test allows, e.g. a local
  // Jupyter server at 127.0.0.1; the request routing still stops everything not allowed.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
];

/**
 * A plain white HTML document around a fragment, styled like a notebook output area.
 * @example documentFor("<table>…</table>", "table")
 */
export function documentFor(body: string, title = "gradlab test"): string {
  const esc = title.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc}</title>` +
    `<style>body{margin:0;padding:24px;background:#fff;color:#1f2328;` +
    `font-family:system-ui,'DejaVu Sans',sans-serif}</style></head>` +
    `<body><main id="output">${body}</main></body></html>`
  );
}

export async function openBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  const outputDir = join(root, "test-output", options.outputDir ?? "browser");
  mkdirSync(outputDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1000, height: 700 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    serviceWorkers: "block",
  });
  const requests: RecordedRequest[] = [];
  const consoleErrors: string[] = [];
  const allow = options.allow ?? (() => false);
  await context.route("**/*", async (route) => {
    const r = route.request();
    const allowed = allow(r.url());
    requests.push({ url: r.url(), method: r.method(), resourceType: r.resourceType(), blocked: !allowed });
    await (allowed ? route.continue() : route.abort("blockedbyclient"));
  });
  const allowWebSocket = options.allowWebSocket ?? (() => false);
  await context.routeWebSocket(/.*/, (ws) => {
    const allowed = allowWebSocket(ws.url());
    requests.push({ url: ws.url(), method: "GET", resourceType: "websocket", blocked: !allowed });
    // Connected, playwright forwards every message both ways; otherwise the page sees the socket close.
    if (allowed) ws.connectToServer();
    else void ws.close();
  });
  const watch = (page: Page): Page => {
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));
    return page;
  };
  const page = watch(await context.newPage());
  return {
    browser,
    context,
    page,
    requests,
    consoleErrors,
    outputDir,
    newPage: async () => watch(await context.newPage()),
    networkRequests: () => requests.map((r) => r.url).filter((u) => !/^(data|blob|about):/.test(u)),
    show: async (body, o = {}) => {
      await (o.page ?? page).setContent(documentFor(body, o.title), { waitUntil: "load" });
    },
    screenshot: async (name, o = {}) => {
      const path = join(outputDir, `${name}.png`);
      mkdirSync(dirname(path), { recursive: true });
      const p = o.page ?? page;
      if (o.selector) await p.locator(o.selector).first().screenshot({ path });
      else await p.screenshot({ path, fullPage: o.fullPage ?? true });
      return path;
    },
    close: () => browser.close(),
  };
}
