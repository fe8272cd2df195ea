/**
 * The runner against real kernels over zeromq: gradlab's own (spawned from dist/) and, to show the
 * runner is a plain Jupyter client, Debian's ipykernel when it is installed.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNotebook, type CodeCell, type Notebook } from "../../kernel/notebook/nbformat.js";
import { runNotebook } from "../../kernel/notebook/run-notebook.js";
import { hasPythonModules, PYTHON, requireTool } from "../support/e2e.js";
import { cli } from "./helpers.js";

/** A notebook of code cells (strings) or markdown cells ({ md }). */
type CellSpec = string | { md: string } | { code: string; tags?: string[]; timeout?: number };

/** A warm-up cell allowed a minute: a loaded machine's first cell (the engine starting) can be slow. */
const WARM_UP = { code: "0", timeout: 60 };

function notebook(cells: CellSpec[]): Notebook {
  return parseNotebook(
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: cells.map((c) =>
        typeof c === "string"
          ? { cell_type: "code", metadata: {}, source: c, outputs: [], execution_count: null }
          : "md" in c
            ? { cell_type: "markdown", metadata: {}, source: c.md }
            : {
                cell_type: "code",
                metadata: { tags: c.tags ?? [], ...(c.timeout ? { gradlab: { timeout: c.timeout } } : {}) },
                source: c.code,
                outputs: [],
                execution_count: null,
              },
      ),
    }),
    "t.ipynb",
  );
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "gl-run-"));
}

function writeNotebook(dir: string, name: string, nb: Notebook): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(nb));
  return file;
}

function gradlabRun(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, "run", ...args], { cwd, encoding: "utf8", timeout: 90_000 });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

const code = (nb: Notebook, i: number) => nb.cells[i] as CodeCell;

describe("runNotebook with gradlab's kernel", () => {
  it("collects outputs like nbclient: coalesced streams, counts, display updates, clear_output(wait)", async () => {
    const nb = notebook([
      'console.log("a"); console.log("b");',
      { md: "# text" },
      "const x: number = 20 + 22;\nx",
      'const h = display("first", { id: "progress" });',
      'h.update("second");',
      'clearOutput({ wait: true }); console.log("gone"); clearOutput({ wait: true }); console.log("kept");',
      "   ",
      'console.error("to stderr");',
    ]);
    const { notebook: out, failures, ok, executed } = await runNotebook(nb, { timeoutMs: 20_000 });
    expect(failures).toEqual([]);
    expect(ok).toBe(true);
    expect(executed).toBe(6); // the blank cell is not sent
    expect(code(out, 0).outputs.filter((o) => o.output_type === "stream")).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
    ]);
    expect(code(out, 2).outputs).toEqual([
      { output_type: "execute_result", execution_count: 2, data: { "text/plain": "42" }, metadata: {} },
    ]);
    expect(code(out, 2).execution_count).toBe(2); // markdown cells take no count
    // The display shown in cell 4 shows what cell 5 updated it to.
    const shown = code(out, 3).outputs.find((o) => o.output_type === "display_data");
    expect(JSON.stringify(shown)).toContain("second");
    expect(JSON.stringify(code(out, 3).outputs)).not.toContain("first");
    expect(code(out, 5).outputs.filter((o) => o.output_type === "stream")).toEqual([
      { output_type: "stream", name: "stdout", text: "kept\n" },
    ]);
    expect(code(out, 6).execution_count).toBeNull();
    expect(code(out, 7).outputs.filter((o) => o.output_type === "stream")).toEqual([
      { output_type: "stream", name: "stderr", text: "to stderr\n" },
    ]);
    expect(out.metadata.language_info?.name).toBe("typescript");
    expect(out.metadata.kernelspec).toEqual({
      name: "gradlab",
      display_name: "TypeScript (gradlab)",
      language: "typescript",
    });
    // The input object is left as it was.
    expect(code(nb, 0).outputs).toEqual([]);
  });

  it("an error stops the run at its cell; --allow-errors goes on", async () => {
    const nb = notebook(["let n = 1;", 'throw new Error("boom")', "n + 1"]);
    const stopped = await runNotebook(nb, { timeoutMs: 20_000 });
    expect(stopped.failures).toEqual([{ cell: 2, kind: "error", message: "Error: boom" }]);
    expect(code(stopped.notebook, 1).outputs[0]).toMatchObject({
      output_type: "error",
      ename: "Error",
      evalue: "boom",
    });
    expect(code(stopped.notebook, 2).execution_count).toBeNull();
    const allowed = await runNotebook(nb, { timeoutMs: 20_000, allowErrors: true });
    expect(allowed.failures).toEqual([]);
    expect(code(allowed.notebook, 2).outputs[0]).toMatchObject({ data: { "text/plain": "2" } });
  });

  it("a cell tagged raises-exception may fail", async () => {
    const nb = notebook([{ code: 'throw new Error("expected")', tags: ["raises-exception"] }, "1"]);
    const r = await runNotebook(nb, { timeoutMs: 20_000 });
    expect(r.ok).toBe(true);
    expect(code(r.notebook, 1).execution_count).toBe(2);
  });

  it("a cell past its time limit is interrupted and fails; with --allow-errors the run goes on, state kept", async () => {
    const nb = notebook([WARM_UP, "let spins = 0;", "while (true) { spins++; }", "spins > 0"]);
    const r = await runNotebook(nb, { timeoutMs: 3000, allowErrors: true });
    expect(r.failures).toEqual([{ cell: 3, kind: "timeout", message: "timed out after 3 s (interrupted)" }]);
    expect(r.ok).toBe(false);
    expect(code(r.notebook, 2).outputs[0]).toMatchObject({ output_type: "error" });
    expect(code(r.notebook, 3).outputs[0]).toMatchObject({ data: { "text/plain": "true" } });
  });

  it("a kernel killed mid-run is reported with its cell", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "pid");
    const nb = notebook([
      "1",
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nawait new Promise((r) => setTimeout(r, 60_000));`,
      "2",
    ]);
    const running = runNotebook(nb, { timeoutMs: 30_000 });
    const pid = await waitFor(() =>
      existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : undefined,
    );
    process.kill(pid, "SIGKILL");
    const r = await running;
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ cell: 2, kind: "kernel-died" });
    expect(r.failures[0].message).toMatch(/^the kernel died while running this cell \(killed by SIGKILL\)/);
    expect(code(r.notebook, 0).outputs).toHaveLength(1);
  });

  it("a kernel that cannot start is a clear failure", async () => {
    const r = await runNotebook(notebook(["1"]), {
      kernel: { argv: ["/nonexistent/kernel", "{connection_file}"] },
    });
    expect(r.failures).toEqual([
      {
        cell: 0,
        kind: "start",
        message: expect.stringMatching(/cannot start the kernel "\/nonexistent\/kernel"/),
      },
    ]);
  });
});

describe("gradlab run (CLI)", () => {
  it("--out and --html write executed copies and pages; plain progress lines off a TTY", () => {
    const dir = tempDir();
    writeNotebook(dir, "a.ipynb", notebook(['console.log("from a");']));
    writeNotebook(dir, "b.ipynb", notebook(["6 * 7"]));
    const r = gradlabRun([".", "--out", "out", "--html", "html", "--timeout", "30"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("running a.ipynb (1 cells)");
    expect(r.stderr).toMatch(/b\.ipynb: 1\/1 cells in [\d.]+ s, ok/);
    expect(r.stderr).toContain("gradlab run: 2 notebooks ran without errors");
    const executed = JSON.parse(readFileSync(join(dir, "out", "b.ipynb"), "utf8"));
    expect(executed.cells[0].outputs[0].data["text/plain"]).toEqual(["42"]);
    expect(readFileSync(join(dir, "html", "a.html"), "utf8")).toContain("from a");
    // The inputs are as they were.
    expect(JSON.parse(readFileSync(join(dir, "a.ipynb"), "utf8")).cells[0].outputs).toEqual([]);
  });

  it("a failing cell: exit 1, a summary naming notebook, cell and error; --inplace leaves the input untouched", () => {
    const dir = tempDir();
    const file = writeNotebook(
      dir,
      "bad.ipynb",
      notebook(["1", 'throw new TypeError("no such tensor")', "3"]),
    );
    const before = readFileSync(file);
    const r = gradlabRun(["bad.ipynb", "--inplace", "--timeout", "30"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("gradlab run: 1 of 1 notebook failed:");
    expect(r.stderr).toContain(
      'bad.ipynb, cell 2 (throw new TypeError("no such tensor")): TypeError: no such tensor',
    );
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir)).toEqual(["bad.ipynb"]);
  });

  it("--inplace rewrites a notebook that ran cleanly, in nbformat's layout", () => {
    const dir = tempDir();
    const file = writeNotebook(dir, "good.ipynb", notebook(['"x".repeat(2)']));
    const r = gradlabRun(["good.ipynb", "--inplace"], dir);
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^\{\n "cells": \[/);
    expect(JSON.parse(text).cells[0].outputs[0].data["text/plain"]).toEqual(["'xx'"]);
  });

  it("notebooks run in parallel with --jobs (each waits until all three have started)", () => {
    const dir = tempDir();
    const rendezvous = (me: string) =>
      [
        'import { existsSync, writeFileSync } from "node:fs";',
        `writeFileSync(${JSON.stringify(join(dir, me + ".started"))}, "");`,
        "const deadline = Date.now() + 20_000;",
        `while (!["n1", "n2", "n3"].every((n) => existsSync(${JSON.stringify(dir)} + "/" + n + ".started"))) {`,
        '  if (Date.now() > deadline) throw new Error("not run in parallel");',
        "  await new Promise((r) => setTimeout(r, 50));",
        "}",
      ].join("\n");
    for (const n of ["n1", "n2", "n3"]) writeNotebook(dir, `${n}.ipynb`, notebook([rendezvous(n)]));
    const r = gradlabRun(["n1.ipynb", "n2.ipynb", "n3.ipynb", "--jobs", "3", "--timeout", "40"], dir);
    expect(r.stderr).toContain("3 notebooks ran without errors");
    expect(r.code).toBe(0);
  });

  it("a cell that never ends: interrupted at --timeout, named in the summary", () => {
    const dir = tempDir();
    writeNotebook(dir, "loop.ipynb", notebook([WARM_UP, "while (true) {}", '"after"']));
    const r = gradlabRun(["loop.ipynb", "--timeout", "2"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("loop.ipynb, cell 2 (while (true) {}): timed out after 2 s (interrupted)");
    expect(r.stderr).toMatch(/loop\.ipynb: 2\/3 cells in [\d.]+ s, FAILED/); // the run stopped there
  });

  it("bad input: missing file, invalid JSON, wrong nbformat — named, exit 1, files untouched", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.ipynb"), "{ not json");
    writeFileSync(join(dir, "old.ipynb"), JSON.stringify({ nbformat: 3, worksheets: [] }));
    const r = gradlabRun(["broken.ipynb", "old.ipynb"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("broken.ipynb: not valid JSON");
    expect(r.stderr).toContain("old.ipynb: notebook format 3 is not supported");
    expect(readFileSync(join(dir, "broken.ipynb"), "utf8")).toBe("{ not json");
    const missing = gradlabRun(["nope.ipynb"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nope.ipynb: no such file or folder");
  });

  it("an empty or (with --if-present) missing folder is nothing to do", () => {
    const dir = tempDir();
    expect(gradlabRun([".", "--out", "out"], dir)).toMatchObject({
      code: 0,
      stderr: expect.stringContaining("no notebooks to run"),
    });
    expect(gradlabRun(["notebooks", "--if-present"], dir).code).toBe(0);
    expect(gradlabRun(["notebooks"], dir).code).toBe(1);
  });

  it.each([
    [["x.ipynb", "--inplace", "--out", "o"], /--inplace and --out exclude each other/],
    [["x.ipynb", "--jobs", "0"], /--jobs must be/],
    [["x.ipynb", "--timeout", "soon"], /--timeout must be/],
    [["x.ipynb", "--kernel-cmd", "python -m ipykernel"], /must contain \{connection_file\}/],
    [[], /no notebook or folder given/],
  ])("usage error %j exits 2", (args, message) => {
    const r = gradlabRun(args, tmpdir());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("an interrupted run (SIGINT) writes nothing and leaves the input untouched", async () => {
    const dir = tempDir();
    const file = writeNotebook(
      dir,
      "slow.ipynb",
      notebook(["1", "await new Promise((r) => setTimeout(r, 60_000));"]),
    );
    const before = readFileSync(file);
    const child = spawn(process.execPath, [cli, "run", "slow.ipynb", "--out", "out", "--html", "out"], {
      cwd: dir,
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await waitFor(() => (stderr.includes("running slow.ipynb") ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toContain("interrupted; no notebook was written");
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir)).toEqual(["slow.ipynb"]);
  });
});

const runPython = requireTool("python3 ipykernel", hasPythonModules("ipykernel"));

describe.runIf(runPython)("runNotebook is a plain Jupyter client: Debian's ipykernel", () => {
  it("outputs, display updates, errors", async () => {
    const nb = notebook([
      "print('a'); print('b')",
      "from IPython.display import display\nh = display('first', display_id=True)",
      "h.update('second')",
      "6 * 7",
      "1/0",
    ]);
    const r = await runNotebook(nb, {
      kernel: { argv: [PYTHON, "-m", "ipykernel_launcher", "-f", "{connection_file}"] },
      timeoutMs: 30_000,
    });
    expect(code(r.notebook, 0).outputs).toEqual([{ output_type: "stream", name: "stdout", text: "a\nb\n" }]);
    expect(code(r.notebook, 1).outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": "'second'" }, metadata: {} },
    ]);
    expect(code(r.notebook, 3).outputs[0]).toMatchObject({
      execution_count: 4,
      data: { "text/plain": "42" },
    });
    expect(r.failures).toEqual([{ cell: 5, kind: "error", message: "ZeroDivisionError: division by zero" }]);
    expect(r.notebook.metadata.language_info?.name).toBe("python");
  });
});

async function waitFor<T>(probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && !Number.isNaN(v)) return v;
    if (Date.now() > deadline) throw new Error("waited too long");
    await new Promise((r) => setTimeout(r, 50));
  }
}
