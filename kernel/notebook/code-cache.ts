/**
 * `require` with V8's code cache, for the exporter's large CommonJS libraries (KaTeX, markdown-it) when the exporter runs from its modules (the prebuilt bundle, see prebuilt.ts, is the
 * faster path; this one serves `gradlab run --html`, library use, and a stale or missing bundle).
 * Every `gradlab export` is a fresh process that would otherwise parse and compile them again; with the
 * cache, V8 reuses the bytecode it made last time, including that of the functions the export ran. This
 * is what Node 22's `module.enableCompileCache()` does; Node 20 has no such switch. A missing, stale or
 * foreign entry is simply not used (V8 checks it against the source and its own version), and a cache
 * that cannot be written is skipped.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import Module from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { trustedCacheFolder, writeCacheEntry } from "./cache-folder.js";

/** Loads a CommonJS module by package path (as `require` would). */
export type Load = (id: string) => unknown;

export interface CodeCache {
  load: Load;
  /** Writes the bytecode of modules that had no usable cache entry. Call once the work is done. */
  save(): void;
}

/** Plain `require`, for callers that want no cache (tests, library use). */
export const plainLoad: Load = createRequire(import.meta.url);

/** A code-cached loader keeping its entries in `dir` (default: this user's folder in the OS temp folder). */
export function createCodeCache(dir?: string): CodeCache {
  const resolve = createRequire(import.meta.url).resolve;
  const loaded = new Map<string, unknown>();
  const pending: { script: Script; file: string }[] = [];
  const folder = trustedCacheFolder(dir);

  const load: Load = (id) => {
    const path = resolve(id);
    if (loaded.has(path)) return loaded.get(path);
    const source = readFileSync(path, "utf8");
    const stat = statSync(path);
    const key = createHash("sha256")
      .update(`${process.version} ${process.arch} ${path} ${stat.size} ${stat.mtimeMs}`)
      .digest("hex")
      .slice(0, 24);
    const file = folder && join(folder, `${key}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = file ? readFileSync(file) : undefined;
    } catch {
      cachedData = undefined;
    }
    const script = new Script(Module.wrap(source), { filename: path, cachedData });
    if (file && (!cachedData || script.cachedDataRejected)) pending.push({ script, file });
    const module = { exports: {} as unknown };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
    loaded.set(path, module.exports);
    return module.exports;
  };

  return {
    load,
    save() {
      for (const { script, file } of pending.splice(0)) writeCacheEntry(file, script.createCachedData());
    },
  };
}
