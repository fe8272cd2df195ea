/**
 * nbclient (Debian's python3-nbclient) executing notebooks on the kernel. nbclient drops any output that
 * arrives after a cell's idle, so complete outputs prove the ordering rule. A 20-cell notebook of timers,
 * promises, displays and display updates runs 50 times on one kernel: every run must give the same outputs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { hasPythonModules, requireTool } from "../support/e2e.js";
import { pythonJson, temporaryKernelspecs } from "./python-support.js";

const RUNS = 50;

describe.runIf(requireTool("python3 nbclient", hasPythonModules("nbclient", "nbformat")))(
  "through nbclient",
  () => {
    let obs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    beforeAll(async () => {
      const script = new URL("./py/nbclient_e2e.py", import.meta.url).pathname;
      obs = await pythonJson(script, ["gradlab-nocheck", String(RUNS)], temporaryKernelspecs(), 180_000);
    }, 200_000);

    it("executes a notebook with every output present, in order, with execution counts", () => {
      expect(obs.first_run_problems).toEqual([]);
      expect(obs.first_counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(obs.first_result_counts_match).toBe(true);
    });

    it(`gives identical outputs in ${RUNS} runs (none lost, none moved to another cell)`, () => {
      expect(obs.runs).toBe(RUNS);
      expect(JSON.stringify(obs.mismatches, null, 1)).toBe("[]");
    });
  },
);
