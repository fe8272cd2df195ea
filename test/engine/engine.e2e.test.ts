/**
 * The engine's behaviours end to end: the real kernel (type checking on, as `gradlab install` writes it)
 * driven by Debian's jupyter_client from a notebook folder with its own node_modules and a local .ts file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { hasPythonModules, requireTool } from "../support/e2e.js";
import { pythonJson, temporaryKernelspecs } from "../kernel/python-support.js";
import { plainTraceback, tempFolder, writeFiles } from "./helpers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obs = Record<string, any>;

describe.runIf(requireTool("python3 jupyter_client", hasPythonModules("jupyter_client")))(
  "the engine through jupyter_client",
  () => {
    let notebook: string;
    let obs: Obs;

    beforeAll(async () => {
      notebook = tempFolder("e2e");
      writeFiles(notebook, {
        "util.ts": "export function greet(name: string): string { return `hello ${name}` }\n",
        "node_modules/esm-pkg/package.json": JSON.stringify({
          name: "esm-pkg",
          type: "module",
          exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
        }),
        "node_modules/esm-pkg/index.js": "export const double = (x) => 2 * x\n",
        "node_modules/esm-pkg/index.d.ts": "export declare const double: (x: number) => number;\n",
      });
      const script = new URL("./py/engine_e2e.py", import.meta.url).pathname;
      obs = (await pythonJson(script, ["gradlab", notebook], temporaryKernelspecs(), 150_000)) as Obs;
    }, 180_000);

    afterAll(() => fs.rmSync(notebook, { recursive: true, force: true }));

    it("redeclares a const and shows the last value", () => {
      expect(obs.redeclare).toMatchObject({ status: "ok", result: "'two'" });
    });

    it("rejects a type error across cells with a code frame", () => {
      const r = obs.types_across;
      expect(r).toMatchObject({ status: "error", ename: "TSError", error_messages: 1 });
      expect(r.evalue).toMatch(/^TS2339: Property 'toUpperCase' does not exist on type 'number'/);
      const text = plainTraceback(r);
      expect(text).toContain("line 1, column 3");
      expect(text).toMatch(/> 1 \| n\.toUpperCase\(\)\n +\| {3}\^{11}/);
    });

    it("keeps values awaited at top level", () => {
      expect(obs.await).toMatchObject({ status: "ok", result: "42" });
    });

    it("shows nothing for a trailing semicolon", () => {
      expect(obs.semicolon).toMatchObject({ status: "ok", result: null });
    });

    it("maps a runtime error to the cell's line", () => {
      const r = obs.runtime;
      expect(r).toMatchObject({ status: "error", ename: "TypeError" });
      const text = plainTraceback(r);
      expect(text).toMatch(/at deep \(In\[\d+\]:2:14\)/);
      expect(text).toContain("> 2 |   return a.b.c");
      expect(text).not.toMatch(/kernel[/\\]|node:internal|__gradlab/);
    });

    it("imports a local .ts file, a package from the notebook's folder, and gradlab", () => {
      expect(obs.local_ts).toMatchObject({ status: "ok", result: "'hello e2e'" });
      expect(obs.package).toMatchObject({ status: "ok", result: "8" });
      expect(obs.gradlab).toMatchObject({ status: "ok", result: "[ 2, 2 ]" });
    });

    it("runs a //% nocheck cell", () => {
      expect(obs.nocheck).toMatchObject({ status: "ok", result: "'str'" });
    });

    it("reports a syntax error and keeps the session", () => {
      expect(obs.syntax).toMatchObject({ status: "error", ename: "SyntaxError" });
      expect(obs.after_errors).toMatchObject({ status: "ok", result: "'alive'" });
    });

    it("completes lib members and an earlier cell's object", () => {
      expect(obs.complete_math).toEqual({ status: "ok", matches: ["max"], cursor_start: 5, cursor_end: 7 });
      expect(obs.complete_earlier).toEqual({
        status: "ok",
        matches: ["beta"],
        cursor_start: 6,
        cursor_end: 8,
      });
    });

    it("inspects with signature and doc", () => {
      expect(obs.inspect.status).toBe("ok");
      expect(obs.inspect.found).toBe(true);
      expect(obs.inspect.plain).toContain("max(...values: number[]): number");
      expect(obs.inspect.markdown).toContain("Returns the larger of a set of supplied numeric expressions.");
    });

    it("answers is_complete from the parser", () => {
      expect(obs.is_complete).toEqual({
        "function f() {": { status: "incomplete", indent: "  " },
        "foo(1,": { status: "incomplete", indent: "  " },
        "const x = )": { status: "invalid" },
        "1 + 1": { status: "complete" },
      });
    });
  },
);
