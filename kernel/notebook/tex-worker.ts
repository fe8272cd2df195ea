/**
 * The worker thread that typesets a page's formulas (see tex.ts): it loads KaTeX while the main thread
 * loads markdown-it and highlight.js, typesets each formula as it arrives, in page order (macros defined
 * by one formula hold for the next), and answers once with everything.
 */
import { parentPort } from "node:worker_threads";
import type Katex from "katex";
import { createCodeCache } from "./code-cache.js";
import { loadKatexStyles } from "./katex-fonts.js";
import { createTypesetter, type FromWorker, type TexProblem, type ToWorker } from "./tex.js";

const port = parentPort;
if (port) {
  const cache = createCodeCache();
  const typesetter = createTypesetter(cache.load("katex") as typeof Katex, loadKatexStyles());
  const html: string[] = [];
  const problems: TexProblem[] = [];
  port.on("message", (m: ToWorker) => {
    if ("done" in m) {
      const answer: FromWorker = { html, fonts: [...typesetter.fonts], problems };
      port.postMessage(answer);
      cache.save();
      return;
    }
    const r = typesetter.typeset(m.tex, m.display);
    if (r.error) problems.push({ tex: m.tex, message: r.error, index: html.length });
    html.push(r.html);
  });
}
