/**
 * Start the real kernel (node dist/kernel/cli.js kernel) and talk to it over zeromq with
 * kernel/protocol/client.ts — the same path Jupyter and the runner use.
 *
 *   const k = await startKernel();                 // fresh ports and key, waits for kernel_info + iopub
 *   const run = await k.client.execute("1 + 1");   // Execution: reply, outputs, messages
 *   textOf(run)                                    // "2": the text/plain / stream text of the outputs
 *   await k.stop();                                // shutdown_request, wait for exit (kill if needed)
 *
 * API
 *   startKernel(options?): Promise<RunningKernel>
 *     options.args      extra `gradlab kernel` arguments (e.g. ["--no-check"])
 *     options.cwd       the kernel's working folder (the notebook's folder); default a fresh temp dir
 *     options.env       extra environment variables
 *     options.key       HMAC key ("" for no signing); default random
 *     options.ready     wait for kernel_info (default true)
 *   RunningKernel
 *     client            a connected KernelClient
 *     info              the connection info (write your own clients with KernelClient.connect(info))
 *     child             the ChildProcess; pid = child.pid
 *     stderr()          the kernel's stderr so far (its log lines)
 *     exited            resolves with the exit code (or signal name) when the process ends
 *     stop()            shutdown_request on control; SIGKILL if not gone within 5 s
 *     kill()            SIGKILL now
 *   installKernelspec(dir): string   writes the kernelspec under dir/share/jupyter; returns that JUPYTER_PATH
 *   textOf(execution): string        stream text and text/plain of display/execute_result, concatenated
 *   ROOT                             the repository root
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KernelClient, type Execution } from "../../kernel/protocol/client.js";
import { newConnectionInfo, type ConnectionInfo } from "../../kernel/protocol/connection.js";
import { kernelArgv } from "../../kernel/install.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(ROOT, "dist", "kernel", "cli.js");

export interface StartOptions {
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  key?: string;
  ready?: boolean;
}

export interface RunningKernel {
  client: KernelClient;
  info: ConnectionInfo;
  child: ChildProcess;
  dir: string;
  stderr(): string;
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
  kill(): void;
}

export async function startKernel(options: StartOptions = {}): Promise<RunningKernel> {
  const dir = mkdtempSync(join(tmpdir(), "gradlab-kernel-"));
  const info = await newConnectionInfo();
  if (options.key !== undefined) info.key = options.key;
  const file = join(dir, "connection.json");
  writeFileSync(file, JSON.stringify(info));
  // The kernelspec's own command line (node options included), as Jupyter starts it.
  const [node, ...argv] = [...kernelArgv(file, CLI), ...(options.args ?? [])];
  const child = spawn(node, argv, {
    cwd: options.cwd ?? dir,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout?.resume();
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const client = await KernelClient.connect(info);
  const kernel: RunningKernel = {
    client,
    info,
    child,
    dir,
    stderr: () => stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await client
          .request("control", "shutdown_request", { restart: false }, { timeoutMs: 5000 })
          .catch(() => {});
        const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
        if (!gone) child.kill("SIGKILL");
        await exited;
      }
      client.close();
    },
    kill() {
      child.kill("SIGKILL");
      client.close();
    },
  };
  if (options.ready !== false) {
    try {
      await Promise.race([
        client.ready(20_000),
        exited.then((code) => {
          throw new Error(`kernel exited (${code}) before answering kernel_info:\n${stderr}`);
        }),
      ]);
    } catch (e) {
      kernel.kill();
      throw e;
    }
  }
  return kernel;
}

export function installKernelspec(dir: string): string {
  const r = spawnSync(process.execPath, [CLI, "install", "--prefix", dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gradlab install failed: ${r.stderr}`);
  return join(dir, "share", "jupyter");
}

/** The visible text of a cell's outputs: stream text and text/plain of display_data and execute_result. */
export function textOf(run: Execution): string {
  return run.outputs
    .map((m) => {
      const c = m.content as { text?: string; data?: Record<string, unknown> };
      if (m.header.msg_type === "stream") return c.text ?? "";
      if (m.header.msg_type === "display_data" || m.header.msg_type === "execute_result")
        return String(c.data?.["text/plain"] ?? "");
      return "";
    })
    .join("");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
