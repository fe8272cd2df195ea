#!/usr/bin/env node
/**
 * `gradlab install | kernel | run | export`: one CLI for everything that speaks Jupyter.
 * Each subcommand lives in its own module and is loaded only when asked for, so `gradlab kernel`
 * starts without loading the exporter (and vice versa).
 */
type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  install: async () => (await import("./install.js")).main,
  kernel: async () => (await import("./session/main.js")).main,
  run: async () => (await import("./notebook/run-command.js")).main,
  // The prebuilt bundle when fresh, else the modules (see notebook/prebuilt.ts).
  export: async () => (await import("./notebook/export-entry.js")).main,
};

const usage = `usage: gradlab <command> [options]

commands:
  install [--user | --sys-prefix | --prefix DIR]   write the Jupyter kernelspec
  kernel --connection-file FILE [--no-check]        start the kernel (Jupyter does this)
  run <notebook.ipynb | folder>... [options]        execute notebooks headless
  export <notebook.ipynb> [-o out.html] [options]   write one self-contained HTML file
`;

async function cli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`gradlab: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  return (await load())(rest);
}

cli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gradlab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
