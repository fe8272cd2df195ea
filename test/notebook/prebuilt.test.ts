/**
 * The exporter's prebuilt bundle (kernel/notebook/prebuilt.ts, scripts/build-export-bundle.ts): never
 * used when stale, and, when used, the same pages as the modules, with V8 taking the build's bytecode.
 * The bundle is built into a temporary folder (dist/ is shared with the other test files).
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exportNotebook, type ExportOptions } from "../../kernel/notebook/export.js";
import { readNotebook } from "../../kernel/notebook/nbformat.js";
import { isFresh, loadPrebuilt, type Manifest } from "../../kernel/notebook/prebuilt.js";
import { fixtures, root } from "./helpers.js";

/** A folder with a one-line "bundle" made from one input file, and its manifest. */
function tinyBundle(body = "module.exports = { answer: () => 42 };") {
  const dir = mkdtempSync(join(tmpdir(), "gl-prebuilt-"));
  const input = join(dir, "input.txt");
  writeFileSync(input, "the input, as built");
  const bundle = join(dir, "export-bundle.cjs");
  writeFileSync(bundle, body);
  const manifest = (): Manifest => {
    const i = statSync(input);
    const b = statSync(bundle);
    const sha256 = createHash("sha256").update(readFileSync(input)).digest("hex");
    return {
      runtime: `${process.version}-${process.arch}`,
      bundle: {
        size: b.size,
        mtimeMs: b.mtimeMs,
        sha256: createHash("sha256").update(readFileSync(bundle)).digest("hex"),
      },
      inputs: [{ file: "input.txt", size: i.size, mtimeMs: i.mtimeMs, sha256 }],
    };
  };
  writeFileSync(join(dir, "export-bundle.json"), JSON.stringify(manifest()));
  return { dir, input, bundle, manifest };
}

describe("the bundle's freshness", () => {
  it("fresh as built; still fresh when only an input's mtime changed, and the new mtime is recorded", () => {
    const { dir, input, bundle, manifest } = tinyBundle();
    const m = manifest();
    expect(isFresh(bundle, m)).toBe(true);
    utimesSync(input, new Date(), new Date(Date.now() + 5000));
    const touched = statSync(input).mtimeMs;
    expect(touched).not.toBe(m.inputs[0].mtimeMs);
    expect(isFresh(bundle, m)).toBe(true);
    const recorded = JSON.parse(readFileSync(join(dir, "export-bundle.json"), "utf8")) as Manifest;
    expect(recorded.inputs[0].mtimeMs).toBe(touched);
  });

  it("stale when an input changed (same size or not) or is gone", () => {
    const { input, bundle, manifest } = tinyBundle();
    const m = manifest();
    writeFileSync(input, "the input, AS BUILT"); // same size, other content
    expect(isFresh(bundle, m)).toBe(false);
    writeFileSync(input, "longer than it was at build time");
    expect(isFresh(bundle, m)).toBe(false);
    expect(isFresh(bundle, { ...m, inputs: [{ ...m.inputs[0], file: "missing.txt" }] })).toBe(false);
  });

  it("loadPrebuilt runs a fresh bundle, and refuses a stale one or one rewritten since its manifest", async () => {
    const fresh = tinyBundle();
    const loaded = await loadPrebuilt(fresh.bundle, { cachedData: false });
    expect((loaded?.exports.answer as () => number)()).toBe(42);

    const changedInput = tinyBundle();
    writeFileSync(changedInput.input, "edited after the build");
    expect(await loadPrebuilt(changedInput.bundle, { cachedData: false })).toBeUndefined();

    const rewritten = tinyBundle();
    writeFileSync(rewritten.bundle, "module.exports = { answer: () => 43 }; // rewritten");
    expect(await loadPrebuilt(rewritten.bundle, { cachedData: false })).toBeUndefined();

    expect(await loadPrebuilt(join(fresh.dir, "no-such-bundle.cjs"))).toBeUndefined();
  });

  it("a bundle that throws while loading is not used", async () => {
    const { bundle } = tinyBundle('throw new Error("broken bundle");');
    expect(await loadPrebuilt(bundle, { cachedData: false })).toBeUndefined();
  });
});

describe("the real bundle, built into a temporary folder", () => {
  const out = mkdtempSync(join(tmpdir(), "gl-bundle-"));
  const bundle = join(out, "export-bundle.cjs");
  let build: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    build = spawnSync(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "scripts/build-export-bundle.ts", "--out", out],
      { cwd: root, encoding: "utf8", timeout: 60_000 },
    );
  }, 70_000);

  it("builds: bundle, manifest and bytecode; the bundle is ASCII (read as latin1)", () => {
    expect(build.status, String(build.stderr)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["export-bundle.cjs", "export-bundle.json", "export-bundle.v8"]);
    const bytes = readFileSync(bundle);
    expect(bytes.every((b) => b < 0x80)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, "export-bundle.json"), "utf8")) as Manifest;
    const files = manifest.inputs.map((i) => i.file);
    // Our modules, the libraries, and what the build read at build time.
    for (const part of ["export-command.js", "katex.js", "markdown-it", "entities", "katex.min.css"])
      expect(
        files.some((f) => f.includes(part)),
        part,
      ).toBe(true);
  });

  it("a fresh Node takes the build's bytecode", () => {
    const script = `
      import { loadPrebuilt } from ${JSON.stringify(join(root, "dist/kernel/notebook/prebuilt.js"))};
      const p = await loadPrebuilt(${JSON.stringify(bundle)});
      process.stdout.write(JSON.stringify({ loaded: !!p, accepted: p?.cacheAccepted }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ loaded: true, accepted: true });
  });

  const cases: [string, string[], ExportOptions][] = [
    ["mini-lecture-executed.ipynb", [], {}],
    ["rich-outputs.ipynb", ["--plotly", "none", "--no-input"], { plotly: "none", input: false }],
    ["rich-outputs.ipynb", ["--sanitize", "--no-prompt"], { sanitize: true, prompts: false }],
    ["python.ipynb", ["--plotly", "cdn"], { plotly: "cdn" }],
    ["plotly-full.ipynb", [], {}],
    ["plain.ipynb", [], {}],
  ];
  it.each(cases)("%s %j: the bundle's page is the modules' page", async (name, args, options) => {
    const work = mkdtempSync(join(tmpdir(), "gl-bundle-page-"));
    const copy = join(work, name);
    copyFileSync(join(fixtures, name), copy);
    const prebuilt = await loadPrebuilt(bundle);
    expect(prebuilt).toBeDefined();
    const main = prebuilt!.exports.main as (argv: string[]) => Promise<number>;
    const page = join(work, "page.html");
    expect(await main([copy, "-o", page, "-q", ...args])).toBe(0);
    const expected = await exportNotebook(await readNotebook(copy), { fileName: copy, ...options });
    expect(readFileSync(page, "utf8") === expected.html).toBe(true);
  });
});
