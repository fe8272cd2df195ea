/**
 * One kernel process for one notebook, started the way Jupyter starts it: a connection file with free
 * loopback ports and a fresh key, the kernel's argv with `{connection_file}` filled in, then a zeromq
 * client (kernel/protocol/client.ts) that waits for kernel_info. Shut down with shutdown_request;
 * terminated, then killed, when it does not go.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kernelArgv } from "../install.js";
import { KernelClient } from "../protocol/client.js";
import { newConnectionInfo } from "../protocol/connection.js";
import type { Message } from "../protocol/wire.js";

export interface KernelOptions {
  /** The kernel's argv with `{connection_file}` in it; default: this gradlab's `kernel` command. */
  argv?: string[];
  /** Working directory of the kernel (a notebook runs in its own folder, as in Jupyter). */
  cwd?: string;
  /** How long the kernel may take to answer kernel_info. */
  startupTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningKernel {
  client: KernelClient;
  child: ChildProcess;
  info: Message;
  /** Resolves when the process has ended. */
  exited: Promise<Exit>;
  /** The last few KB the kernel wrote to stderr, for messages about its death. */
  stderrTail(): string;
  /** shutdown_request, then SIGTERM, then SIGKILL, each after a grace period. Never throws. */
  shutdown(): Promise<void>;
  /** Ends the process at once (a cell that cannot be interrupted). */
  kill(): void;
  /** False once the process has ended or been killed. */
  isAlive(): boolean;
}

/** The kernelspec's command (kernel/install.ts: node options, dist/kernel/cli.js found from here). */
export function defaultKernelArgv(): string[] {
  return kernelArgv("{connection_file}");
}

const TAIL_BYTES = 4096;

export async function startKernel(options: KernelOptions = {}): Promise<RunningKernel> {
  const dir = await mkdtemp(join(tmpdir(), "gradlab-run-"));
  const connection = await newConnectionInfo();
  const file = join(dir, "kernel.json");
  await writeFile(file, JSON.stringify(connection), { mode: 0o600 });
  const [cmd, ...args] = (options.argv ?? defaultKernelArgv()).map((a) =>
    a.replaceAll("{connection_file}", file),
  );
  const child = spawn(cmd, args, { cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"] });
  let spawnFailure: Error | undefined;
  child.once("error", (e) => (spawnFailure = e));
  let tail = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-TAIL_BYTES);
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: null, signal: null }));
  });
  const client = await KernelClient.connect(connection);
  const cleanup = async () => {
    client.close();
    await rm(dir, { recursive: true, force: true });
  };
  let killed = false;
  const isAlive = () => !killed && child.exitCode === null && child.signalCode === null;
  const kill = () => {
    if (isAlive()) child.kill("SIGKILL");
    killed = true;
  };

  let info: Message;
  try {
    info = await Promise.race([
      client.ready(options.startupTimeoutMs ?? 30_000),
      exited.then((e) => {
        if (spawnFailure)
          throw new Error(`cannot start the kernel ${JSON.stringify(cmd)}: ${spawnFailure.message}`);
        throw new Error(`the kernel exited during start-up (${describeExit(e)})${stderrNote(tail)}`);
      }),
    ]);
  } catch (e) {
    kill();
    await cleanup();
    throw e;
  }

  return {
    client,
    child,
    info,
    exited,
    stderrTail: () => tail,
    kill,
    isAlive,
    async shutdown() {
      if (child.exitCode === null && child.signalCode === null) {
        await client
          .request("control", "shutdown_request", { restart: false }, { timeoutMs: 3000 })
          .catch(() => undefined);
        const ended = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
        if (!ended) {
          child.kill("SIGTERM");
          const terminated = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
          if (!terminated) kill();
          await exited;
        }
      }
      await cleanup();
    },
  };
}

export function describeExit(e: Exit): string {
  if (e.signal) return `killed by ${e.signal}`;
  return e.code === null ? "could not run" : `exit code ${e.code}`;
}

function stderrNote(tail: string): string {
  const t = tail.trim();
  return t ? `\nthe kernel's stderr ended with:\n${t.split("\n").slice(-8).join("\n")}` : "";
}

export function lastWords(kernel: Pick<RunningKernel, "stderrTail">): string {
  return stderrNote(kernel.stderrTail());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
