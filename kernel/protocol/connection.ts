/**
 * Connection files: the JSON that tells a kernel where to bind and a client where to connect.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files
 */
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type SocketName = "shell" | "control" | "stdin" | "iopub" | "hb";

export const SOCKET_NAMES: readonly SocketName[] = ["shell", "control", "stdin", "iopub", "hb"];

/** `tcp://127.0.0.1:5555`, or `ipc://path-1` for the ipc transport (Jupyter's naming). */
export function endpoint(info: ConnectionInfo, socket: SocketName): string {
  const port = info[`${socket}_port`];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

/** Checks the fields a kernel needs; a clear message names the first problem. */
export function parseConnectionInfo(json: unknown): ConnectionInfo {
  if (typeof json !== "object" || json === null) throw new Error("connection file: not a JSON object");
  const o = json as Record<string, unknown>;
  const transport = o.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc")
    throw new Error(`connection file: unknown transport ${JSON.stringify(transport)}`);
  for (const s of SOCKET_NAMES) {
    const p = o[`${s}_port`];
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535)
      throw new Error(`connection file: ${s}_port must be a port number, got ${JSON.stringify(p)}`);
  }
  const scheme = o.signature_scheme ?? "hmac-sha256";
  if (typeof scheme !== "string" || !scheme.startsWith("hmac-"))
    throw new Error(`connection file: unsupported signature_scheme ${JSON.stringify(scheme)}`);
  if (o.key !== undefined && typeof o.key !== "string")
    throw new Error("connection file: key must be a string");
  return {
    ...(o as unknown as ConnectionInfo),
    transport,
    ip: typeof o.ip === "string" ? o.ip : "127.0.0.1",
    key: (o.key as string | undefined) ?? "",
    signature_scheme: scheme,
  };
}

export async function readConnectionFile(path: string): Promise<ConnectionInfo> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read connection file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseConnectionInfo(JSON.parse(text));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Ports the OS says are free now (a client about to start a kernel picks them like jupyter_client does). */
export async function freePorts(count: number, ip = "127.0.0.1"): Promise<number[]> {
  // Loaded here, not at the top: the kernel imports this module and never needs node:net.
  const { createServer } = await import("node:net");
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, ip, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A fresh loopback connection with a random key, for clients that start their own kernel. */
export async function newConnectionInfo(ip = "127.0.0.1"): Promise<ConnectionInfo> {
  const [shell_port, control_port, stdin_port, iopub_port, hb_port] = await freePorts(5, ip);
  return {
    transport: "tcp",
    ip,
    shell_port,
    control_port,
    stdin_port,
    iopub_port,
    hb_port,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: "gradlab",
  };
}
