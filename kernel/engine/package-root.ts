/**
 * The gradlab package root, found from this module's own location so it is right both from sources
 * (kernel/engine/*.ts under vitest or tsx) and from the build (dist/kernel/engine/*.js).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    try {
      if ((JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === "gradlab") return dir;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`gradlab: cannot find the package root above ${fromUrl}`);
    dir = parent;
  }
}
