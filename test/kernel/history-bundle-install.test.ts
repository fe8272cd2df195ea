/** Small pure parts: history queries and globs, MIME bundles, the kernelspec and its PNG logos. */
import { inflateSync } from "node:zlib";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { History, globToRegExp } from "../../kernel/session/history.js";
import { bundleOf, plainText } from "../../kernel/session/bundle.js";
import {
  crc32,
  dataDir,
  encodePng,
  installKernelspec,
  kernelJson,
  logoPng,
  parseInstallArgs,
  backgroundThreads,
} from "../../kernel/install.js";

describe("history", () => {
  const h = new History();
  const inputs = ["a = 1", "b = 2", "a = 1", "print(a)"];
  inputs.forEach((input, i) => h.add({ line: i + 1, input, output: i === 1 ? "2" : null }));

  it.each([
    ["tail 2", { hist_access_type: "tail", n: 2 }, [3, 4]],
    ["tail 0", { hist_access_type: "tail", n: 0 }, []],
    ["range 2..4", { hist_access_type: "range", session: 0, start: 2, stop: 4 }, [2, 3]],
    ["range to the end", { hist_access_type: "range", session: 1, start: 3 }, [3, 4]],
    ["range of another session", { hist_access_type: "range", session: 7, start: 1 }, []],
    ["search a*", { hist_access_type: "search", pattern: "a*" }, [1, 3]],
    ["search a* unique", { hist_access_type: "search", pattern: "a*", unique: true }, [3]],
    ["search last 1", { hist_access_type: "search", pattern: "*", n: 1 }, [4]],
  ] as const)("%s", (_name, query, lines) => {
    expect(h.query(query).map((item) => item[1])).toEqual(lines);
  });

  it("with output gives [input, output] pairs", () => {
    expect(h.query({ hist_access_type: "range", start: 2, stop: 3, output: true })).toEqual([
      [1, 2, ["b = 2", "2"]],
    ]);
  });

  it.each([
    ["a?c", "abc", true],
    ["a?c", "abbc", false],
    ["*(x)*", "f(x) + 1", true],
    ["[ab]*", "bcd", true],
    ["[!ab]*", "bcd", false],
    ["x.y", "xzy", false],
  ])("glob %s matches %s: %s", (glob, text, matches) => {
    expect(globToRegExp(glob).test(text)).toBe(matches);
  });
});

describe("bundles", () => {
  const D = Symbol.for("Jupyter.display");
  it("takes the bundle from the display symbol", () => {
    expect(bundleOf({ [D]: () => ({ "text/html": "<i>x</i>" }) })).toEqual({
      data: { "text/html": "<i>x</i>" },
      metadata: {},
    });
  });
  it("awaits an asynchronous bundle", async () => {
    expect(await bundleOf({ [D]: async () => ({ "text/plain": "later" }) })).toEqual({
      data: { "text/plain": "later" },
      metadata: {},
    });
  });
  it("falls back to text/plain without ANSI colours", () => {
    const b = bundleOf({ a: [1, 2], s: "x" }) as { data: Record<string, string> };
    expect(b.data["text/plain"]).toBe("{ a: [ 1, 2 ], s: 'x' }");
    expect(b.data["text/plain"]).not.toContain("\u001b[");
  });
  it("a throwing display method still shows the value and says why", () => {
    const b = bundleOf({
      [D]: () => {
        throw new Error("no bundle");
      },
    }) as { data: Record<string, string> };
    expect(b.data["text/plain"]).toContain("[display failed: Error: no bundle]");
  });
  it("a rejected asynchronous bundle is shown the same way", async () => {
    const b = await bundleOf({
      [D]: async () => {
        throw new Error("late failure");
      },
    });
    expect(String(b.data["text/plain"])).toContain("late failure");
  });
  it("plainText of a string is quoted like the REPL", () => expect(plainText("hi")).toBe("'hi'"));
});

describe("gradlab install", () => {
  it.each([
    [[], { kind: "user" }],
    [["--user"], { kind: "user" }],
    [["--sys-prefix"], { kind: "sys-prefix" }],
    [["--prefix", "/opt/x"], { kind: "prefix", dir: "/opt/x" }],
    [["--prefix=/opt/y"], { kind: "prefix", dir: "/opt/y" }],
  ])("parses %j", (argv, where) => {
    expect(parseInstallArgs(argv)).toEqual({ where, name: "gradlab" });
  });

  it.each([[["--prefix"]], [["--bogus"]], [["--name", "a b"]]])("rejects %j with a message", (argv) => {
    expect(typeof parseInstallArgs(argv)).toBe("string");
  });

  it("leaves one core to the cell: V8 background threads one fewer than the cores, 1 to 4", () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => backgroundThreads(cores))).toEqual([1, 1, 2, 3, 4, 4]);
  });

  it("puts the kernelspec where Jupyter looks", () => {
    expect(dataDir({ kind: "prefix", dir: "/opt/x" })).toBe("/opt/x/share/jupyter");
    expect(dataDir({ kind: "user" }, { JUPYTER_DATA_DIR: "/d" })).toBe("/d");
    expect(dataDir({ kind: "sys-prefix" }, { VIRTUAL_ENV: "/venv" })).toBe("/venv/share/jupyter");
  });

  it("kernel.json runs this node on dist/kernel/cli.js with the message interrupt mode", () => {
    const spec = kernelJson("/abs/dist/kernel/cli.js");
    expect(spec).toEqual({
      argv: [
        process.execPath,
        "--max-semi-space-size=64",
        "--always-sparkplug",
        `--v8-pool-size=${backgroundThreads()}`,
        "/abs/dist/kernel/cli.js",
        "kernel",
        "--connection-file",
        "{connection_file}",
      ],
      display_name: "TypeScript (gradlab)",
      language: "typescript",
      interrupt_mode: "message",
      metadata: { debugger: false },
    });
  });

  it("writes kernel.json and two valid PNG logos", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gradlab-install-"));
    const where = await installKernelspec({ kind: "prefix", dir });
    expect(where).toBe(join(dir, "share", "jupyter", "kernels", "gradlab"));
    expect(JSON.parse(readFileSync(join(where, "kernel.json"), "utf8")).display_name).toBe(
      "TypeScript (gradlab)",
    );
    for (const size of [32, 64]) {
      const png = readFileSync(join(where, `logo-${size}x${size}.png`));
      const decoded = decodePng(png);
      expect([decoded.width, decoded.height]).toEqual([size, size]);
      // The centre is opaque, a corner transparent (rounded square).
      expect(decoded.alpha(size / 2, size / 2)).toBe(255);
      expect(decoded.alpha(0, 0)).toBeLessThan(128);
    }
  });

  it("crc32 matches the standard check value", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("encodePng round-trips pixels", () => {
    const rgba = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
    const d = decodePng(encodePng(2, 3, rgba));
    expect(d.pixels).toEqual(Buffer.from(rgba));
    expect(logoPng(16).length).toBeGreaterThan(50);
  });
});

/** Reads back what encodePng writes (8-bit RGBA, filter 0), checking every chunk's CRC. */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0,
    height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    if (type === "IHDR") [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.concat(
    Array.from({ length: height }, (_, y) =>
      raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)),
    ),
  );
  return { width, height, pixels, alpha: (x: number, y: number) => pixels[(y * width + x) * 4 + 3] };
}
