/** show() picks the kernel it runs in; each kernel is stood in for by the global it would provide. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { show, table, heatmap, DISPLAY, type MimeBundle } from "gradlab";

const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.display;
  delete g.Deno;
  delete g.__tslab__;
  vi.restoreAllMocks();
});

describe("show", () => {
  it("in gradlab's kernel: hands the value itself to the global display(), returns nothing", () => {
    const seen: unknown[] = [];
    g.display = (v: unknown) => seen.push(v);
    const t = table([[1, 2]]);
    expect(show(t)).toBeUndefined(); // a cell ending in show(x) prints nothing more
    expect(seen).toEqual([t]);
  });

  it("in Deno: sends the whole bundle raw through Deno.jupyter.display, and returns its promise", async () => {
    const calls: [MimeBundle, unknown][] = [];
    g.Deno = { jupyter: { display: async (b: MimeBundle, o: unknown) => void calls.push([b, o]) } };
    const h = heatmap([[1, -1]]);
    const done = show(h);
    expect(done).toBeInstanceOf(Promise);
    await done;
    expect(calls).toEqual([[h.bundle, { raw: true }]]);
  });

  it("Deno outside `deno jupyter` (Deno.jupyter throws): falls back to the console", () => {
    g.Deno = Object.defineProperty({}, "jupyter", {
      get() {
        throw new Error("not in jupyter");
      },
    });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    show(table([[7]]));
    expect(log.mock.calls).toEqual([["tensor([[7]], shape=[1, 1], dtype=float64)"]]);
  });

  it("in tslab: sends the richest single MIME type (text/html, which holds the SVG) via tslab's display", () => {
    const sent: [string, string][] = [];
    const tslab = { display: { raw: (t: string, d: string) => sent.push([t, d]) } };
    g.__tslab__ = { require: (id: string) => (id === "tslab" ? tslab : undefined) };
    const h = heatmap([[1, -1]]);
    expect(show(h)).toBeUndefined();
    expect(sent).toEqual([["text/html", h.bundle["text/html"]]]);
    sent.length = 0;
    show({ [DISPLAY]: () => ({ "image/svg+xml": "<svg/>", "text/plain": "s" }) });
    expect(sent).toEqual([["image/svg+xml", "<svg/>"]]);
  });

  it("in tslab: tries each copy of tslab it can find and names the failure when none is the running kernel", () => {
    const notReady = { display: { raw: () => { throw new Error("Not ready"); } } }; // prettier-ignore
    g.__tslab__ = { require: () => notReady };
    // The other candidates (the working folder's and the kernel script's tslab) are real copies here and
    // not running either. Thrown synchronously, so a show() that is not awaited still fails its cell.
    expect(() => show(table([[1]]))).toThrow(
      /running under tslab but its display API could not be used: Error: Not ready/,
    );
  });

  it("awaits asynchronous bundles, and shows plain values as text", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await show({ [DISPLAY]: async () => ({ "text/plain": "later" }) });
    show({ a: 1 });
    show("text");
    expect(log.mock.calls.map((c) => c[0])).toEqual(["later", '{\n  "a": 1\n}', "text"]);
  });
});
