/**
 * The exporter as one prebuilt CommonJS script with V8 bytecode to go with it (both made by
 * scripts/build-export-bundle.ts at `npm run build`). Every `gradlab export` is a fresh process: from
 * modules it would resolve and read some 20 files, compile them, and compile again every function it
 * runs; from the bundle it reads one file and takes the bytecode V8 made while the build exported sample
 * notebooks. This is the startup work Node 22's compile cache saves; Node 20 has no such switch.
 *
 * Never stale: the bundle's manifest lists every input file (our compiled modules and the libraries)
 * with size, mtime and SHA-256. Same size and mtime: fresh. Same size, other mtime (tsc re-emitted
 * the same code): fresh when the hash matches. Anything else, or any error, and the caller falls back
 * to the modules. Bytecode made by another Node version or with other V8 flags is rejected by V8 itself;
 * then the bytecode of this run is kept in this user's cache folder for the next one.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/** One file the bundle was made from, as it was at build time. */
export interface ManifestInput {
  /** Relative to the bundle's folder. */
  file: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** `<bundle>.json`: what the bundle was made from and which Node made its bytecode. */
export interface Manifest {
  /** `process.version` and `process.arch` of the build that made `<bundle>.v8`. */
  runtime: string;
  /** The bundle as written with this manifest (a bundle written since is not the one described). */
  bundle: { size: number; mtimeMs: number; sha256: string };
  inputs: ManifestInput[];
}

export interface Prebuilt {
  /** The bundle's `module.exports`. */
  exports: Record<string, unknown>;
  /** Whether V8 took the bytecode offered (false: none found, or made by another Node). */
  cacheAccepted: boolean;
  /** The bytecode of everything compiled so far (what the build stores as `<bundle>.v8`). */
  createCachedData(): Buffer;
  /** Keeps this run's bytecode in the user's cache folder when none was accepted. Call when done. */
  save(): Promise<void>;
}

export const manifestPath = (bundle: string) => bundle.replace(/\.cjs$/, ".json");
export const bytecodePath = (bundle: string) => bundle.replace(/\.cjs$/, ".v8");
const runtime = () => `${process.version}-${process.arch}`;

/**
 * True when every input is as the manifest recorded it (by size and mtime, else by content). Inputs
 * found unchanged by content get their new mtimes recorded (when the manifest can be written), so that
 * only the first export after a bare `tsc` pays for hashing.
 */
export function isFresh(bundle: string, manifest: Manifest): boolean {
  const dir = dirname(bundle);
  const touched: { input: ManifestInput; mtimeMs: number }[] = [];
  for (const input of manifest.inputs) {
    const st = statSync(join(dir, input.file), { throwIfNoEntry: false });
    if (!st || st.size !== input.size) return false;
    if (st.mtimeMs !== input.mtimeMs) touched.push({ input, mtimeMs: st.mtimeMs });
  }
  if (!touched.length) return true;
  // Loaded only here: hashing is the rare path (after a bare `tsc` or a reinstall), node:crypto costs ms.
  const { createHash } = createRequire(bundle)("node:crypto") as typeof import("node:crypto");
  const sha256 = (file: string) =>
    createHash("sha256")
      .update(readFileSync(join(dir, file)))
      .digest("hex");
  if (!touched.every(({ input }) => sha256(input.file) === input.sha256)) return false;
  for (const { input, mtimeMs } of touched) input.mtimeMs = mtimeMs;
  try {
    const file = manifestPath(bundle);
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(manifest, null, 1) + "\n");
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // A read-only installation: every export checks the hashes again, which is still correct.
    rmSync(`${manifestPath(bundle)}.${process.pid}.tmp`, { force: true });
  }
  return true;
}

/**
 * Where this user's copy of the bundle's bytecode lives, when the build's does not fit: per Node, per
 * bundle, and per command-line flags (V8 rejects bytecode made under other flags, so runs with and
 * without, say, --max-old-space-size must not keep replacing each other's entry). The bundle is named
 * by content: its own hash and those of everything it was made from (V8 itself checks little more than
 * the source's length, so the name must never fit another bundle). Imported only then: the common case
 * needs neither the folder nor node:os.
 */
async function userBytecodePath(manifest: Manifest): Promise<string | undefined> {
  const { trustedCacheFolder } = await import("./cache-folder.js");
  const folder = trustedCacheFolder();
  const content = hash64([manifest.bundle.sha256, ...manifest.inputs.map((i) => i.sha256)].join());
  const key = `${runtime()}-${content}-${hash64(flags())}`.replace(/[^\w.-]/g, "_");
  return folder && join(folder, `export-bundle-${key}.v8`);
}

/** Node and V8 options this process was started with (the build makes its bytecode with none). */
const flags = () => JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? ""]);
const NO_FLAGS = JSON.stringify([[], ""]);

/** Two 32-bit FNV-style hashes as 16 hex digits (node:crypto costs milliseconds to load; this names a file). */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * Loads and runs the bundle, or returns undefined when it is missing or stale (or fails to load).
 * Bytecode: `cachedData` when given (`false`: none, as the build does); else `<bundle>.v8` first when
 * this Node made it and no options change V8's flags, else this user's entry first; the other one if
 * V8 rejects the first.
 */
export async function loadPrebuilt(
  bundle: string,
  options: { cachedData?: Buffer | false } = {},
): Promise<Prebuilt | undefined> {
  try {
    if (!existsSync(bundle)) return undefined;
    const manifest = JSON.parse(readFileSync(manifestPath(bundle), "utf8")) as Manifest;
    if (!isFresh(bundle, manifest)) return undefined;
    const st = statSync(bundle);
    if (st.size !== manifest.bundle.size || st.mtimeMs !== manifest.bundle.mtimeMs) return undefined;
    // The build writes the bundle as pure ASCII: latin1 is then the same text, without UTF-8 decoding.
    const source = Module.wrap(readFileSync(bundle, "latin1"));
    const sameNode = manifest.runtime === runtime();
    const build = async () => (sameNode ? bytecodePath(bundle) : undefined);
    const user = () => userBytecodePath(manifest);
    const candidates =
      options.cachedData !== undefined
        ? []
        : sameNode && flags() === NO_FLAGS
          ? [build, user]
          : [user, build];
    let script: Script | undefined;
    let cacheAccepted = false;
    for (const candidate of candidates) {
      const cachedData = readOptional(await candidate());
      if (!cachedData) continue;
      script = new Script(source, { filename: bundle, cachedData });
      cacheAccepted = !script.cachedDataRejected;
      if (cacheAccepted) break;
    }
    const given = options.cachedData || undefined;
    if (given || !script) script = new Script(source, { filename: bundle, cachedData: given });
    if (given) cacheAccepted = !script.cachedDataRejected;
    const module = { exports: {} as Record<string, unknown> };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
    const compiled = script;
    return {
      exports: module.exports,
      cacheAccepted,
      createCachedData: () => compiled.createCachedData(),
      async save() {
        if (cacheAccepted || options.cachedData !== undefined) return;
        const target = await user();
        if (!target) return;
        const { writeCacheEntry } = await import("./cache-folder.js");
        writeCacheEntry(target, compiled.createCachedData());
      },
    };
  } catch {
    return undefined;
  }
}

function readOptional(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
