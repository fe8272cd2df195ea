/**
 * What `gradlab run` shows while it works: on a terminal, one cli-progress bar of cells done / total
 * with the notebooks being run; elsewhere (CI logs, pipes) one plain line per notebook started and done.
 */
import type { MultiBar, SingleBar } from "cli-progress";
import { createRequire } from "node:module";

export interface Progress {
  notebookStarted(name: string, cells: number): void;
  cellDone(name: string): void;
  /** `skipped`: cells that will not run after a failure (so the bar still ends at its total). */
  notebookDone(name: string, line: string, skipped: number): void;
  /** A message that must not be torn by the bar. */
  log(line: string): void;
  stop(): void;
}

/** A bar on a TTY, plain lines otherwise. `quiet` prints nothing but what `log` is given. */
export function createProgress(totalCells: number, stream: NodeJS.WriteStream, quiet = false): Progress {
  if (quiet) return quietProgress(stream);
  return stream.isTTY ? barProgress(totalCells, stream) : lineProgress(stream);
}

function quietProgress(stream: NodeJS.WriteStream): Progress {
  return {
    notebookStarted: () => undefined,
    cellDone: () => undefined,
    notebookDone: () => undefined,
    log: (line) => void stream.write(line + "\n"),
    stop: () => undefined,
  };
}

function lineProgress(stream: NodeJS.WriteStream): Progress {
  return {
    notebookStarted: (name, cells) => void stream.write(`running ${name} (${cells} cells)\n`),
    cellDone: () => undefined,
    notebookDone: (_name, line) => void stream.write(line + "\n"),
    log: (line) => void stream.write(line + "\n"),
    stop: () => undefined,
  };
}

function barProgress(totalCells: number, stream: NodeJS.WriteStream): Progress {
  // cli-progress is CommonJS and only needed on a terminal.
  const cliProgress = createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress");
  const running: string[] = [];
  const multi: MultiBar = new cliProgress.MultiBar(
    {
      stream,
      format: " {bar} {value}/{total} cells | {notebooks}",
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar: SingleBar = multi.create(Math.max(totalCells, 1), 0, { notebooks: "starting" });
  const label = () => ({ notebooks: running.join(", ") || "finishing" });
  return {
    notebookStarted(name) {
      running.push(name);
      bar.update(label());
    },
    cellDone() {
      bar.increment(1, label());
    },
    notebookDone(name, line, skipped) {
      running.splice(running.indexOf(name), 1);
      multi.log(line + "\n");
      bar.increment(skipped, label());
    },
    log: (line) => multi.log(line + "\n"),
    stop: () => multi.stop(),
  };
}
