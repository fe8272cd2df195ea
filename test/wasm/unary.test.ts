import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRuntime,
  unaryF32,
  unaryF64,
  wasmUnary,
  wasmUnaryPays,
  type WasmRuntime,
} from "../../lib/wasm/index.js";
import { parseWasmMode, WASM_MODE, wasmPays } from "../../lib/wasm/mode.js";
import { randomArray } from "./support.js";

let single: WasmRuntime;
let threaded: WasmRuntime;

beforeAll(() => {
  single = createRuntime({ threads: 1, kernels: "simd" });
  threaded = createRuntime({ threads: 2, kernels: "simd", parallelMinFlops: 0 });
  if (!threaded.pool.waitReady(10_000)) throw new Error("worker did not start");
});

afterAll(async () => {
  await threaded.pool.terminate();
});

/** Distance in units in the last place between two doubles (0 when identical, also NaN and NaN). */
function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.sign(a) !== Math.sign(b)) return Infinity;
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, Math.abs(a));
  view.setFloat64(8, Math.abs(b));
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const cases = [
  // op, reference, allowed ulps against it, input ranges (wide, near 0, near the branch/overflow edges)
  {
    op: "exp",
    ref: Math.exp,
    maxUlps: 1,
    ranges: [
      [-745.2, 709.8],
      [-1, 1],
      [-1e-9, 1e-9],
      [-745.2, -708],
    ],
  },
  {
    op: "tanh",
    ref: Math.tanh,
    maxUlps: 2,
    ranges: [
      [-25, 25],
      [-0.7, 0.7],
      [-1e-7, 1e-7],
      [0.62, 0.63],
    ],
  },
  {
    op: "sigmoid",
    ref: sigmoid,
    maxUlps: 2,
    ranges: [
      [-745, 745],
      [-8, 8],
      [-40, -30],
    ],
  },
] as const;

// Infinities, signed zeros, a subnormal, overflow and underflow edges, NaN.
const specials = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  5e-324,
  -5e-324,
  709.78,
  709.79,
  -745.13,
  -745.14,
  1e308,
  -1e308,
];

describe.each(cases)("$op", ({ op, ref, maxUlps, ranges }) => {
  it.each(ranges.map((r, i) => [i, r[0], r[1]] as const))(
    "range %i [%d, %d]: float64 within the ulp budget of Math, float32 equal to Math.fround of it",
    (index, lo, hi) => {
      const n = 4099; // not a multiple of the vector width
      const unit = randomArray((len) => new Float64Array(len), n, 17 + index);
      const x = unit.map((u) => lo + ((u + 1) / 2) * (hi - lo)) as Float64Array;
      const out = new Float64Array(n).fill(NaN);
      unaryF64(op, x, out, { runtime: single });
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ulps(out[i], ref(x[i]))));
      expect(worst).toBeLessThanOrEqual(maxUlps);

      const x32 = Float32Array.from(x);
      const out32 = new Float32Array(n);
      unaryF32(op, x32, out32, { runtime: single });
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (!Object.is(out32[i], Math.fround(ref(x32[i])))) mismatches++;
      // Rounding f64 → f32 can differ only where the double result lies within an ulp or two of a tie.
      expect(mismatches).toBeLessThanOrEqual(n * 1e-3);
    },
  );

  it("special values: infinities, signed zeros, subnormals, over/underflow edges, NaN", () => {
    const x = Float64Array.from(specials);
    const out = new Float64Array(x.length);
    unaryF64(op, x, out, { runtime: single });
    const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
    for (let i = 0; i < x.length; i++) expect([x[i], same(out[i], ref(x[i]))]).toEqual([x[i], true]);
  });

  it("threads give the same bits as one thread, also in place", () => {
    const x = randomArray((len) => new Float64Array(len), 40_001, 5).map((u) => u * 30) as Float64Array;
    const one = new Float64Array(x.length);
    unaryF64(op, x, one, { runtime: single });
    const two = x.slice();
    unaryF64(op, two, two, { runtime: threaded });
    expect(Array.from(two)).toEqual(Array.from(one));
  });
});

describe("unary maps: edges and errors", () => {
  it("length 0, 1 and 3 work (partial vectors)", () => {
    for (const n of [0, 1, 3]) {
      const x = Float32Array.from({ length: n }, (_, i) => i);
      const out = new Float32Array(n);
      unaryF32("exp", x, out, { runtime: single });
      expect(Array.from(out)).toEqual(Array.from(x, (v) => Math.fround(Math.exp(v))));
    }
  });

  it("rejects an unknown op and a short output", () => {
    expect(() =>
      unaryF64("cosh" as never, new Float64Array(2), new Float64Array(2), { runtime: single }),
    ).toThrow(/unaryF64: unknown op "cosh"/);
    expect(() => unaryF64("exp", new Float64Array(3), new Float64Array(2), { runtime: single })).toThrow(
      /out has 2 elements, x has 3/,
    );
  });

  it("wasmUnary picks the kernel by array type and rejects mixed types", () => {
    const x = Float32Array.from([0.25, -3, 7]);
    const out = new Float32Array(3);
    wasmUnary("sigmoid", x, out, { runtime: single });
    expect(Array.from(out)).toEqual(Array.from(x, (v) => Math.fround(1 / (1 + Math.exp(-v)))));
    expect(() => wasmUnary("exp", new Float64Array(1), new Float32Array(1))).toThrow(
      /x and out must both be Float64Array or both Float32Array/,
    );
  });

  it("small arrays stay on the plain path (unless GRADLAB_WASM says otherwise)", () => {
    expect(wasmUnaryPays(8)).toBe(WASM_MODE === "force");
    expect(wasmUnaryPays(100_000)).toBe(WASM_MODE !== "off");
  });
});

describe("GRADLAB_WASM mode", () => {
  it("parses auto, off and force, and rejects anything else", () => {
    expect(parseWasmMode(undefined)).toBe("auto");
    expect(parseWasmMode("")).toBe("auto");
    expect(parseWasmMode("off")).toBe("off");
    expect(parseWasmMode("force")).toBe("force");
    expect(() => parseWasmMode("yes")).toThrow(/GRADLAB_WASM must be "auto", "off" or "force", got "yes"/);
  });

  it("force sends every size to wasm, off none, auto by threshold", () => {
    expect(wasmPays("force", 1, 1000)).toBe(true);
    expect(wasmPays("off", 1e9, 1000)).toBe(false);
    expect(wasmPays("auto", 999, 1000)).toBe(false);
    expect(wasmPays("auto", 1000, 1000)).toBe(true);
  });
});
