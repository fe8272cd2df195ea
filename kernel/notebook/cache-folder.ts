/**
 * Where the exporter keeps V8 bytecode between runs: a folder of this user's in the OS temp folder.
 * V8 checks a code cache entry only against its source's length (and its own version and flags), so an
 * entry is trusted only from a folder that this user owns and nobody else can write to: in a shared temp
 * folder another user could have made it first.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

function defaultDir(): string {
  let user = "user";
  try {
    user = String(userInfo().uid);
  } catch {
    // No passwd entry (some containers): one shared folder name is fine.
  }
  return join(tmpdir(), `gradlab-code-cache-${user}`);
}

/** The folder (created if needed), or undefined when it cannot be made or is not safely ours. */
export function trustedCacheFolder(dir = defaultDir()): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    const uid = typeof process.getuid === "function" ? process.getuid() : st.uid;
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a file whole or not at all (a concurrent export never reads half an entry); errors are swallowed. */
export function writeCacheEntry(file: string, data: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    // A read-only or full temp folder only costs speed.
  }
}
