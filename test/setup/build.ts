import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Builds dist/ once per test run so integration tests spawn the kernel from current sources.
 * tsc emits even when there are type errors; `npm run lint` is where type errors fail the build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  // The WebAssembly kernels are generated from scripts/wasm: regenerate so tests see source changes.
  const wasm = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/build-wasm.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  if (wasm.status !== 0) throw new Error(`test setup: wasm build failed\n${wasm.stdout}${wasm.stderr}`);
  const r = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0)
    process.stderr.write(`test setup: tsc reported errors (dist/ emitted anyway)\n${r.stdout}`);
  // The `gradlab` command bundles some of those modules (scripts/build-launcher.ts): bundle it again.
  const launcher = spawnSync(
    process.execPath,
    ["node_modules/tsx/dist/cli.mjs", "scripts/build-launcher.ts"],
    { cwd: root, encoding: "utf8" },
  );
  if (launcher.status !== 0)
    throw new Error(`test setup: launcher build failed\n${launcher.stdout}${launcher.stderr}`);
}
