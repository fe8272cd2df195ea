/**
 * `gradlab export` as the CLI starts it: from the prebuilt bundle (see prebuilt.ts) when it is there and
 * fresh, else from the modules. `GRADLAB_EXPORT_BUNDLE=off` always uses the modules. Imports as little
 * as it can: every module on this path is read and compiled before the export starts. It is also bundled
 * into the CommonJS launcher (kernel/bin.ts), so nothing here may use `import.meta`.
 */
import { fileURLToPath } from "node:url";
import type { main as exportMain } from "./export-command.js";
import { loadPrebuilt } from "./prebuilt.js";

type ExportMain = typeof exportMain;

/** Runs an export with the bundle at `bundle` (dist/kernel/notebook/export-bundle.cjs), else `modules`. */
export async function runExport(
  argv: string[],
  bundle: string,
  modules: () => Promise<ExportMain>,
): Promise<number> {
  const prebuilt = process.env.GRADLAB_EXPORT_BUNDLE === "off" ? undefined : await loadPrebuilt(bundle);
  const run = (prebuilt?.exports.main as ExportMain | undefined) ?? (await modules());
  const code = await run(argv);
  await prebuilt?.save();
  // Done, and every write has finished (stdout is written synchronously, files are awaited). Node's
  // orderly teardown of a heap this size (tens of MB of KaTeX boxes and page text) costs an export
  // ~10 ms; exiting now skips it. Only on Linux, where writes to stderr pipes are synchronous too (on
  // macOS a warning could still be queued).
  if (process.platform === "linux") process.exit(code);
  return code;
}

/** `gradlab export` from cli.js: the bundle next to this module in dist/. */
export function main(argv: string[]): Promise<number> {
  const bundle = fileURLToPath(new URL("./export-bundle.cjs", import.meta.url));
  return runExport(argv, bundle, async () => (await import("./export-command.js")).main);
}
