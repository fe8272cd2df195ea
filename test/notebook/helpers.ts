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
