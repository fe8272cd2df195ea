/**
 * Builds dist/kernel/bin.cjs, the `gradlab` command (package.json "bin"), from dist/kernel/bin.js and what
 * it imports (see kernel/bin.ts): one CommonJS script, so that `gradlab export` never starts Node's ES
 * module loader. Run by `npm run build` (scripts/build-export-bundle.ts) and by the test setup, after tsc.
 * Usage: tsx scripts/build-launcher.ts
 */
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export async function buildLauncher(root: string): Promise<void> {
  const launcher = join(root, "dist/kernel/bin.cjs");
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, "dist/kernel/bin.js")],
    outfile: launcher,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // export-entry.ts's main() (for cli.js) reads import.meta.url; the launcher never calls it.
    logOverride: { "empty-import-meta": "silent" },
    logLevel: "warning",
  });
  chmodSync(launcher, 0o755);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildLauncher(join(fileURLToPath(import.meta.url), "../.."));
}
