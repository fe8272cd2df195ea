/** Shared by the notebook tests: fixture paths and one-call export of a fixture. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { exportNotebook, type ExportOptions } from "../../kernel/notebook/export.js";
import { parseNotebook, type Notebook } from "../../kernel/notebook/nbformat.js";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const fixtures = fileURLToPath(new URL("../fixtures/notebooks/", import.meta.url));
export const cli = `${root}dist/kernel/cli.js`;

export function fixture(name: string): Notebook {
  const file = fixtures + name;
  return parseNotebook(readFileSync(file, "utf8"), file);
}

export async function exportFixture(name: string, options: ExportOptions = {}) {
  return exportNotebook(fixture(name), { fileName: name, ...options });
}

/** The HTML between `<main …>` and `</main>`: the notebook content without styles and scripts. */
export function mainOf(html: string): string {
  return html.slice(html.indexOf("<main"), html.lastIndexOf("</main>"));
}

/**
 * Whether to run tests that need an outside program: skip (with a message) when it is absent, fail when
 * GRADLAB_E2E=required. Same contract as test/support/e2e.ts `requireTool` (not yet written when this was).
 */
export function requireTool(name: string, available: boolean): boolean {
  if (available) return true;
  if (process.env.GRADLAB_E2E === "required")
    throw new Error(`${name} is required (GRADLAB_E2E=required) but absent`);
  process.stderr.write(`skipping tests that need ${name}: not installed\n`);
  return false;
}
