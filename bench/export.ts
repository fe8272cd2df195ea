/**
 * `npm run bench:export`: gradlab's exporter against Debian's nbconvert on the same notebooks, in the same
 * run, each as the command a user types (a fresh process per export, output to stdout).
 *
 *   gradlab:   node dist/kernel/bin.cjs export NB --stdout     (package.json "bin": what `gradlab` runs)
 *   nbconvert: /usr/bin/python3 -m nbconvert --to html --stdout NB
 *
 * Notebooks: the executed lecture notebooks in out/ (from `npm start`) when present, else notebooks/, and
 * the exporter's fixtures. Prints the median wall time of N runs (BENCH_RUNS, default 7), the CPU time
 * (GNU time, when installed: less moved by whatever else the machine runs), the page size, and the ratios.
 * Target (issue 7): gradlab ≥ 5× faster; a page with plots < 2.5 MB, without plots < 400 KB.
 * Also printed: whether the CLI ran the prebuilt bundle (see kernel/notebook/prebuilt.ts; `npm run build`
 * makes it), and what NODE_EXTRA_CA_CERTS, when set, adds to every Node start.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The `gradlab` command as npm links it (package.json "bin"). */
const cli = join(
  root,
  (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: { gradlab: string } }).bin.gradlab,
);
const python = "/usr/bin/python3";
const runs = Number(process.env.BENCH_RUNS ?? 7);

function notebooks(): string[] {
  const list = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(".ipynb"))
          .sort()
          .map((f) => join(dir, f))
      : [];
  const lectures = list(join(root, "out")).length ? list(join(root, "out")) : list(join(root, "notebooks"));
  const fixtures = ["mini-lecture-executed", "rich-outputs", "python", "plain"].map((n) =>
    join(root, "test/fixtures/notebooks", `${n}.ipynb`),
  );
  return [...lectures, ...fixtures];
}

interface Measure {
  ms: number;
  /** CPU time (user + system) of the process, from GNU time when present: less moved by other load. */
  cpuMs?: number;
  bytes: number;
  ok: boolean;
  error?: string;
}

const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const timeFile = join(tmpdir(), `bench-export-${process.pid}.time`);

function measure(cmd: string, args: string[]): Measure {
  const times: number[] = [];
  const cpus: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const [c, a] = gnuTime ? [gnuTime, ["-f", "%U %S", "-o", timeFile, cmd, ...args]] : [cmd, args];
    const t = process.hrtime.bigint();
    const r = spawnSync(c, a, { maxBuffer: 256 << 20, cwd: root });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) {
      const lines = r.stderr.toString().trim().split("\n");
      return { ms: median(times), bytes: 0, ok: false, error: lines[lines.length - 1] };
    }
    if (gnuTime) {
      const [user, sys] = readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      cpus.push((user + sys) * 1000);
    }
    bytes = r.stdout.length;
  }
  return { ms: median(times), cpuMs: cpus.length ? median(cpus) : undefined, bytes, ok: true };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const kb = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(0)} KB`);

function main(): void {
  if (!existsSync(cli)) {
    console.error("bench:export: dist/ is missing; run `npm run build` first");
    process.exit(1);
  }
  const hasNbconvert = spawnSync(python, ["-c", "import nbconvert"]).status === 0;
  if (!hasNbconvert)
    console.error("bench:export: Debian's nbconvert is not installed; showing gradlab alone");
  console.log(`export of each notebook as a fresh process, median of ${runs} runs`);
  console.log(`gradlab exports from: ${exporterPath()}\n`);
  const rows: string[][] = [
    ["notebook", "gradlab", "cpu", "size", "nbconvert", "cpu", "size", "speed-up", "cpu ratio"],
  ];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const ms = (m?: number) => (m === undefined ? "-" : `${m.toFixed(0)} ms`);
  for (const nb of notebooks()) {
    const g = measure(process.execPath, [cli, "export", nb, "--stdout", "-q"]);
    const n = hasNbconvert ? measure(python, ["-m", "nbconvert", "--to", "html", "--stdout", nb]) : undefined;
    const ratio = g.ok && n?.ok ? n.ms / g.ms : undefined;
    const cpuRatio = g.ok && n?.ok && g.cpuMs && n.cpuMs ? n.cpuMs / g.cpuMs : undefined;
    if (ratio) ratios.push(ratio);
    if (cpuRatio) cpuRatios.push(cpuRatio);
    rows.push([
      basename(nb),
      g.ok ? ms(g.ms) : `failed: ${g.error}`,
      g.ok ? ms(g.cpuMs) : "",
      g.ok ? kb(g.bytes) : "",
      !n ? "-" : n.ok ? ms(n.ms) : `failed (${n.ms.toFixed(0)} ms): ${n.error?.slice(0, 50)}`,
      n?.ok ? ms(n.cpuMs) : "",
      n?.ok ? kb(n.bytes) : "",
      ratio ? `${ratio.toFixed(1)}×` : "-",
      cpuRatio ? `${cpuRatio.toFixed(1)}×` : "-",
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const [i, r] of rows.entries()) {
    console.log(r.map((cell, c) => cell.padEnd(widths[c])).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  rmSync(timeFile, { force: true });
  if (ratios.length) {
    console.log(`\nmedian speed-up (wall) ${median(ratios).toFixed(1)}× (target ≥ 5×)`);
    if (cpuRatios.length) console.log(`median CPU-time ratio ${median(cpuRatios).toFixed(1)}×`);
  }
  noteExtraCaCerts();
}

/** Which exporter the CLI runs (the prebuilt bundle unless dist/ lacks it or it is stale), from its timing. */
function exporterPath(): string {
  const fixture = join(root, "test/fixtures/notebooks/plain.ipynb");
  const r = spawnSync(process.execPath, [cli, "export", fixture, "--stdout", "-q"], {
    cwd: root,
    env: { ...process.env, GRADLAB_EXPORT_TIMING: "1" },
    encoding: "utf8",
  });
  const loaded = /exporter loaded \(([^)]+)\)/.exec(r.stderr)?.[1] ?? "unknown";
  return loaded === "modules" ? "modules (no fresh prebuilt bundle: run `npm run build`)" : loaded;
}

/**
 * NODE_EXTRA_CA_CERTS makes every Node process parse CA certificates before running any JavaScript; an
 * export never opens a connection, but pays for it, and nbconvert (Python) does not. Say how much.
 */
function noteExtraCaCerts(): void {
  if (!process.env.NODE_EXTRA_CA_CERTS) return;
  const start = (env: NodeJS.ProcessEnv) =>
    median(
      Array.from({ length: runs }, () => {
        const t = process.hrtime.bigint();
        spawnSync(process.execPath, ["-e", "0"], { env });
        return Number(process.hrtime.bigint() - t) / 1e6;
      }),
    );
  const without = { ...process.env };
  delete without.NODE_EXTRA_CA_CERTS;
  const a = start(process.env);
  const b = start(without);
  console.log(
    `\nnote: NODE_EXTRA_CA_CERTS is set here, so every Node process starts ${(a - b).toFixed(0)} ms later ` +
      `(node -e 0: ${a.toFixed(0)} ms with it, ${b.toFixed(0)} ms without); gradlab's times above include that.`,
  );
}

main();
