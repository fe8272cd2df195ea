import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Builds dist/ once per test run so integration tests spawn the kernel from current sources.
 * tsc emits even when there are type errors; `npm run lint` is where type errors fail the build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const r = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0)
    process.stderr.write(`test setup: tsc reported errors (dist/ emitted anyway)\n${r.stdout}`);
}
