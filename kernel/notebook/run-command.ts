/**
 * `gradlab run <notebook.ipynb | folder>... [options]`: executes notebooks headless through the kernel
 * (one kernel process per notebook, over the real protocol), writes the executed copies atomically and,
 * with --html, the exported pages. Exit code 0 only when every notebook ran without a failing cell.
 */
import { mkdir, readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createCodeCache, type Load } from "./code-cache.js";
import { exportNotebook } from "./export.js";
import {
  joinSource,
  NotebookError,
  readNotebook,
  serializeNotebook,
  withSplitLines,
  writeFileAtomic,
  type Notebook,
} from "./nbformat.js";
import { createProgress, type Progress } from "./progress.js";
import { executableCells, runNotebook, type CellFailure } from "./run-notebook.js";

export const RUN_USAGE = `usage: gradlab run <notebook.ipynb | folder>... [options]

  -j, --jobs N          notebooks run in parallel, one kernel each (default 1)
  -t, --timeout S       time limit per cell in seconds; past it the cell is interrupted and fails
                        (default 300; 0 = none; a cell may set its own: metadata.gradlab.timeout)
      --allow-errors    keep running after a cell errs (its error stays in the outputs)
      --inplace         write each executed notebook over its input (only when its run succeeded)
      --out DIR         write executed copies to DIR, keeping paths relative to each folder given
      --html DIR        export each executed notebook to DIR as one self-contained HTML page
      --if-present      a folder or file that does not exist means nothing to run, not an error
      --kernel-cmd CMD  the kernel's command line with {connection_file} (default: gradlab's kernel)
  -q, --quiet           print only failures and the summary
`;

/** A notebook to run, with the path it keeps under --out / --html. */
interface Job {
  file: string;
  /** Path relative to the folder it was found in (or its file name). */
  rel: string;
}

interface Outcome {
  job: Job;
  failures: CellFailure[];
  /** The source's first line of each failed cell, for the summary. */
  sources: Map<number, string>;
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        jobs: { type: "string", short: "j" },
        timeout: { type: "string", short: "t" },
        "allow-errors": { type: "boolean" },
        inplace: { type: "boolean" },
        out: { type: "string" },
        html: { type: "string" },
        "if-present": { type: "boolean" },
        "kernel-cmd": { type: "string" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(RUN_USAGE);
    return 0;
  }
  if (positionals.length === 0) return usageError("no notebook or folder given");
  if (values.inplace && values.out) return usageError("--inplace and --out exclude each other");
  const jobsN = Number(values.jobs ?? 1);
  if (!Number.isInteger(jobsN) || jobsN < 1) return usageError("--jobs must be a whole number ≥ 1");
  const timeoutS = Number(values.timeout ?? 300);
  if (!Number.isFinite(timeoutS) || timeoutS < 0)
    return usageError("--timeout must be a number of seconds ≥ 0");
  const kernelArgv = values["kernel-cmd"] ? splitCommand(values["kernel-cmd"]) : undefined;
  if (kernelArgv && !kernelArgv.some((a) => a.includes("{connection_file}")))
    return usageError("--kernel-cmd must contain {connection_file}");

  let jobs: Job[];
  try {
    jobs = await findNotebooks(positionals, values["if-present"] ?? false);
  } catch (e) {
    process.stderr.write(`gradlab run: ${(e as Error).message}\n`);
    return 1;
  }
  if (jobs.length === 0) {
    process.stderr.write(`gradlab run: no notebooks to run in ${positionals.join(", ")}\n`);
    return 0;
  }

  // Read and validate everything first: a broken file is reported before any kernel starts.
  const outcomes: Outcome[] = [];
  const ready: { job: Job; nb: Notebook }[] = [];
  for (const job of jobs) {
    try {
      ready.push({ job, nb: await readNotebook(job.file) });
    } catch (e) {
      const message = e instanceof NotebookError ? e.message.replace(`${job.file}: `, "") : String(e);
      outcomes.push({ job, failures: [{ cell: 0, kind: "start", message }], sources: new Map() });
    }
  }
  const total = ready.reduce((n, r) => n + executableCells(r.nb).length, 0);
  const progress = createProgress(total, process.stderr, values.quiet ?? false);
  const abort = new AbortController();
  const codeCache = createCodeCache();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const settings: Settings = {
      load: codeCache.load,
      timeoutMs: timeoutS > 0 ? timeoutS * 1000 : undefined,
      allowErrors: values["allow-errors"] ?? false,
      inplace: values.inplace ?? false,
      out: values.out,
      html: values.html,
      kernelArgv,
    };
    await pool(ready, jobsN, async ({ job, nb }) => {
      const outcome = await runOne(job, nb, settings, progress, abort.signal).catch(
        (e: unknown): Outcome => ({
          job,
          failures: [
            { cell: 0, kind: "start", message: `runner failure: ${(e as Error).stack ?? String(e)}` },
          ],
          sources: new Map(),
        }),
      );
      outcomes.push(outcome);
    });
  } finally {
    codeCache.save();
    progress.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return summarize(outcomes, jobs.length, abort.signal.aborted);
}

interface Settings {
  /** How the exporter loads its libraries (with the code cache). */
  load: Load;
  timeoutMs?: number;
  allowErrors: boolean;
  inplace: boolean;
  out?: string;
  html?: string;
  kernelArgv?: string[];
}

async function runOne(
  job: Job,
  nb: Notebook,
  s: Settings,
  progress: Progress,
  signal: AbortSignal,
): Promise<Outcome> {
  const started = Date.now();
  const cells = executableCells(nb).length;
  progress.notebookStarted(job.file, cells);
  const result = await runNotebook(nb, {
    kernel: { argv: s.kernelArgv, cwd: dirname(resolve(job.file)) },
    timeoutMs: s.timeoutMs,
    allowErrors: s.allowErrors,
    signal,
    onCell: () => progress.cellDone(job.file),
  });
  const sources = new Map<number, string>();
  for (const f of result.failures) {
    const cell = result.notebook.cells[f.cell - 1];
    if (cell) sources.set(f.cell, joinSource(cell.source).trim().split("\n")[0].slice(0, 60));
  }
  const failures = [...result.failures];
  // Nothing is written for an interrupted run; a failed run still gets its --out copy and page
  // (they show the error), but never overwrites its input.
  if (!signal.aborted) {
    try {
      const text = serializeNotebook(withSplitLines(result.notebook));
      if (s.out) await writeTo(join(s.out, job.rel), text);
      if (s.inplace && result.ok) await writeFileAtomic(job.file, text);
      if (s.html) {
        const page = await exportNotebook(result.notebook, { fileName: job.file, load: s.load });
        for (const w of page.warnings) progress.log(`gradlab run: ${job.file}: ${w}`);
        await writeTo(join(s.html, job.rel.replace(/\.ipynb$/i, "") + ".html"), page.parts);
      }
    } catch (e) {
      failures.push({ cell: 0, kind: "start", message: `cannot write results: ${(e as Error).message}` });
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const status = failures.length ? `FAILED (${failures.map(describeFailure).join("; ")})` : "ok";
  progress.notebookDone(
    job.file,
    `${job.file}: ${result.executed}/${cells} cells in ${seconds} s, ${status}`,
    cells - result.executed,
  );
  return { job, failures, sources };
}

function describeFailure(f: CellFailure): string {
  return f.cell ? `cell ${f.cell}: ${firstLine(f.message)}` : firstLine(f.message);
}

function firstLine(s: string): string {
  return s.split("\n")[0];
}

function summarize(outcomes: Outcome[], count: number, aborted: boolean): number {
  const failed = outcomes
    .filter((o) => o.failures.length)
    .sort((a, b) => a.job.file.localeCompare(b.job.file));
  if (aborted)
    process.stderr.write("\ngradlab run: interrupted; no notebook was written after the interrupt\n");
  if (!failed.length) {
    if (!aborted)
      process.stderr.write(`gradlab run: ${count} notebook${count === 1 ? "" : "s"} ran without errors\n`);
    return aborted ? 130 : 0;
  }
  const lines = failed.flatMap((o) =>
    o.failures.map((f) => {
      const src = o.sources.get(f.cell);
      const where = f.cell ? `, cell ${f.cell}${src ? ` (${src})` : ""}` : "";
      return `  ${o.job.file}${where}: ${f.message.replace(/\n/g, "\n    ")}`;
    }),
  );
  process.stderr.write(
    `\ngradlab run: ${failed.length} of ${count} notebook${count === 1 ? "" : "s"} failed:\n${lines.join("\n")}\n`,
  );
  return aborted ? 130 : 1;
}

async function writeTo(file: string, text: string | Iterable<string | Uint8Array>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
}

/** Notebooks named on the command line: files as given, folders searched (checkpoints and dot-folders skipped). */
async function findNotebooks(paths: string[], ifPresent: boolean): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) {
      if (ifPresent) continue;
      throw new Error(`${p}: no such file or folder`);
    }
    if (info.isFile()) {
      jobs.push({ file: p, rel: basename(p) });
      continue;
    }
    for (const file of await walk(p)) jobs.push({ file, rel: relative(p, file) });
  }
  return jobs;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(path)));
    else if (e.name.endsWith(".ipynb")) files.push(path);
  }
  return files;
}

/** Runs `work` over `items` with at most `n` at a time. */
async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Splits a command line on spaces, honouring single and double quotes. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  for (const m of cmd.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function usageError(message: string): number {
  process.stderr.write(`gradlab run: ${message}\n\n${RUN_USAGE}`);
  return 2;
}
