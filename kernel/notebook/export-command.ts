/**
 * `gradlab export <notebook.ipynb>... [-o out.html] [--plotly inline|cdn|none] [--no-input] [--no-prompt]
 * [--sanitize] [--stdout]`: one self-contained HTML page per notebook, written atomically.
 */
import { writeSync } from "node:fs";
import { parseArgs } from "node:util";
import { createCodeCache } from "./code-cache.js";
import { exportNotebook } from "./export.js";
import { partsByteLength, type PagePart } from "./html.js";
import { NotebookError, readNotebook, writeFileAtomic } from "./nbformat.js";
import type { PlotlyMode } from "./plotly.js";
import { createMark } from "./timing.js";

export const EXPORT_USAGE = `usage: gradlab export <notebook.ipynb>... [options]

  -o, --output FILE        where to write the page (one notebook only; default: next to the notebook, .html)
      --stdout             write the page to standard output
      --plotly MODE        inline (default: one copy of plotly.js in the page), cdn, or none (static pictures)
      --no-input           hide code cells' source (and prompts)
      --no-prompt          hide the In [n]: / Out[n]: prompts
      --sanitize           the notebook is untrusted: strip scripts, event handlers and unsafe URLs
  -q, --quiet              print nothing but errors
`;

const PLOTLY_MODES: PlotlyMode[] = ["inline", "cdn", "none"];

/** `gradlab export`: exit code 0 when every page was written, 1 when some failed, 2 for a usage error. */
export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        stdout: { type: "boolean" },
        plotly: { type: "string" },
        "no-input": { type: "boolean" },
        "no-prompt": { type: "boolean" },
        sanitize: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    process.stderr.write(`gradlab export: ${(e as Error).message}\n\n${EXPORT_USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(EXPORT_USAGE);
    return 0;
  }
  const usageError = (msg: string) => {
    process.stderr.write(`gradlab export: ${msg}\n\n${EXPORT_USAGE}`);
    return 2;
  };
  if (positionals.length === 0) return usageError("no notebook given");
  if ((values.output || values.stdout) && positionals.length > 1)
    return usageError("-o/--stdout take a single notebook");
  const plotly = (values.plotly ?? "inline") as PlotlyMode;
  if (!PLOTLY_MODES.includes(plotly)) return usageError(`--plotly must be one of ${PLOTLY_MODES.join(", ")}`);

  const codeCache = createCodeCache();
  const mark = createMark();
  // In the prebuilt bundle, import.meta.url is the bundle's (see scripts/build-export-bundle.ts).
  mark(`exporter loaded (${import.meta.url.endsWith(".cjs") ? "prebuilt bundle" : "modules"})`);
  let failed = 0;
  for (const file of positionals) {
    try {
      const nb = await readNotebook(file);
      mark("notebook read");
      const result = await exportNotebook(nb, {
        plotly,
        input: !values["no-input"],
        prompts: !values["no-prompt"],
        sanitize: values.sanitize ?? false,
        fileName: file,
        load: codeCache.load,
        mark,
      });
      for (const w of result.warnings) process.stderr.write(`gradlab export: ${file}: ${w}\n`);
      if (values.stdout) {
        writeToStdout(result.parts);
        mark("written");
        continue;
      }
      const out = values.output ?? file.replace(/\.ipynb$/i, "") + ".html";
      await writeFileAtomic(out, result.parts);
      mark("written");
      if (!values.quiet) {
        const kb = (partsByteLength(result.parts) / 1024).toFixed(0);
        const figs = result.figures ? `, ${result.figures} figure(s)` : "";
        process.stderr.write(`${file} → ${out} (${kb} KB${figs})\n`);
      }
    } catch (e) {
      failed++;
      const msg = e instanceof NotebookError ? e.message : `${file}: ${(e as Error).stack ?? String(e)}`;
      process.stderr.write(`gradlab export: ${msg}\n`);
    }
  }
  codeCache.save();
  return failed ? 1 : 0;
}

/**
 * Writes the page to standard output as it is: straight to the file descriptor, since setting up
 * process.stdout (Node's stream machinery) costs an export a few milliseconds and a copy of the page.
 */
function writeToStdout(parts: PagePart[]): void {
  for (const part of parts) {
    const bytes = typeof part === "string" ? Buffer.from(part) : part;
    for (let at = 0; at < bytes.byteLength;) {
      try {
        at += writeSync(1, bytes, at);
      } catch (e) {
        // A non-blocking pipe that is full: give the reader a millisecond.
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }
}
