/**
 * Running Debian's Python Jupyter tools against the kernel: a temporary kernelspec (JUPYTER_PATH) and a
 * helper that runs a script and parses the JSON it prints.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installKernelspec } from "../support/kernel.js";
import { PYTHON } from "../support/e2e.js";

const run = promisify(execFile);

/**
 * Installs two kernelspecs in a temp dir: "gradlab" (as `gradlab install` writes it) and "gradlab-nocheck"
 * (the same with --no-check, for tests about the protocol rather than types). Returns JUPYTER_PATH.
 */
export function temporaryKernelspecs(): string {
  const jupyterPath = installKernelspec(mkdtempSync(join(tmpdir(), "gradlab-spec-")));
  const spec = JSON.parse(readFileSync(join(jupyterPath, "kernels", "gradlab", "kernel.json"), "utf8"));
  spec.argv.push("--no-check");
  spec.display_name = "TypeScript (gradlab, no type check)";
  mkdirSync(join(jupyterPath, "kernels", "gradlab-nocheck"), { recursive: true });
  writeFileSync(join(jupyterPath, "kernels", "gradlab-nocheck", "kernel.json"), JSON.stringify(spec));
  return jupyterPath;
}

/** Runs `python script args...` and parses the last line of its stdout as JSON. */
export async function pythonJson(
  script: string,
  args: string[],
  jupyterPath: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON, [script, ...args], {
    env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONWARNINGS: "ignore" },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${script} failed: ${e.message}\n${e.stderr ?? ""}\n${e.stdout ?? ""}`);
  });
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as Record<string, unknown>;
}
