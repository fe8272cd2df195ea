/**
 * `show(value)`: display a value from anywhere in a cell, in whichever kernel runs it. gradlab's kernel
 * gives cells a global `display`; Deno has `Deno.jupyter.display`; tslab has `require("tslab").display`,
 * which sends one MIME type per output. Outside any kernel the text/plain goes to the console.
 */
import { createRequire } from "node:module";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { DISPLAY, type MimeBundle } from "./view.js";

/**
 * Displays a value below the current cell: its `[Symbol.for("Jupyter.display")]()` bundle (tensors,
 * tables, heatmaps, plots), or readable text for anything else. Works in gradlab's kernel, in Deno's and in
 * tslab's (there the richest single MIME type is sent, text/html first: tslab's display API carries one
 * type per output). Returns nothing, so a cell ending in `show(x)` prints nothing more; only when the
 * display is asynchronous (Deno, or a displayable whose bundle is a promise) it returns a promise to await.
 * @example
 * show(heatmap(J));
 * for (const step of steps) show(table(step.grad, { title: `step ${step.n}` }));
 */
export function show(value: unknown): void | Promise<void> {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.display === "function") {
    // gradlab's kernel: its display() asks the value for its bundle itself (and handles non-displayables).
    (g.display as (v: unknown) => unknown)(value);
    return;
  }
  const bundle = bundleOf(value);
  return bundle instanceof Promise ? bundle.then(send) : send(bundle);
}

function send(bundle: MimeBundle): void | Promise<void> {
  const deno = denoJupyter();
  if (deno) return deno.display(bundle, { raw: true });
  if (sendToTslab(bundle)) return;
  console.log(bundle["text/plain"]);
}

/**
 * The MIME bundle of any value: its own (via the display symbol) or text/plain.
 * @example bundleOf(table([[1, 2]]))["text/html"]
 */
export function bundleOf(value: unknown): MimeBundle | Promise<MimeBundle> {
  const own = (value as { [DISPLAY]?: unknown } | null | undefined)?.[DISPLAY];
  if (typeof own === "function") return (own as () => MimeBundle | Promise<MimeBundle>).call(value);
  return { "text/plain": plainText(value) };
}

function plainText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return String(value);
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

interface DenoJupyter {
  display(bundle: MimeBundle, options: { raw: boolean }): Promise<void>;
}

/** Deno.jupyter exists only under `deno jupyter`, and throws when touched outside it. */
function denoJupyter(): DenoJupyter | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno;
  if (!deno) return undefined;
  try {
    return typeof deno.jupyter?.display === "function" ? deno.jupyter : undefined;
  } catch {
    return undefined;
  }
}

/** tslab's display sends one MIME type per output: the richest one a notebook shows without scripts. */
const tslabPreference = ["text/html", "image/svg+xml", "text/markdown", "text/latex", "text/plain"];

interface TslabModule {
  display: { raw(contentType: string, data: string): void };
}

/**
 * Sends a bundle through tslab when running under it (tslab sets `globalThis.__tslab__` for cell code).
 * The tslab that runs the kernel may be the one in the notebook folder's node_modules or a global one, so
 * it is looked up the way cell code sees it first, then from the working folder, then from the kernel's
 * script; a copy that is not the running kernel reports "Not ready" and the next is tried.
 */
function sendToTslab(bundle: MimeBundle): boolean {
  const hook = (globalThis as { __tslab__?: { require?: (id: string) => unknown } }).__tslab__;
  if (!hook) return false;
  const type = tslabPreference.find((t) => typeof bundle[t] === "string");
  if (!type) return false;
  const loaders = [
    () => hook.require?.("tslab"),
    () => createRequire(join(process.cwd(), "index.js"))("tslab"),
    () => createRequire(realpathSync(process.argv[1] ?? ""))("tslab"),
  ];
  let lastError: unknown;
  for (const load of loaders) {
    try {
      const tslab = load() as TslabModule | undefined;
      if (typeof tslab?.display?.raw !== "function") continue;
      tslab.display.raw(type, bundle[type] as string);
      return true;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`show: running under tslab but its display API could not be used: ${String(lastError)}`);
}
