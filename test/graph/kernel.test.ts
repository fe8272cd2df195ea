/**
 * Kernel-driven stepping through the real kernel: a cell shows a stepper, later cells call s.next() /
 * s.play(), and each move arrives as update_display_data for the display_id the stepper was shown with.
 * Checked with gradlab's own protocol client, and with Debian's jupyter_client when it is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startKernel, ROOT, type RunningKernel } from "../support/kernel.js";
import { PYTHON, hasPythonModules, requireTool } from "../support/e2e.js";

const STEPPER = JSON.stringify(join(ROOT, "dist/lib/display/stepper/index.js"));
const SETUP = `import { tensor, sum, tanh, matmul, add } from "gradlab";
import { stepper } from ${STEPPER};
const W = tensor([[0.5, -1], [2, 0.25]], { requiresGrad: true, name: "W" });
const x = tensor([1, -2], { requiresGrad: true, name: "x" });
const s = stepper(sum(tanh(add(matmul(W, x), tensor([0.1, 0.2])))));`;

interface Output {
  cell: number;
  type: string;
  displayId?: string;
  start?: number;
  plain?: string;
}

function summarise(cell: number, type: string, content: Record<string, unknown>): Output {
  const data = (content.data ?? {}) as Record<string, string>;
  const start = /data-start="(\d+)"/.exec(data["text/html"] ?? "")?.[1];
  const id = (content.transient as { display_id?: string } | undefined)?.display_id;
  return {
    cell,
    type,
    ...(id !== undefined ? { displayId: id } : {}),
    ...(start !== undefined ? { start: Number(start) } : {}),
    ...(data["text/plain"] !== undefined ? { plain: data["text/plain"] } : {}),
  };
}

/** The display outputs of a run of cells, in order. */
function expectInPlaceSteps(outputs: Output[], cells: { show: number; moves: number[] }): void {
  const errors = outputs.filter((o) => o.type === "error");
  expect(errors).toEqual([]);
  const shown = outputs.filter((o) => o.type === "display_data");
  expect(shown).toHaveLength(1);
  expect(shown[0].cell).toBe(cells.show);
  expect(shown[0].start).toBe(0);
  const updates = outputs.filter((o) => o.type === "update_display_data");
  expect(updates.map((u) => u.cell)).toEqual(cells.moves);
  for (const u of updates) expect(u.displayId).toBe(shown[0].displayId);
  // Each update shows the next step, in the HTML and in the text.
  expect(updates.map((u) => u.start)).toEqual(updates.map((_, k) => k + 1));
  updates.forEach((u, k) => expect(u.plain).toMatch(new RegExp(`step ${k + 2} of \\d+`)));
}

describe("kernel-driven stepping (gradlab's protocol client)", () => {
  let k: RunningKernel;
  beforeAll(async () => {
    k = await startKernel();
  });
  afterAll(async () => k?.stop());

  it("s.show(), then s.next() and s.play() in later cells update the same output", async () => {
    const cells = [SETUP, "s.show();", "s.next();", "s.next();", "await s.play({ delayMs: 1 });"];
    const outputs: Output[] = [];
    for (const [i, code] of cells.entries()) {
      const run = await k.client.execute(code);
      for (const m of run.outputs)
        outputs.push(summarise(i, m.header.msg_type, m.content as Record<string, unknown>));
    }
    const last = await k.client.execute("s.step + 1 === s.length");
    expect(JSON.stringify(last.outputs.map((m) => (m.content as { data?: unknown }).data))).toContain("true");
    const moves = outputs.filter((o) => o.type === "update_display_data");
    expect(moves.length).toBeGreaterThan(3);
    expectInPlaceSteps(outputs, { show: 1, moves: [2, 3, ...moves.slice(2).map(() => 4)] });
  });

  // kernel/session's display() uses a value's own display id (Symbol.for("gradlab.display_id")) when
  // called without { id }, so a plain display(s) can be moved on by s.next() in a later cell.
  it("display(s), then s.next() updates the same output", async () => {
    const outputs: Output[] = [];
    for (const [i, code] of [SETUP, "display(s);", "s.next();"].entries()) {
      const run = await k.client.execute(code);
      for (const m of run.outputs)
        outputs.push(summarise(i, m.header.msg_type, m.content as Record<string, unknown>));
    }
    expectInPlaceSteps(outputs, { show: 1, moves: [2] });
  });
});

const hasJupyterClient = requireTool("python3 jupyter_client", hasPythonModules("jupyter_client"));

const CLIENT_PY = String.raw`
import json, sys
from jupyter_client import BlockingKernelClient
kc = BlockingKernelClient(connection_file=sys.argv[1])
kc.load_connection_file()
kc.start_channels()
kc.wait_for_ready(timeout=30)
out = []
for i, code in enumerate(json.loads(sys.argv[2])):
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        if msg["msg_type"] in ("display_data", "update_display_data", "execute_result", "error"):
            out.append({"cell": i, "type": msg["msg_type"], "content": msg["content"]})
    kc.get_shell_msg(timeout=60)
kc.stop_channels()
print(json.dumps(out))
`;

describe.runIf(hasJupyterClient)("kernel-driven stepping (Debian's jupyter_client)", () => {
  let k: RunningKernel;
  beforeAll(async () => {
    k = await startKernel();
  });
  afterAll(async () => k?.stop());

  it("update_display_data carries the display_id the stepper was shown with", () => {
    const file = join(k.dir, "client-connection.json");
    writeFileSync(file, JSON.stringify(k.info));
    const cells = [SETUP, "s.show();", "s.next();", "s.next();"];
    const r = spawnSync(PYTHON, ["-c", CLIENT_PY, file, JSON.stringify(cells)], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.stderr).toBe("");
    const raw = JSON.parse(r.stdout) as { cell: number; type: string; content: Record<string, unknown> }[];
    expectInPlaceSteps(
      raw.map((o) => summarise(o.cell, o.type, o.content)),
      { show: 1, moves: [2, 3] },
    );
  });
});
