/**
 * The lecture notebooks are written as Markdown (scripts/notebooks/lectures/NN-name.md, THE SOURCE) and
 * turned into notebooks/NN-name.ipynb (generated, committed, without outputs) by this script:
 *
 *   npx tsx scripts/notebooks/build.ts           write every notebook from its source
 *   npx tsx scripts/notebooks/build.ts --check   exit 1 when a notebook differs from its source
 *
 * Source format (plain Markdown, readable on GitHub):
 * - a fence opened by a line that is exactly "```ts" is one code cell (its text, verbatim);
 * - everything else is Markdown; a line "+++" starts a new Markdown cell;
 * - the first and last lines `<!-- prettier-ignore-start -->` / `<!-- prettier-ignore-end -->` keep
 *   prettier away (it would add a `;` after a cell's last expression, which suppresses its output) and
 *   are dropped.
 * The .ipynb is written as Jupyter writes it (1-space indent, sorted keys, source as a list of lines), so
 * opening and saving it in Jupyter changes nothing but outputs.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const sourceDir = join(root, "scripts", "notebooks", "lectures");
export const notebookDir = join(root, "notebooks");

interface Cell {
  cell_type: "markdown" | "code";
  id: string;
  metadata: Record<string, never>;
  source: string[];
  outputs?: never[];
  execution_count?: null;
}

const IGNORE = /^<!-- prettier-ignore-(start|end) -->$/;

/** Cells of a lecture source, in order: Markdown chunks and ```ts code cells. */
export function parseLecture(text: string): { kind: "markdown" | "code"; source: string }[] {
  const cells: { kind: "markdown" | "code"; source: string }[] = [];
  let lines: string[] = [];
  let inCode = false;
  const flush = (kind: "markdown" | "code") => {
    const source = trimBlankLines(lines).join("\n");
    if (kind === "code" || source !== "") cells.push({ kind, source });
    lines = [];
  };
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    if (!inCode && IGNORE.test(line)) continue;
    if (!inCode && line === "```ts") {
      flush("markdown");
      inCode = true;
    } else if (inCode && line === "```") {
      flush("code");
      inCode = false;
    } else if (!inCode && line === "+++") flush("markdown");
    else lines.push(line);
  }
  if (inCode) throw new Error("a ```ts code cell is never closed");
  flush("markdown");
  return cells;
}

function trimBlankLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === "") a++;
  while (b > a && lines[b - 1].trim() === "") b--;
  return lines.slice(a, b);
}

/** Jupyter's multi-line string form: lines keeping their "\n", the last one without. */
function asLines(source: string): string[] {
  if (source === "") return [];
  const parts = source.split("\n");
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}

/** The notebook (nbformat 4.5) of a lecture source, with no outputs. */
export function notebookFromLecture(text: string): object {
  const cells: Cell[] = parseLecture(text).map((c, i) => {
    const id = `cell-${String(i).padStart(2, "0")}`;
    return c.kind === "code"
      ? { cell_type: "code", execution_count: null, id, metadata: {}, outputs: [], source: asLines(c.source) }
      : { cell_type: "markdown", id, metadata: {}, source: asLines(c.source) };
  });
  return {
    cells,
    metadata: {
      kernelspec: { display_name: "TypeScript (gradlab)", language: "typescript", name: "gradlab" },
      language_info: { file_extension: ".ts", mimetype: "text/typescript", name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** JSON as Jupyter writes notebooks: keys sorted, 1-space indent, non-ASCII kept, final newline. */
export function jupyterJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === "object")
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return `${JSON.stringify(sorted(value), null, 1)}\n`;
}

/** Every lecture source with the notebook file it makes: [source path, notebook path, notebook text]. */
export function buildAll(): [string, string, string][] {
  return readdirSync(sourceDir)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => {
      const src = join(sourceDir, f);
      const nb = join(notebookDir, `${basename(f, ".md")}.ipynb`);
      return [src, nb, jupyterJson(notebookFromLecture(readFileSync(src, "utf8")))];
    });
}

function main(check: boolean): void {
  let stale = 0;
  for (const [src, nb, text] of buildAll()) {
    let old = "";
    try {
      old = readFileSync(nb, "utf8");
    } catch {
      // not written yet
    }
    if (old === text) continue;
    if (check) {
      stale++;
      console.error(`${nb} is out of date with ${src}`);
    } else {
      writeFileSync(nb, text);
      console.log(`wrote ${nb}`);
    }
  }
  if (stale > 0) {
    console.error("run: npx tsx scripts/notebooks/build.ts");
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.includes("--check"));
