import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  NotebookError,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
  writeFileAtomic,
} from "../../kernel/notebook/nbformat.js";
import { fixtures } from "./helpers.js";

describe("parseNotebook: bad input names the file and the cell", () => {
  it.each([
    ["invalid-json.ipynb", /invalid-json\.ipynb: not valid JSON/],
    [
      "nbformat3.ipynb",
      /nbformat3\.ipynb: notebook format 3 is not supported.*nbconvert --to notebook --nbformat 4/,
    ],
    ["bad-output.ipynb", /bad-output\.ipynb: cell 2: output 1: stream "text" must be a string/],
  ])("%s", async (name, message) => {
    await expect(readNotebook(fixtures + name)).rejects.toThrow(message);
    await expect(readNotebook(fixtures + name)).rejects.toBeInstanceOf(NotebookError);
  });

  it.each([
    ['{"nbformat": 4, "cells": [{"cell_type": "chart"}]}', /x\.ipynb: cell 1: unknown cell_type "chart"/],
    ['{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}', /cell 1: "source" must be/],
    [
      '{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "x"}]}]}',
      /cell 1: output 1: unknown output_type "x"/,
    ],
    [
      '{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data"}]}]}',
      /needs a "data" object/,
    ],
    ['{"nbformat": 4, "cells": [{"cell_type": "code", "execution_count": "3"}]}', /execution_count/],
    ['{"nbformat": 4}', /"cells" must be a list/],
    ["[1, 2]", /must be a JSON object/],
    ['{"cells": []}', /no "nbformat" field/],
  ])("%s", (text, message) => {
    expect(() => parseNotebook(text, "x.ipynb")).toThrow(message);
  });

  it("reports a missing file as such", async () => {
    await expect(readNotebook(fixtures + "nope.ipynb")).rejects.toThrow(
      /nope\.ipynb: cannot read notebook \(no such file\)/,
    );
  });

  it("fills in what Jupyter lets writers omit", () => {
    const nb = parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "1"}]}', "x");
    expect(nb.metadata).toEqual({});
    expect(nb.cells[0]).toMatchObject({ metadata: {}, outputs: [], execution_count: null });
  });
});

describe("serializeNotebook", () => {
  it("writes as Jupyter does: sorted keys, 1-space indent, trailing newline, non-ASCII kept", () => {
    const nb = parseNotebook(
      '{"nbformat_minor": 5, "nbformat": 4, "metadata": {"z": 1, "a": "∂"}, "cells": []}',
      "x",
    );
    const text = serializeNotebook(nb);
    expect(text).toBe(
      '{\n "cells": [],\n "metadata": {\n  "a": "∂",\n  "z": 1\n },\n "nbformat": 4,\n "nbformat_minor": 5\n}\n',
    );
  });

  it("round-trips every fixture", () => {
    for (const name of ["rich-outputs.ipynb", "python.ipynb", "plain.ipynb"]) {
      const text = readFileSync(fixtures + name, "utf8");
      const nb = parseNotebook(text, name);
      expect(parseNotebook(serializeNotebook(nb), name)).toEqual(nb);
      // Written by Python's json with nbformat's settings: byte-identical (Python writes 1.0 where JS
      // writes 1, so only for notebooks without such floats).
      if (name !== "rich-outputs.ipynb") expect(serializeNotebook(nb)).toBe(text);
    }
  });

  it("splits text into nbformat lines that keep their newlines", () => {
    expect(splitLines("a\nb\n")).toEqual(["a\n", "b\n"]);
    expect(splitLines("a\nb")).toEqual(["a\n", "b"]);
    expect(splitLines("")).toEqual([]);
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file and leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gl-atomic-"));
    const file = join(dir, "nb.ipynb");
    writeFileSync(file, "old");
    await writeFileAtomic(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["nb.ipynb"]);
  });

  it("leaves the old file untouched and no temp file when the write fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gl-atomic-"));
    const target = join(dir, "target");
    mkdirSync(join(target, "inside"), { recursive: true }); // rename onto a non-empty folder fails
    await expect(writeFileAtomic(target, "x")).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["target"]);
    expect(readdirSync(target)).toEqual(["inside"]);
  });
});
