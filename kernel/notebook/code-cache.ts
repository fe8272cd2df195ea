/**
 * `require` with V8's code cache, for the exporter's large CommonJS libraries (KaTeX, markdown-it,
 * highlight.js). Every `gradlab export` is a fresh process that would otherwise parse and compile them
 * again; with the cache, V8 reuses the bytecode it made last time, including that of the functions the
 * export ran. This is what Node 22's `module.enableCompileCache()` does; Node 20 has no such switch.
 * The cache lives in the OS temp folder; a missing, stale or foreign entry is simply not used
 * (V8 checks it against the source and its own version), and a cache that cannot be written is skipped.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import Module from "node:module";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/** Loads a CommonJS module by package path (as `require` would). */
export type Load = (id: string) => unknown;

export interface CodeCache {
  load: Load;
  /** Writes the bytecode of modules that had no usable cache entry. Call once the work is done. */
  save(): void;
}

/** Plain `require`, for callers that want no cache (tests, library use). */
export const plainLoad: Load = createRequire(import.meta.url);

function defaultDir(): string {
  let user = "user";
  try {
    user = String(userInfo().uid);
  } catch {
    // No passwd entry (some containers): one shared folder name is fine.
  }
  return join(tmpdir(), `gradlab-code-cache-${user}`);
}

/**
 * V8 checks a cache entry only against the source's length, so entries are trusted only from a folder
 * that this user owns and nobody else can write to (in a shared temp folder another user could have
 * made it first).
 */
function trustedFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    const uid = typeof process.getuid === "function" ? process.getuid() : st.uid;
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

export function createCodeCache(dir = defaultDir()): CodeCache {
  const resolve = createRequire(import.meta.url).resolve;
  const loaded = new Map<string, unknown>();
  const pending: { script: Script; file: string }[] = [];
  const usable = trustedFolder(dir);

  const load: Load = (id) => {
    const path = resolve(id);
    if (loaded.has(path)) return loaded.get(path);
    const source = readFileSync(path, "utf8");
    const stat = statSync(path);
    const key = createHash("sha256")
      .update(`${process.version} ${process.arch} ${path} ${stat.size} ${stat.mtimeMs}`)
      .digest("hex")
      .slice(0, 24);
    const file = join(dir, `${key}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = usable ? readFileSync(file) : undefined;
    } catch {
      cachedData = undefined;
    }
    const script = new Script(Module.wrap(source), { filename: path, cachedData });
    if (!cachedData || script.cachedDataRejected) pending.push({ script, file });
    const module = { exports: {} as unknown };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
    loaded.set(path, module.exports);
    return module.exports;
  };

  return {
    load,
    save() {
      if (!pending.length || !usable) return;
      try {
        for (const { script, file } of pending.splice(0)) {
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, script.createCachedData());
          renameSync(tmp, file);
        }
      } catch {
        // A read-only or full temp folder only costs speed.
      }
    },
  };
}
