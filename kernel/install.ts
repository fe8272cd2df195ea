/**
 * `gradlab install [--user | --sys-prefix | --prefix DIR]`: writes the Jupyter kernelspec (kernel.json and
 * two logos) without needing Python. Spec: https://jupyter-client.readthedocs.io/en/stable/kernels.html
 *
 * interrupt_mode is "message": the kernel's socket thread then interrupts a busy cell even when it loops
 * outside the engine's SIGINT watchdog (after an await), which a signal alone cannot reach.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const usage = `usage: gradlab install [--user | --sys-prefix | --prefix DIR] [--name NAME]

  --user         for this user (default): $JUPYTER_DATA_DIR or ~/.local/share/jupyter
  --sys-prefix   into the active Python environment ($VIRTUAL_ENV, $CONDA_PREFIX, or python3's sys.prefix)
  --prefix DIR   into DIR/share/jupyter (point JUPYTER_PATH at DIR/share/jupyter to use it)
  --name NAME    kernelspec folder name (default gradlab)
`;

type Where = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

export function parseInstallArgs(argv: string[]): { where: Where; name: string } | string {
  let where: Where = { kind: "user" };
  let name = "gradlab";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--user") where = { kind: "user" };
    else if (a === "--sys-prefix") where = { kind: "sys-prefix" };
    else if (a === "--prefix") {
      const dir = argv[++i];
      if (!dir) return `gradlab install: --prefix needs a directory\n\n${usage}`;
      where = { kind: "prefix", dir };
    } else if (a.startsWith("--prefix=")) where = { kind: "prefix", dir: a.slice("--prefix=".length) };
    else if (a === "--name") {
      name = argv[++i] ?? "";
      if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `gradlab install: --name must be letters, digits, . _ -\n`;
    } else if (a === "--help" || a === "-h") return usage;
    else return `gradlab install: unknown option ${a}\n\n${usage}`;
  }
  return { where, name };
}

/** The `share/jupyter` folder the kernelspec goes under. */
export function dataDir(where: Where, env: NodeJS.ProcessEnv = process.env): string {
  if (where.kind === "prefix") return join(resolve(where.dir), "share", "jupyter");
  if (where.kind === "sys-prefix") {
    const prefix = env.VIRTUAL_ENV ?? env.CONDA_PREFIX ?? pythonPrefix();
    if (!prefix)
      throw new Error("--sys-prefix: no Python environment found (set VIRTUAL_ENV or use --prefix DIR)");
    return join(prefix, "share", "jupyter");
  }
  if (env.JUPYTER_DATA_DIR) return resolve(env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(env.APPDATA ?? homedir(), "jupyter");
  return join(env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
}

function pythonPrefix(): string | undefined {
  const r = spawnSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

/** dist/kernel/cli.js, whether this module runs compiled (dist/kernel) or from source (kernel/). */
export function cliPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "cli.js");
  return existsSync(beside) ? beside : join(here, "..", "dist", "kernel", "cli.js");
}

/**
 * Node options of the kernel process. Each checked cell builds a new TypeScript program and checker
 * (≈ 1 MB that dies young); with V8's default young generation (16 MB semi-spaces) a scavenge every few
 * cells copies whatever is alive at that moment and adds 5–10 ms to one cell in eight. 64 MB semi-spaces
 * make those pauses four times rarer (the semi-spaces grow only when the allocation rate asks for it, so
 * an idle kernel's RSS does not change).
 * `--always-sparkplug`: a kernel's first cells run TypeScript's compiler while it is still cold; V8's
 * baseline compiler makes machine code at a function's first call instead of after a few hundred in the
 * interpreter (measured: a fresh kernel's trivial cell p50 0.3–0.6 ms lower, +3 MB RSS, start unchanged).
 * `--v8-pool-size`: V8 optimises TypeScript's compiler (and helps its garbage collector) on background
 * threads while a cell is checked; Node's default of 4 such threads on a 2-core machine takes the cores
 * from the cell itself (measured on 2 cores: a 30-line class cell 14–22 ms with 4, 8–13 ms with 1; the
 * first cell ~0.1 s sooner). One thread fewer than the cores, at most Node's 4, counted on the machine
 * that writes kernel.json (`gradlab install`; `gradlab run` counts when it runs).
 */
export const KERNEL_NODE_OPTIONS = [
  "--max-semi-space-size=64",
  "--always-sparkplug",
  `--v8-pool-size=${backgroundThreads()}`,
];

/** V8's background threads for the kernel: one core stays free for the cell. */
export function backgroundThreads(cores: number = availableParallelism()): number {
  return Math.min(4, Math.max(1, cores - 1));
}

/** The command that starts the kernel: `node [options] cli.js kernel --connection-file FILE`. */
export function kernelArgv(connectionFile: string, cli: string = cliPath()): string[] {
  return [process.execPath, ...KERNEL_NODE_OPTIONS, cli, "kernel", "--connection-file", connectionFile];
}

export function kernelJson(cli: string = cliPath()): Record<string, unknown> {
  return {
    argv: kernelArgv("{connection_file}", cli),
    display_name: "TypeScript (gradlab)",
    language: "typescript",
    interrupt_mode: "message",
    metadata: { debugger: false },
  };
}

export async function installKernelspec(where: Where, name = "gradlab"): Promise<string> {
  const dir = join(dataDir(where), "kernels", name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "kernel.json"), `${JSON.stringify(kernelJson(), null, 2)}\n`);
  await writeFile(join(dir, "logo-32x32.png"), logoPng(32));
  await writeFile(join(dir, "logo-64x64.png"), logoPng(64));
  return dir;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseInstallArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(args);
    return args === usage ? 0 : 2;
  }
  const dir = await installKernelspec(args.where, args.name);
  process.stdout.write(`Installed kernelspec ${args.name} in ${dir}\n`);
  return 0;
}

// ---- the logo: a white nabla (∇, the gradient) on TypeScript blue, drawn and PNG-encoded here ----------------

/** RGBA pixels of the logo at `size`×`size`, anti-aliased by 4×4 supersampling. */
export function logoPixels(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const blue = [49, 120, 198];
  const inside = (x: number, y: number): "bg" | "fg" | "none" => {
    // Rounded square background.
    const r = 0.18;
    const cx = Math.min(Math.max(x, r), 1 - r);
    const cy = Math.min(Math.max(y, r), 1 - r);
    if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return "none";
    // Nabla: a downward triangle outline of stroke width w.
    const top = 0.24,
      bottom = 0.8,
      left = 0.18,
      right = 0.82,
      w = 0.1;
    const inTri = (l: number, rr: number, t: number, b: number) => {
      if (y < t || y > b) return false;
      const half = ((rr - l) / 2) * ((b - y) / (b - t));
      const mid = (l + rr) / 2;
      return x >= mid - half && x <= mid + half;
    };
    const outer = inTri(left, right, top, bottom);
    const inner = inTri(left + w * 1.7, right - w * 1.7, top + w, bottom - w * 2);
    return outer && !inner ? "fg" : "bg";
  };
  const n = 4;
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      let fg = 0,
        bg = 0;
      for (let sj = 0; sj < n; sj++)
        for (let si = 0; si < n; si++) {
          const k = inside((i + (si + 0.5) / n) / size, (j + (sj + 0.5) / n) / size);
          if (k === "fg") fg++;
          else if (k === "bg") bg++;
        }
      const cover = fg + bg;
      const o = (j * size + i) * 4;
      if (cover === 0) continue;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round((fg * 255 + bg * blue[c]) / cover);
      px[o + 3] = Math.round((255 * cover) / (n * n));
    }
  return px;
}

export function logoPng(size: number): Buffer {
  return encodePng(size, size, logoPixels(size));
}

/** A minimal PNG encoder: 8-bit RGBA, filter 0 on every row, one IDAT. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
