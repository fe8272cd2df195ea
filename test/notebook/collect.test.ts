import { describe, expect, it } from "vitest";
import { createOutputCollector, type IopubMessage } from "../../kernel/notebook/collect.js";
import { withSplitLines, type Output, parseNotebook } from "../../kernel/notebook/nbformat.js";

const msg = (msg_type: string, content: Record<string, unknown>): IopubMessage => ({
  header: { msg_type },
  content,
});
const stream = (name: string, text: string) => msg("stream", { name, text });
const display = (text: string, id?: string) =>
  msg("display_data", {
    data: { "text/plain": text },
    metadata: {},
    ...(id ? { transient: { display_id: id } } : {}),
  });
const update = (text: string, id: string) =>
  msg("update_display_data", { data: { "text/plain": text }, metadata: {}, transient: { display_id: id } });

function run(...cells: IopubMessage[][]): Output[][] {
  const c = createOutputCollector();
  return cells.map((messages) => {
    const outputs: Output[] = [];
    c.startCell(outputs);
    for (const m of messages) c.apply(m);
    return outputs;
  });
}

describe("output collection (nbclient's rules)", () => {
  it("consecutive streams of one name merge; a different name starts a new output", () => {
    const [outs] = run([
      stream("stdout", "a"),
      stream("stdout", "b\n"),
      stream("stderr", "e"),
      stream("stdout", "c"),
    ]);
    expect(outs).toEqual([
      { output_type: "stream", name: "stdout", text: "ab\n" },
      { output_type: "stream", name: "stderr", text: "e" },
      { output_type: "stream", name: "stdout", text: "c" },
    ]);
  });

  it("update_display_data replaces every output with that id, in any cell, and adds none", () => {
    const [first, second] = run(
      [display("0%", "bar"), display("other")],
      [display("0%", "bar"), update("100%", "bar")],
    );
    expect(first[0]).toMatchObject({ data: { "text/plain": "100%" } });
    expect(first[1]).toMatchObject({ data: { "text/plain": "other" } });
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ data: { "text/plain": "100%" } });
  });

  it("an update for an unknown id changes nothing", () => {
    const c = createOutputCollector();
    const outs: Output[] = [];
    c.startCell(outs);
    expect(c.apply(update("x", "nope"))).toBe(false);
    expect(outs).toEqual([]);
  });

  it("clear_output empties now; with wait, just before the next output", () => {
    const [now] = run([stream("stdout", "a"), msg("clear_output", { wait: false }), stream("stdout", "b")]);
    expect(now).toEqual([{ output_type: "stream", name: "stdout", text: "b" }]);
    const [waited] = run([
      display("frame 1"),
      msg("clear_output", { wait: true }),
      msg("clear_output", { wait: true }),
      display("frame 2"),
    ]);
    expect(waited).toEqual([
      { output_type: "display_data", data: { "text/plain": "frame 2" }, metadata: {} },
    ]);
    const [trailing] = run([display("kept"), msg("clear_output", { wait: true })]);
    expect(trailing).toHaveLength(1);
  });

  it("a cleared display no longer receives updates", () => {
    const c = createOutputCollector();
    const a: Output[] = [];
    c.startCell(a);
    c.apply(display("x", "d"));
    c.apply(msg("clear_output", { wait: false }));
    expect(c.apply(update("y", "d"))).toBe(false);
  });

  it("execute_result keeps its count; error its parts; status and execute_input are not outputs", () => {
    const [outs] = run([
      msg("status", { execution_state: "busy" }),
      msg("execute_input", { code: "1", execution_count: 3 }),
      msg("execute_result", { execution_count: 3, data: { "text/plain": "1" }, metadata: {} }),
      msg("error", { ename: "E", evalue: "v", traceback: ["t1", "t2"] }),
    ]);
    expect(outs).toEqual([
      { output_type: "execute_result", execution_count: 3, data: { "text/plain": "1" }, metadata: {} },
      { output_type: "error", ename: "E", evalue: "v", traceback: ["t1", "t2"] },
    ]);
  });

  it("starting a cell clears what it showed before", () => {
    const c = createOutputCollector();
    const outs: Output[] = [{ output_type: "stream", name: "stdout", text: "old" }];
    c.startCell(outs);
    expect(outs).toEqual([]);
  });
});

describe("withSplitLines", () => {
  it("stores text as nbformat's list of lines, JSON types as they are", () => {
    const nb = parseNotebook(
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            source: "a\nb",
            metadata: {},
            execution_count: 1,
            outputs: [
              { output_type: "stream", name: "stdout", text: "x\ny\n" },
              {
                output_type: "display_data",
                metadata: {},
                data: {
                  "text/plain": "p\nq",
                  "application/json": { a: 1 },
                  "application/vnd.plotly.v1+json": { data: [] },
                },
              },
            ],
          },
        ],
      }),
      "t",
    );
    const cell = withSplitLines(nb).cells[0];
    expect(cell.source).toEqual(["a\n", "b"]);
    if (cell.cell_type !== "code") throw new Error("code cell expected");
    expect(cell.outputs[0]).toMatchObject({ text: ["x\n", "y\n"] });
    expect(cell.outputs[1]).toMatchObject({
      data: {
        "text/plain": ["p\n", "q"],
        "application/json": { a: 1 },
        "application/vnd.plotly.v1+json": { data: [] },
      },
    });
  });
});
