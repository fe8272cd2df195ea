/**
 * This session's input (and output) history, answering history_request.
 * Spec: https://jupyter-client.readthedocs.io/en/stable/messaging.html#history
 *
 * History lives in memory: session number 1 is this kernel's session (0 and 1 both mean "current", as do
 * negative numbers counting back to it); other sessions are empty.
 */

export const CURRENT_SESSION = 1;

export interface HistoryEntry {
  line: number;
  input: string;
  /** text/plain of the execute_result, or null when the cell showed no value. */
  output: string | null;
}

/** One history_reply item: [session, line, input] or, with output, [session, line, [input, output]]. */
export type HistoryItem = [number, number, string] | [number, number, [string, string | null]];

export interface HistoryQuery {
  hist_access_type: "tail" | "range" | "search";
  output?: boolean;
  n?: number;
  session?: number;
  start?: number;
  stop?: number | null;
  pattern?: string;
  unique?: boolean;
}

export class History {
  private readonly entries: HistoryEntry[] = [];

  add(entry: HistoryEntry): void {
    this.entries.push(entry);
  }

  query(q: HistoryQuery): HistoryItem[] {
    const picked =
      q.hist_access_type === "tail"
        ? last(q.unique ? unique(this.entries) : this.entries, q.n)
        : q.hist_access_type === "range"
          ? this.range(q)
          : this.search(q);
    return picked.map((e) =>
      q.output ? [CURRENT_SESSION, e.line, [e.input, e.output]] : [CURRENT_SESSION, e.line, e.input],
    );
  }

  /** Lines start <= line < stop (stop null/absent/0: to the end), as IPython's history manager does. */
  private range(q: HistoryQuery): HistoryEntry[] {
    const session = q.session ?? 0;
    if (session !== 0 && session !== CURRENT_SESSION && session > 0) return [];
    const start = q.start ?? 0;
    const stop = q.stop ? q.stop : Infinity;
    return this.entries.filter((e) => e.line >= start && e.line < stop);
  }

  /** `pattern` is a glob over the whole input (`*`, `?`, `[...]`), like IPython's sqlite GLOB. */
  private search(q: HistoryQuery): HistoryEntry[] {
    const re = globToRegExp(q.pattern ?? "*");
    const found = this.entries.filter((e) => re.test(e.input));
    return last(q.unique ? unique(found) : found, q.n);
  }
}

function last<T>(items: T[], n: number | undefined): T[] {
  return n === undefined || n === null ? items : n <= 0 ? [] : items.slice(-n);
}

/** Keeps the latest occurrence of each input, in order of that occurrence. */
function unique(entries: HistoryEntry[]): HistoryEntry[] {
  const latest = new Map<string, HistoryEntry>();
  for (const e of entries) {
    latest.delete(e.input);
    latest.set(e.input, e);
  }
  return [...latest.values()];
}

export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = glob.slice(i + 1, end);
        re += body.startsWith("^") || body.startsWith("!") ? `[^${esc(body.slice(1))}]` : `[${esc(body)}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Inside a character class only `\`, `]` and a leading `^` are special (ranges with `-` are kept). */
function esc(classBody: string): string {
  return classBody.replace(/[\\\]]/g, "\\$&").replace(/^\^/, "\\^");
}
