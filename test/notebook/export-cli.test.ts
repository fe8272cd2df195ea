import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixtures } from "./helpers.js";

function gradlab(args: string[], cwd?: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, "export", ...args], {
    encoding: "utf8",
    cwd,
    timeout: 20_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyToTemp(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "gl-export-"));
  for (const n of names) copyFileSync(fixtures + n, join(dir, n));
  return dir;
}

describe("gradlab export (CLI)", () => {
  it("writes the page next to the notebook by default and reports size", () => {
    const dir = copyToTemp("plain.ipynb");
    const r = gradlab(["plain.ipynb"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/plain\.ipynb → plain\.html \(\d+ KB\)/);
    expect(readFileSync(join(dir, "plain.html"), "utf8")).toMatch(/^<!DOCTYPE html>/);
  });

  it("-o names the output; --stdout prints it; warnings name the cell", () => {
    const dir = copyToTemp("rich-outputs.ipynb");
    const r = gradlab(["rich-outputs.ipynb", "-o", "page.html", "--plotly", "none"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("rich-outputs.ipynb: cell 2: cannot typeset");
    expect(existsSync(join(dir, "page.html"))).toBe(true);
    const s = gradlab(["rich-outputs.ipynb", "--stdout", "--no-input"], dir);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
  });

  it("GRADLAB_EXPORT_TIMING=1 names each phase; the modules (GRADLAB_EXPORT_BUNDLE=off) write the same page", () => {
    const dir = copyToTemp("mini-lecture-executed.ipynb");
    const timed = gradlab(["mini-lecture-executed.ipynb", "--stdout"], dir, { GRADLAB_EXPORT_TIMING: "1" });
    expect(timed.code).toBe(0);
    const phases = [...timed.stderr.matchAll(/^\[export +[\d.]+ ms +\+[\d.]+\] (.+)$/gm)].map((m) => m[1]);
    expect(phases[0]).toMatch(/^exporter loaded \((prebuilt bundle|modules)\)$/);
    expect(phases.slice(1)).toEqual([
      "notebook read",
      "highlighter ready",
      "KaTeX loaded",
      "markdown-it loaded",
      "cells rendered",
      "page assembled",
      "written",
    ]);
    const modules = gradlab(["mini-lecture-executed.ipynb", "--stdout"], dir, {
      GRADLAB_EXPORT_BUNDLE: "off",
      GRADLAB_EXPORT_TIMING: "1",
    });
    expect(modules.stderr).toContain("exporter loaded (modules)");
    expect(modules.stdout.length).toBeGreaterThan(100_000);
    expect(modules.stdout === timed.stdout).toBe(true);
  });

  it.each([
    ["invalid-json.ipynb", /gradlab export: .*invalid-json\.ipynb: not valid JSON/],
    ["nbformat3.ipynb", /nbformat3\.ipynb: notebook format 3 is not supported/],
    ["bad-output.ipynb", /bad-output\.ipynb: cell 2: output 1:/],
  ])("bad input %s: clear message, exit 1, input untouched, no page", (name, message) => {
    const dir = copyToTemp(name);
    const before = readFileSync(join(dir, name));
    const mtime = statSync(join(dir, name)).mtimeMs;
    const r = gradlab([name], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(readFileSync(join(dir, name))).toEqual(before);
    expect(statSync(join(dir, name)).mtimeMs).toBe(mtime);
    expect(readdirSync(dir)).toEqual([name]);
  });

  it("a missing file is named", () => {
    const r = gradlab([join(tmpdir(), "no-such-notebook.ipynb")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-such-notebook\.ipynb: cannot read notebook \(no such file\)/);
  });

  it.each([
    [[], /no notebook given/],
    [["a.ipynb", "--plotly", "sometimes"], /--plotly must be one of inline, cdn, none/],
    [["a.ipynb", "b.ipynb", "-o", "x.html"], /single notebook/],
    [["a.ipynb", "--frobnicate"], /Unknown option '--frobnicate'/],
  ])("usage error %j exits 2", (args, message) => {
    const r = gradlab(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("usage: gradlab export");
  });
});

describe("the gradlab command (package.json bin: dist/kernel/bin.cjs)", () => {
  const manifest = JSON.parse(readFileSync(join(cli, "../../../package.json"), "utf8")) as {
    bin: { gradlab: string };
  };
  const bin = join(cli, "../../..", manifest.bin.gradlab);
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [bin, ...args], {
      encoding: "utf8",
      timeout: 20_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, ...env },
    });

  it("is a CommonJS script that exports exactly as cli.js does, from the bundle and from the modules", () => {
    expect(bin).toMatch(/bin\.cjs$/);
    const nb = fixtures + "mini-lecture-executed.ipynb";
    const viaCli = gradlab([nb, "--stdout", "-q"]);
    expect(viaCli.code).toBe(0);
    const viaBin = run(["export", nb, "--stdout", "-q"]);
    expect(viaBin.status).toBe(0);
    expect(viaBin.stdout).toBe(viaCli.stdout);
    const timed = run(["export", nb, "--stdout", "-q"], { GRADLAB_EXPORT_TIMING: "1" });
    expect(timed.stderr).toContain("exporter loaded (prebuilt bundle)");
    const modules = run(["export", nb, "--stdout", "-q"], {
      GRADLAB_EXPORT_BUNDLE: "off",
      GRADLAB_EXPORT_TIMING: "1",
    });
    expect(modules.stderr).toContain("exporter loaded (modules)");
    expect(modules.stdout).toBe(viaCli.stdout);
  });

  it("hands every other command to cli.js (usage, exit codes)", () => {
    const unknown = run(["frobnicate"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const usage = run(["export"]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: gradlab export");
  });
});
