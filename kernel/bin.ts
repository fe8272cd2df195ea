#!/usr/bin/env node
/**
 * The `gradlab` command as npm links it (package.json "bin"): this module is bundled by esbuild into
 * dist/kernel/bin.cjs, a CommonJS script (scripts/build-launcher.ts). `gradlab export` then runs the
 * prebuilt exporter, itself CommonJS, without starting Node's ES module loader at all: that loader costs
 * ~10 ms of a ~140 ms export. Every other command goes to cli.js, as does `node dist/kernel/cli.js`.
 */
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { runExport } from "./notebook/export-entry.js";

/** dist/kernel, wherever npm linked the command from. */
const here = dirname(realpathSync(process.argv[1]!));
const importHere = (file: string) => import(pathToFileURL(join(here, file)).href);

/** As cli.js reports an error that escaped a command. */
const fail = (err: unknown) => {
  process.stderr.write(`gradlab: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
};

const [command, ...rest] = process.argv.slice(2);
if (command === "export") {
  runExport(rest, join(here, "notebook", "export-bundle.cjs"), async () => {
    const modules = (await importHere(
      "notebook/export-command.js",
    )) as typeof import("./notebook/export-command.js");
    return modules.main;
  }).then((code) => {
    process.exitCode = code;
  }, fail);
} else {
  importHere("cli.js").catch(fail); // cli.js reads process.argv itself
}
