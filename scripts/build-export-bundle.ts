/**
 * Builds the exporter's prebuilt bundle (see kernel/notebook/prebuilt.ts), by default into
 * dist/kernel/notebook/ next to the modules it is made from:
 *
 *   export-bundle.cjs   dist/kernel/notebook/export-command.js and what it loads (our modules, KaTeX,
 *                       markdown-it) as one CommonJS script (esbuild)
 *   export-bundle.json  its inputs with size, mtime and SHA-256, so a changed input disables the bundle
 *   export-bundle.v8    V8 bytecode, made by exporting the sample notebooks in test/fixtures/notebooks
 *                       with the bundle in a fresh Node (so it holds every function an export runs)
 *
 * and, in dist/kernel/, the `gradlab` command itself (package.json "bin"):
 *
 *   bin.cjs             kernel/bin.ts and what it needs to start an export (export-entry, prebuilt) as
 *                       one CommonJS script: `gradlab export` never starts Node's ES module loader
 *                       (scripts/build-launcher.ts)
 *
 * Runs as the last step of `npm run build`, after tsc has written dist/.
 * Usage: tsx scripts/build-export-bundle.ts [--out DIR]   (DIR: somewhere else, for tests)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { readKatexStyleData } from "../kernel/notebook/katex-fonts.js";
import { buildLauncher } from "./build-launcher.js";
import type { Manifest } from "../kernel/notebook/prebuilt.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where tsc put the modules. */
const modules = join(root, "dist/kernel/notebook");
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex > 0 ? resolvePath(process.argv[outIndex + 1]) : modules;
const entry = join(modules, "export-command.js");
const bundle = join(outDir, "export-bundle.cjs");
const warmUpNotebooks = ["mini-lecture-executed", "rich-outputs", "python", "plain", "plotly-full"].map((n) =>
  join(root, "test/fixtures/notebooks", `${n}.ipynb`),
);
const resolve = createRequire(join(root, "package.json")).resolve;

/** Every id the exporter loads through code-cache.ts, so the bundle can `require` them statically. */
const LIBRARIES = ["anser", "katex", "markdown-it"];

/** Replaces one of our modules (by file name) with generated code, resolved from the modules' folder. */
function replaceModule(name: string, contents: string): Plugin {
  return {
    name: `replace-${name}`,
    setup(b) {
      const filter = new RegExp(`^\\./${name.replace(/[.]/g, "\\.")}$`);
      b.onResolve({ filter }, (args) =>
        dirname(args.importer) === modules ? { path: name, namespace: "generated" } : undefined,
      );
      b.onLoad({ filter: new RegExp(`^${name.replace(/[.]/g, "\\.")}$`), namespace: "generated" }, () => ({
        resolveDir: modules,
        loader: "js",
        contents,
      }));
    },
  };
}

/**
 * In the bundle, code-cache.js is a table of static requires: esbuild then includes each library, and
 * wraps it so that it still runs only when first loaded (a page without math never starts KaTeX).
 */
const staticLibraries = replaceModule(
  "code-cache.js",
  `
const libraries = {
${LIBRARIES.map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`).join("\n")}
};
export const plainLoad = (id) => {
  const lib = libraries[id];
  if (!lib) throw new Error("gradlab export bundle: no library " + id);
  return lib();
};
export function createCodeCache() {
  return { load: plainLoad, save() {} };
}
`,
);

/**
 * In the bundle, installed.js answers from what the build found: paths relative to the bundle, the plotly
 * version, and katex.css already parsed. Those files are then inputs of the bundle (see the manifest).
 */
function buildTimeInstalled(files: {
  katexCss: string;
  plotlyFull: string;
  plotlyCartesian: string;
}): Plugin {
  const rel = (file: string) => JSON.stringify(relative(outDir, file));
  const data = readKatexStyleData(readFileSync(files.katexCss, "utf8"));
  const plotlyPackage = join(dirname(files.plotlyFull), "package.json");
  const version = (JSON.parse(readFileSync(plotlyPackage, "utf8")) as { version: string }).version;
  return replaceModule(
    "installed.js",
    `
import { join } from "node:path";
import { indexKatexStyles } from "./katex-fonts.js";
const data = JSON.parse(${JSON.stringify(JSON.stringify(data))});
export const katexStyles = () => indexKatexStyles(data, join(__dirname, ${rel(join(dirname(files.katexCss), "fonts"))}));
export const plotlyFile = (bundle) =>
  join(__dirname, bundle === "cartesian" ? ${rel(files.plotlyCartesian)} : ${rel(files.plotlyFull)});
export const plotlyVersion = () => ${JSON.stringify(version)};
`,
  );
}

/**
 * markdown-it makes a LinkifyIt in its constructor, which compiles linkify-it's large patterns; the
 * exporter never turns `linkify` on (markdown.ts), so the bundle has a stand-in that says so if used.
 */
const noLinkify: Plugin = {
  name: "no-linkify",
  setup(b) {
    b.onResolve({ filter: /^linkify-it$/ }, () => ({ path: "linkify-it", namespace: "no-linkify" }));
    b.onLoad({ filter: /.*/, namespace: "no-linkify" }, () => ({
      loader: "js",
      contents: `
class LinkifyLeftOut {}
for (const name of ["add", "set", "test", "pretest", "testSchemaAt", "match", "matchAtStart", "tlds", "normalize", "onCompile"])
  LinkifyLeftOut.prototype[name] = () => {
    throw new Error("gradlab export bundle: linkify-it is left out (markdown-it's linkify option must stay off)");
  };
module.exports = LinkifyLeftOut;
`,
    }));
  },
};

/**
 * entities (markdown-it's HTML entity decoder) builds its decoding tables when loaded, as
 * `new Uint16Array("…".split("").map((c) => c.charCodeAt(0)))`: some 15,000 one-character strings and an
 * array, about 1.5 ms of every export. In the bundle the same code units come from one native call
 * (the string as UTF-16). Files not written that way (another entities version) are left as they are.
 */
const entitiesTables: Plugin = {
  name: "entities-tables",
  setup(b) {
    b.onLoad({ filter: /[\\/]entities[\\/]lib[\\/]generated[\\/]decode-data-\w+\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const split =
        /new Uint16Array\(\s*(?:\/\/[^\n]*\s*)?("(?:[^"\\]|\\.)*")\s*\.split\(""\)\s*\.map\(function \(c\) \{ return c\.charCodeAt\(0\); \}\)\)/;
      if (!split.test(source)) return undefined;
      return {
        loader: "js",
        contents: source.replace(split, (_, text: string) => `codeUnits(${text})`) + CODE_UNITS,
      };
    });
  },
};

/** The UTF-16 code units of a string (little-endian, as every platform Node runs the bundle on). */
const CODE_UNITS = `
function codeUnits(text) {
  const bytes = Buffer.from(text, "utf16le");
  // A small string's bytes come from Node's buffer pool, at an offset that is 8-aligned; copied if not.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : Uint8Array.from(bytes);
  return new Uint16Array(aligned.buffer, aligned.byteOffset, text.length);
}
`;

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Writes a file whole (temp file + rename): a concurrent export never reads half of it. */
function writeWhole(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

async function bundleExporter(): Promise<Manifest> {
  const installed = {
    katexCss: resolve("katex/dist/katex.min.css"),
    plotlyFull: resolve("plotly.js-dist-min/plotly.min.js"),
    plotlyCartesian: resolve("plotly.js-cartesian-dist-min/plotly-cartesian.min.js"),
  };
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: bundle,
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    // import.meta.url only resolves files of installed packages, which works from the bundle's own URL.
    define: { "import.meta.url": "__bundleUrl" },
    banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [staticLibraries, noLinkify, entitiesTables, buildTimeInstalled(installed)],
    charset: "ascii",
    metafile: true,
    logLevel: "warning",
  });
  // esbuild writes code as ASCII but copies comments as they are; escaped too, the whole file is ASCII,
  // and Node reads it straight into a one-byte string (prebuilt.ts reads it as latin1, no UTF-8 decoding).
  const text = result.outputFiles[0].text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  writeWhole(bundle, text);
  // What buildTimeInstalled read counts as input too: a reinstalled KaTeX or plotly.js then disables the
  // bundle until the next build.
  const files = [
    ...Object.keys(result.metafile.inputs)
      .filter((p) => !p.includes(":"))
      .map((p) => join(root, p)),
    installed.katexCss,
    join(dirname(installed.plotlyFull), "package.json"),
    join(dirname(installed.plotlyCartesian), "package.json"),
  ];
  const inputs = files.map((file) => {
    const st = statSync(file);
    return { file: relative(outDir, file), size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(file) };
  });
  const st = statSync(bundle);
  return {
    runtime: `${process.version}-${process.arch}`,
    bundle: { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(bundle) },
    inputs,
  };
}

/** Exports the sample notebooks with the bundle in a fresh Node and stores the bytecode V8 made. */
function makeBytecode(): string {
  const present = warmUpNotebooks.filter((f) => existsSync(f));
  if (!present.length) return "no sample notebooks: bytecode is made by the first export instead";
  const work = mkdtempSync(join(tmpdir(), "gradlab-bundle-"));
  try {
    const copies = present.map((f) => {
      const copy = join(work, basename(f));
      copyFileSync(f, copy);
      return copy;
    });
    const script = `
import { renameSync, writeFileSync } from "node:fs";
import { bytecodePath, loadPrebuilt } from ${JSON.stringify(pathToFileURL(join(modules, "prebuilt.js")).href)};
const bundle = ${JSON.stringify(bundle)};
const p = await loadPrebuilt(bundle, { cachedData: false });
if (!p) throw new Error("the bundle did not load");
const code = await p.exports.main(${JSON.stringify([...copies, "-q"])});
if (code !== 0) throw new Error("export of the sample notebooks failed");
writeFileSync(bytecodePath(bundle) + ".tmp", p.createCachedData());
renameSync(bytecodePath(bundle) + ".tmp", bytecodePath(bundle));
`;
    // A plain Node (no tsx loader, no inspector, no NODE_OPTIONS): V8 rejects bytecode made under other
    // flags, and an export started without options looks for bytecode made without them.
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env });
    if (r.status !== 0) throw new Error(`warming the bundle failed:\n${r.stderr}`);
    return `bytecode from ${present.length} sample notebooks`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (!existsSync(entry)) {
  console.error("build-export-bundle: dist/kernel/notebook/export-command.js is missing; run tsc first");
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
// Old bytecode goes first: it must never meet a new bundle (V8 checks little more than the length).
rmSync(join(outDir, "export-bundle.v8"), { force: true });
const manifest = await bundleExporter();
writeWhole(join(outDir, "export-bundle.json"), JSON.stringify(manifest, null, 1) + "\n");
const note = makeBytecode();
if (outDir === modules) await buildLauncher(root);
console.log(
  `export bundle: ${relative(root, bundle)} (${(statSync(bundle).size / 1024).toFixed(0)} KB, ` +
    `${manifest.inputs.length} inputs), ${note}`,
);
