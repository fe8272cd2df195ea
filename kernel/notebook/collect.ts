/**
 * IOPub messages → a cell's stored outputs, as nbclient stores them
 * (https://github.com/jupyter/nbclient, `NotebookClient.output` and `output_from_msg`):
 * - consecutive `stream` messages of one name become one output (what every frontend shows);
 * - `display_data` with `transient.display_id` can later be replaced by `update_display_data` with that
 *   id, in whichever cell it was shown (a progress display updated from a later cell);
 * - `clear_output` empties the cell's outputs now, or with `wait: true` just before the next output
 *   arrives (so an animation does not flicker);
 * - `execute_result` keeps its execution_count; `error` its ename, evalue and traceback.
 * One collector per notebook run: the display-id index spans cells.
 */
import type { DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output } from "./nbformat.js";

/** The part of a Jupyter message the collector reads. */
export interface IopubMessage {
  header: { msg_type: string };
  content: Record<string, unknown>;
}

export interface OutputCollector {
  /** Starts collecting into `outputs` (a cell's list, emptied first). */
  startCell(outputs: Output[]): void;
  /** Applies one iopub message of the running cell; returns true when it changed stored outputs. */
  apply(message: IopubMessage): boolean;
}

type DisplayOutput = DisplayDataOutput | ExecuteResultOutput;

export function createOutputCollector(): OutputCollector {
  /** display_id → every output (in any cell) showing it. */
  const displays = new Map<string, { outputs: Output[]; output: DisplayOutput }[]>();
  let outputs: Output[] = [];
  let clearBeforeNext = false;

  const forgetDisplays = (list: Output[]) => {
    for (const [id, shown] of displays) {
      const kept = shown.filter((s) => s.outputs !== list);
      if (kept.length) displays.set(id, kept);
      else displays.delete(id);
    }
  };
  const clear = () => {
    forgetDisplays(outputs);
    outputs.length = 0;
  };
  const add = (output: Output, displayId: string | undefined) => {
    if (clearBeforeNext) {
      clear();
      clearBeforeNext = false;
    }
    const last = outputs[outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = String(last.text) + String(output.text);
      return;
    }
    outputs.push(output);
    if (displayId && (output.output_type === "display_data" || output.output_type === "execute_result")) {
      const shown = displays.get(displayId) ?? [];
      shown.push({ outputs, output });
      displays.set(displayId, shown);
    }
  };

  return {
    startCell(cellOutputs) {
      outputs = cellOutputs;
      clear();
      clearBeforeNext = false;
    },
    apply({ header, content }) {
      const displayId = transientDisplayId(content);
      switch (header.msg_type) {
        case "stream":
          add(
            {
              output_type: "stream",
              name: content.name === "stderr" ? "stderr" : "stdout",
              text: String(content.text ?? ""),
            },
            undefined,
          );
          return true;
        case "display_data":
          add(
            { output_type: "display_data", data: bundle(content.data), metadata: bundle(content.metadata) },
            displayId,
          );
          return true;
        case "execute_result":
          add(
            {
              output_type: "execute_result",
              execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
              data: bundle(content.data),
              metadata: bundle(content.metadata),
            },
            displayId,
          );
          return true;
        case "error":
          add(
            {
              output_type: "error",
              ename: String(content.ename ?? ""),
              evalue: String(content.evalue ?? ""),
              traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
            },
            undefined,
          );
          return true;
        case "update_display_data": {
          const shown = displayId ? displays.get(displayId) : undefined;
          for (const { output } of shown ?? []) {
            output.data = bundle(content.data);
            output.metadata = bundle(content.metadata);
          }
          return Boolean(shown?.length);
        }
        case "clear_output":
          if (content.wait === true) {
            clearBeforeNext = true;
            return false;
          }
          clear();
          return true;
        default:
          return false;
      }
    },
  };
}

function transientDisplayId(content: Record<string, unknown>): string | undefined {
  const t = content.transient as { display_id?: unknown } | undefined;
  return typeof t?.display_id === "string" ? t.display_id : undefined;
}

function bundle(v: unknown): MimeBundle {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? { ...(v as MimeBundle) } : {};
}
