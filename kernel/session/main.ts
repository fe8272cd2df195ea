/**
 * `gradlab kernel --connection-file FILE [--no-check]`: the kernel process Jupyter starts.
 *
 * The sockets live on a worker thread (kernel/protocol/host.ts); this thread runs the session and the cells.
 * The engine (and with it TypeScript) is loaded only after the first kernel_info_reply is out, or when the
 * first request needs it, so the kernel answers kernel_info fast.
 */
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import { readConnectionFile } from "../protocol/connection.js";
import { SocketHost } from "../protocol/host.js";
import { StreamSlot } from "../protocol/stream-slot.js";
import { setFlagsFromString } from "node:v8";
import type { Engine } from "../engine/types.js";
import type { Message } from "../protocol/wire.js";
import { kernelInfoContent } from "./kernel-info.js";
import type { Session } from "./session.js";

const usage = `usage: gradlab kernel --connection-file FILE [--no-check]

  --connection-file, -f FILE   the connection file Jupyter wrote (also accepted as the only argument)
  --no-check                   do not type-check cells (a cell can also start with //% nocheck)
`;

interface KernelArgs {
  connectionFile: string;
  check: boolean;
}

export function parseKernelArgs(argv: string[]): KernelArgs | string {
  let connectionFile: string | undefined;
  let check = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--connection-file" || a === "-f") connectionFile = argv[++i];
    else if (a.startsWith("--connection-file=")) connectionFile = a.slice("--connection-file=".length);
    else if (a === "--no-check") check = false;
    else if (a === "--help" || a === "-h") return usage;
    else if (!a.startsWith("-") && connectionFile === undefined) connectionFile = a;
    else return `gradlab kernel: unknown option ${a}\n\n${usage}`;
  }
  if (!connectionFile) return `gradlab kernel: no connection file given\n\n${usage}`;
  return { connectionFile, check };
}

function log(text: string): void {
  writeSync(2, `[gradlab kernel] ${text}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const args = parseKernelArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(args);
    return args === usage ? 0 : 2;
  }
  const info = await readConnectionFile(args.connectionFile);
  const sessionId = randomUUID();
  const exit = process.exit.bind(process);
  const now = () => performance.timeOrigin + performance.now();
  const streamSlot = StreamSlot.allocate();

  // The socket thread boots (≈ 60 ms) while this thread loads the session; requests that arrive before
  // the session exists wait in `early`.
  const state: {
    session?: Session;
    early: ["shell" | "control" | "stdin", Message][];
    /** Loads the engine in the background once the first kernel_info_reply is out. */
    warm?: () => void;
    kernelInfoAnswered?: boolean;
  } = { early: [] };
  const hostStarting = SocketHost.start(
    { info, session: sessionId, kernelInfo: kernelInfoContent(), streamSlot },
    {
      request: (channel, message) =>
        state.session ? state.session.receive(channel, message) : state.early.push([channel, message]),
      interrupt: (at) => state.session?.interrupt(at),
      kernelInfoAnswered: () => {
        state.kernelInfoAnswered = true;
        setImmediate(() => state.warm?.());
      },
      fatal: (error) => {
        log(`fatal: ${error.message}`);
        exit(1);
      },
    },
  );
  const [{ Session }, { installRuntime }, { SharedStreamTail }] = await Promise.all([
    import("./session.js"),
    import("./runtime.js"),
    import("./stream-tail.js"),
  ]);

  const loadEngine = async (): Promise<Engine> => {
    const { createEngine } = await import("../engine/index.js");
    return createEngine({ cwd: process.cwd(), check: args.check });
  };
  const sockets: { host?: SocketHost } = {};
  const session = new Session({
    session: sessionId,
    transport: {
      send: (channel, message) => sockets.host?.send(channel, message),
      drainPending: () => sockets.host?.drainPending(),
      setExecuting: (executing) => sockets.host?.setExecuting(executing),
      waitForInput: (sendRequest) => sockets.host!.waitForInput(sendRequest),
      cork: () => sockets.host?.cork(),
      uncork: () => sockets.host?.uncork(),
    },
    engine: loadEngine,
    check: args.check,
    kernelInfo: kernelInfoContent(),
    log,
    onShutdown: () => void shutdown(),
    trackTimers: true,
    now,
    streamTail: new SharedStreamTail(
      new StreamSlot(streamSlot),
      (id, parent) => sockets.host?.registerDestination(id, parent),
      now,
    ),
  });
  state.warm = () =>
    void session.engine().then(
      (engine) => engine.warm?.(),
      (e: unknown) => log(`the engine could not be loaded: ${(e as Error).stack ?? String(e)}`),
    );
  installRuntime(session, log);
  // interrupt_mode "signal": Jupyter sends SIGINT. With "message", the socket thread raises SIGINT itself
  // (to stop a busy loop in the engine's vm run) and tells us by message, so the signal is ignored here.
  process.on("SIGINT", () => {
    if (!sockets.host?.interruptsByMessage) session.interrupt();
  });
  const host = await hostStarting;
  sockets.host = host;
  state.session = session;
  for (const [channel, message] of state.early.splice(0)) session.receive(channel, message);
  if (state.kernelInfoAnswered) setImmediate(() => state.warm?.());
  const shutdown = async (): Promise<void> => {
    await host.close();
    exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  // Cells may load lib/wasm's FMA build (relaxed SIMD ships only from Node 22). Set only now: changing V8
  // flags makes V8 reject Node's code cache, which would slow the socket thread's start by ~50 ms.
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return new Promise<number>(() => {
    // The kernel runs until shutdown_request (or a signal) ends the process.
  });
}
