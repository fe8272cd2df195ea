/**
 * End-to-end tests need outside programs (Debian's python3 jupyter_client / nbclient / jupyter-console,
 * Chromium). Without them a test is skipped with a message saying what is missing; with
 * GRADLAB_E2E=required (set by .ci/run) it fails instead, so CI never passes by skipping.
 *
 *   const run = requireTool("python3 jupyter_client", hasPythonModules("jupyter_client"));
 *   describe.runIf(run)("through jupyter_client", () => { ... });
 *
 * API
 *   requireTool(name, available): boolean   true when the test should run. Logs a skip notice when the tool
 *                                           is absent; throws when absent under GRADLAB_E2E=required.
 *   e2eRequired(): boolean                  whether GRADLAB_E2E=required is set.
 *   PYTHON                                  "/usr/bin/python3", or env GRADLAB_PYTHON.
 *   hasPythonModules(...names): boolean     whether PYTHON can import every module named (cached).
 *   hasCommand(path): boolean               whether an executable exists at that path.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

export const PYTHON = process.env.GRADLAB_PYTHON ?? "/usr/bin/python3";

export function e2eRequired(): boolean {
  return process.env.GRADLAB_E2E === "required";
}

export function requireTool(name: string, available: boolean): boolean {
  if (available) return true;
  if (e2eRequired())
    throw new Error(
      `${name} is required (GRADLAB_E2E=required) but not available: install it (see README.md)`,
    );
  console.warn(`[skipped] ${name} is not available: the tests that need it are skipped`);
  return false;
}

const modulesCache = new Map<string, boolean>();

export function hasPythonModules(...names: string[]): boolean {
  const key = names.join(",");
  let ok = modulesCache.get(key);
  if (ok === undefined) {
    const r = spawnSync(PYTHON, ["-c", names.map((n) => `import ${n}`).join("; ")], { stdio: "ignore" });
    ok = r.status === 0;
    modulesCache.set(key, ok);
  }
  return ok;
}

export function hasCommand(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
