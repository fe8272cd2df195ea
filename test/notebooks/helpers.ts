/**
 * Shared by the lecture-notebook tests: where the notebooks are, how to execute them with gradlab's
 * runner and with Debian's nbclient, and what every executed lecture must look like.
 *
 * API
 *   LECTURES                       absolute paths of notebooks/NN-*.ipynb, in order
 *   OUTPUT                         test-output/notebooks/ (executed copies, pages, screenshots)
 *   runWithGradlab(files, outDir)  `gradlab run … --out outDir --jobs 2`: resolves with the process result
 *   runWithNbclient(files, outDir, jupyterPath)  executes each notebook with nbclient (two at a time)
 *   readExecuted(file)             the executed notebook as JSON
 *   outputProblems(nb)             what is wrong with an executed lecture: a code cell without outputs, an
 *                                  error output, execution counts out of order ([] when all is well)
 *   visibleText(output)            stream text or text/plain of one output
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PYTHON } from "../support/e2e.js";
import { CLI, ROOT } from "../support/kernel.js";

export const NOTEBOOKS = join(ROOT, "notebooks");
export const OUTPUT = join(ROOT, "test-output", "notebooks");
export const LECTURES = readdirSync(NOTEBOOKS)
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort()
  .map((f) => join(NOTEBOOKS, f));

export interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  name?: string;
  ename?: string;
  evalue?: string;
  metadata?: Record<string, unknown>;
}

export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
}

export interface NotebookJson {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its end, without blocking the event loop (so two runs can overlap). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[test] killed after ${timeoutMs} ms`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export function runWithGradlab(files: string[], outDir: string): Promise<Finished> {
  return run(
    process.execPath,
    [CLI, "run", ...files, "--out", outDir, "--jobs", "2", "--timeout", "120"],
    { ...process.env, CI: "1" },
    240_000,
  );
}

/** Executes notebooks with nbclient against the gradlab kernelspec, two at a time, in one Python process. */
const NBCLIENT_SCRIPT = `
import asyncio, os, sys, nbformat
from nbclient import NotebookClient

out_dir = sys.argv[1]
files = sys.argv[2:]

async def execute(path, gate):
    async with gate:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name="gradlab", timeout=120, startup_timeout=60,
                                resources={"metadata": {"path": os.path.dirname(path)}})
        await client.async_execute()
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(path)))
        print("executed", os.path.basename(path), flush=True)

async def main():
    gate = asyncio.Semaphore(2)
    await asyncio.gather(*(execute(f, gate) for f in files))

asyncio.run(main())
`;

export function runWithNbclient(files: string[], outDir: string, jupyterPath: string): Promise<Finished> {
  return run(
    PYTHON,
    ["-c", NBCLIENT_SCRIPT, outDir, ...files],
    { ...process.env, JUPYTER_PATH: jupyterPath },
    240_000,
  );
}

export function readExecuted(file: string): NotebookJson {
  return JSON.parse(readFileSync(file, "utf8")) as NotebookJson;
}

export const joined = (s: string | string[] | undefined): string =>
  Array.isArray(s) ? s.join("") : (s ?? "");

export function visibleText(o: Output): string {
  if (o.output_type === "stream") return joined(o.text);
  if (o.output_type === "error") return `${o.ename}: ${o.evalue}`;
  return joined(o.data?.["text/plain"] as string | string[] | undefined);
}

export function outputProblems(nb: NotebookJson): string[] {
  const problems: string[] = [];
  const code = nb.cells.filter((c) => c.cell_type === "code");
  code.forEach((c, k) => {
    const first = joined(c.source).split("\n")[0];
    const outputs = c.outputs ?? [];
    if (outputs.length === 0) problems.push(`code cell ${k + 1} (${first}) has no outputs`);
    for (const o of outputs)
      if (o.output_type === "error") problems.push(`code cell ${k + 1} (${first}): ${o.ename}: ${o.evalue}`);
    if (c.execution_count !== k + 1)
      problems.push(`code cell ${k + 1} has execution_count ${String(c.execution_count)}`);
  });
  return problems;
}

/**
 * Outputs with consecutive stream outputs of the same name joined, as a frontend shows them (gradlab's
 * runner joins them when it writes the notebook; nbclient keeps one output per stream message).
 */
export function coalesced(outputs: readonly Output[]): Output[] {
  const out: Output[] = [];
  for (const o of outputs) {
    const prev = out[out.length - 1];
    if (o.output_type === "stream" && prev?.output_type === "stream" && prev.name === o.name)
      out[out.length - 1] = { ...prev, text: joined(prev.text) + joined(o.text) };
    else out.push(o);
  }
  return out;
}

/** Per code cell: each output's kind ("stream:stdout", "display_data:text/html,text/plain", …). */
export function outputShapes(nb: NotebookJson): string[][] {
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) =>
      coalesced(c.outputs ?? []).map((o) =>
        o.output_type === "stream"
          ? `stream:${o.name}`
          : `${o.output_type}:${Object.keys(o.data ?? {})
              .sort()
              .join(",")}`,
      ),
    );
}
