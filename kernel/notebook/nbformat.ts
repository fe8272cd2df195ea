/**
 * nbformat 4.x: the notebook file as data, read with validation that names the file and the cell, and
 * written the way Jupyter writes it (1-space indent, sorted keys, trailing newline) so that a run leaves
 * a diff that only touches outputs. Spec: https://nbformat.readthedocs.io/en/latest/format_description.html
 */
import { readFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** nbformat's "multiline string": a string or a list of lines (each keeping its "\n"). */
export type MultilineString = string | string[];

export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Not stored by Jupyter; the runner keeps it while running to apply update_display_data. */
  transient?: { display_id?: string };
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}
export interface MarkdownCell {
  cell_type: "markdown";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}
export interface RawCell {
  cell_type: "raw";
  id?: string;
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: NotebookMetadata;
  cells: Cell[];
}

export interface NotebookMetadata {
  kernelspec?: { name?: string; display_name?: string; language?: string };
  language_info?: { name?: string; file_extension?: string; pygments_lexer?: string };
  title?: string;
  [key: string]: unknown;
}

/** A problem with a notebook file; the message names the file and, where it applies, the cell. */
export class NotebookError extends Error {
  override name = "NotebookError";
}

/** Joins a multiline string. */
export function joinSource(s: MultilineString | undefined): string {
  if (s === undefined) return "";
  return Array.isArray(s) ? s.join("") : s;
}

/** Splits text into nbformat's list-of-lines form (what Jupyter writes), each line keeping its "\n". */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isMultiline = (v: unknown): v is MultilineString =>
  typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string"));

/**
 * Parses and validates notebook JSON. `file` is used only in error messages.
 * Fields Jupyter tolerates being absent (metadata, outputs, execution_count) are filled in;
 * anything that would make the notebook ambiguous is an error naming the cell (1-based, as a person counts).
 */
export function parseNotebook(text: string, file: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new NotebookError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new NotebookError(`${file}: a notebook must be a JSON object`);
  const version = raw.nbformat;
  if (version === undefined)
    throw new NotebookError(`${file}: no "nbformat" field; is this a Jupyter notebook?`);
  if (version !== 4) {
    throw new NotebookError(
      `${file}: notebook format ${String(version)} is not supported (gradlab reads nbformat 4.x); ` +
        `convert it with: jupyter nbconvert --to notebook --nbformat 4 ${basename(file)}`,
    );
  }
  if (!Array.isArray(raw.cells))
    throw new NotebookError(`${file}: "cells" must be a list (nbformat 4 has no "worksheets")`);
  const metadata = raw.metadata === undefined ? {} : raw.metadata;
  if (!isObject(metadata)) throw new NotebookError(`${file}: "metadata" must be an object`);
  const minor = raw.nbformat_minor ?? 0;
  if (typeof minor !== "number") throw new NotebookError(`${file}: "nbformat_minor" must be a number`);
  const cells = raw.cells.map((c, i) => parseCell(c, `${file}: cell ${i + 1}`));
  return { ...raw, nbformat: 4, nbformat_minor: minor, metadata, cells } as Notebook;
}

function parseCell(c: unknown, where: string): Cell {
  if (!isObject(c)) throw new NotebookError(`${where}: a cell must be an object`);
  const type = c.cell_type;
  if (type !== "code" && type !== "markdown" && type !== "raw")
    throw new NotebookError(`${where}: unknown cell_type ${JSON.stringify(type)} (code, markdown or raw)`);
  const source = c.source ?? "";
  if (!isMultiline(source)) throw new NotebookError(`${where}: "source" must be a string or list of strings`);
  const metadata = c.metadata ?? {};
  if (!isObject(metadata)) throw new NotebookError(`${where}: "metadata" must be an object`);
  if (type !== "code") {
    if (c.attachments !== undefined && !isObject(c.attachments))
      throw new NotebookError(`${where}: "attachments" must be an object`);
    return { ...c, cell_type: type, metadata, source } as Cell;
  }
  const outputs = c.outputs ?? [];
  if (!Array.isArray(outputs)) throw new NotebookError(`${where}: "outputs" must be a list`);
  const count = c.execution_count ?? null;
  if (count !== null && typeof count !== "number")
    throw new NotebookError(`${where}: "execution_count" must be a number or null`);
  return {
    ...c,
    cell_type: "code",
    metadata,
    source,
    execution_count: count,
    outputs: outputs.map((o, j) => parseOutput(o, `${where}: output ${j + 1}`)),
  } as CodeCell;
}

function parseOutput(o: unknown, where: string): Output {
  if (!isObject(o)) throw new NotebookError(`${where}: an output must be an object`);
  switch (o.output_type) {
    case "stream":
      if (o.name !== "stdout" && o.name !== "stderr")
        throw new NotebookError(`${where}: stream "name" must be stdout or stderr`);
      if (!isMultiline(o.text)) throw new NotebookError(`${where}: stream "text" must be a string`);
      return o as unknown as StreamOutput;
    case "display_data":
    case "execute_result": {
      if (!isObject(o.data)) throw new NotebookError(`${where}: ${o.output_type} needs a "data" object`);
      const metadata = o.metadata ?? {};
      if (!isObject(metadata)) throw new NotebookError(`${where}: "metadata" must be an object`);
      if (o.output_type === "execute_result") {
        const n = o.execution_count ?? null;
        if (n !== null && typeof n !== "number")
          throw new NotebookError(`${where}: "execution_count" must be a number or null`);
        return { ...o, metadata, execution_count: n } as ExecuteResultOutput;
      }
      return { ...o, metadata } as DisplayDataOutput;
    }
    case "error":
      if (!Array.isArray(o.traceback) || !o.traceback.every((x) => typeof x === "string"))
        throw new NotebookError(`${where}: error "traceback" must be a list of strings`);
      return { ...o, ename: String(o.ename ?? ""), evalue: String(o.evalue ?? "") } as ErrorOutput;
    default:
      throw new NotebookError(`${where}: unknown output_type ${JSON.stringify(o.output_type)}`);
  }
}

/** Reads and validates a notebook file; every failure is a NotebookError naming the file. */
export async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    // Read synchronously: one file, and a thread-pool round trip costs an export more than it saves.
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : (e as Error).message;
    throw new NotebookError(`${file}: cannot read notebook (${why})`);
  }
  return parseNotebook(text, file);
}

/** Sorts object keys recursively, as nbformat's writer does (sort_keys=True): stable diffs. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}

/** The notebook as Jupyter writes it: 1-space indent, sorted keys, non-ASCII kept, trailing newline. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}

/**
 * Writes `text` to `file` atomically: a temp file in the same folder, then rename. A crash or an
 * interrupt at any point leaves either the old file or the new one, never a truncated mix.
 */
export async function writeFileAtomic(
  file: string,
  text: string | Iterable<string | Uint8Array>,
): Promise<void> {
  // The name only has to differ from other writers' (pid) and this process's other writes (random);
  // no need for node:crypto, which costs an export milliseconds to load.
  const tmp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`,
  );
  try {
    await writeFile(tmp, text, { encoding: "utf8", flush: true });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

const isJsonMime = (mime: string) => mime === "application/json" || mime.endsWith("+json");

/**
 * The notebook with its text in nbformat's list-of-lines form, as Jupyter writes it (nbformat's
 * `split_lines`): cell sources, stream text, and every non-JSON MIME value that is a string.
 */
export function withSplitLines(nb: Notebook): Notebook {
  const split = (v: unknown) => (typeof v === "string" ? splitLines(v) : v);
  const splitData = (data: MimeBundle) =>
    Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isJsonMime(k) ? v : split(v)]));
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      const source = split(cell.source) as MultilineString;
      if (cell.cell_type !== "code") return { ...cell, source };
      return {
        ...cell,
        source,
        outputs: cell.outputs.map((o) => {
          if (o.output_type === "stream") return { ...o, text: split(o.text) as MultilineString };
          if (o.output_type === "display_data" || o.output_type === "execute_result") {
            const { transient: _t, ...rest } = o as DisplayDataOutput;
            return { ...rest, data: splitData(o.data) } as Output;
          }
          return o;
        }),
      };
    }),
  };
}
