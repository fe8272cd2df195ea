/**
 * WAT for element-wise transcendental maps (exp, tanh, sigmoid) over f64x2 vectors: the ops where
 * JavaScript's Math functions (≈ 5–15 ns per element) are slow enough that copying into WebAssembly
 * memory and back pays. Cheap ops (add, mul, compare) are memory-bound and do not pay after the copies.
 *
 * Accuracy is that of the classic scalar libraries these follow, computed two lanes at a time:
 * - exp: fdlibm's e_exp.c: k = round(x/ln2), r = x − k·ln2 split hi/lo (Cody–Waite), a degree-5
 *   polynomial in r² for a rational approximation on |r| ≤ ln2/2, then scaling by 2^k in two halves so
 *   results in the subnormal range come out right. Under 1 ulp.
 * - tanh: for |x| < 0.625 the Cephes rational x + x³·P(x²)/Q(x²) (no cancellation near 0), else
 *   1 − 2/(e^{2|x|} + 1) with the sign of x.
 * - sigmoid: 1/(1 + e^{−x}), which never cancels.
 * float32 arrays are widened to f64x2, mapped, and rounded back once, so float32 results match
 * Math.fround(Math.exp(x)) but for rare double-rounding cases.
 */
import type { UnaryName } from "../../lib/wasm/layout.js";
import { F64, forLoop, func, get, i32, inc, set } from "./wat.js";

// Constants are passed as text: the WAT parser rounds the decimal to the nearest double, exactly as the
// C sources these come from did, and a JavaScript literal with 21 digits would trip the linter. (Hoisting
// them out of the loop into locals measured no faster on V8 11.3.)
const f64 = (value: number | string): string => `(v128.const f64x2 ${value} ${value})`;
const i64 = (value: string): string => `(v128.const i64x2 ${value} ${value})`;
const op = (name: string, ...args: string[]): string => `(f64x2.${name} ${args.join(" ")})`;

/** Locals the expressions below use, all v128. */
const TEMPS = ["x", "ax", "kf", "hi", "lo", "r", "t", "c", "y", "ki", "e", "s", "big", "small"];

/** Statements that leave e^{x} in `out` (x: any v128 expression, evaluated once). */
function expStatements(x: string, out: string): string[] {
  const invLn2 = "1.44269504088896338700e+00";
  const ln2Hi = "6.9314718036912381649e-1";
  const ln2Lo = "1.90821492927058770002e-10";
  const P = ["1.66666666666666019037e-1", "-2.77777777770155933842e-3", "6.61375632143793436117e-5"];
  const P4 = "-1.6533902205465251539e-6";
  const P5 = "4.13813679705723846039e-8";
  // Clamping to ±800 keeps k within ±1155, so both halves of the 2^k scale are normal numbers; e^{800}
  // still overflows to Infinity and e^{−800} underflows to 0. pmin/pmax (one x64 instruction each,
  // unlike min/max) keep a NaN x, because every comparison with NaN is false.
  const poly = op(
    "add",
    f64(P[0]),
    op(
      "mul",
      get("t"),
      op(
        "add",
        f64(P[1]),
        op(
          "mul",
          get("t"),
          op("add", f64(P[2]), op("mul", get("t"), op("add", f64(P4), op("mul", get("t"), f64(P5))))),
        ),
      ),
    ),
  );
  // 2^j for an integral double j, without float→int conversion (slow on x64): adding 1.5·2^52 leaves j
  // in the low mantissa bits, shifting left by 52 keeps j mod 2^12 as an exponent field, and adding the
  // bias 1023 there gives the bits of 2^j (for |j| ≤ 1022).
  const pow2 = (j: string): string =>
    `(i64x2.add (i64x2.shl ${op("add", j, f64(6755399441055744))} (i32.const 52)) ${i64("0x3ff0000000000000")})`;
  return [
    set("x", op("pmin", op("pmax", x, f64(-800)), f64(800))),
    set("kf", op("nearest", op("mul", get("x"), f64(invLn2)))),
    set("hi", op("sub", get("x"), op("mul", get("kf"), f64(ln2Hi)))),
    set("lo", op("mul", get("kf"), f64(ln2Lo))),
    set("r", op("sub", get("hi"), get("lo"))),
    set("t", op("mul", get("r"), get("r"))),
    set("c", op("sub", get("r"), op("mul", get("t"), poly))),
    // y = 1 − ((lo − r·c/(2 − c)) − hi) = e^{r}
    set(
      "y",
      op(
        "sub",
        f64(1),
        op(
          "sub",
          op("sub", get("lo"), op("div", op("mul", get("r"), get("c")), op("sub", f64(2), get("c")))),
          get("hi"),
        ),
      ),
    ),
    // Split k = k1 + k2 (both ≤ 578 in size) and scale by 2^k1 then 2^k2, so a result in the subnormal
    // range is rounded once at the end. A NaN x leaves y NaN, whatever the scale's bits.
    set("ki", op("nearest", op("mul", get("kf"), f64(0.5)))),
    set(out, op("mul", op("mul", get("y"), pow2(get("ki"))), pow2(op("sub", get("kf"), get("ki"))))),
  ];
}

/** Statements that leave tanh(x) in `out`, x a local name. */
function tanhStatements(x: string, out: string): string[] {
  const P = ["-9.64399179425052238628e-1", "-9.92877231001918586564e1", "-1.61468768441708447952e3"];
  const Q = ["1.12811678491632931402e2", "2.23548839060100448583e3", "4.84406305325125486048e3"];
  return [
    set("ax", op("abs", get(x))),
    ...expStatements(op("add", get("ax"), get("ax")), "e"),
    set("big", op("sub", f64(1), op("div", f64(2), op("add", get("e"), f64(1))))),
    set("s", op("mul", get(x), get(x))),
    set(
      "small",
      op(
        "add",
        get(x),
        op(
          "mul",
          op("mul", get(x), get("s")),
          op(
            "div",
            op("add", op("mul", op("add", op("mul", f64(P[0]), get("s")), f64(P[1])), get("s")), f64(P[2])),
            op(
              "add",
              op("mul", op("add", op("mul", op("add", get("s"), f64(Q[0])), get("s")), f64(Q[1])), get("s")),
              f64(Q[2]),
            ),
          ),
        ),
      ),
    ),
    // Small wins where |x| < 0.625 (false for NaN). tanh is odd: the result takes the sign bit of x,
    // which also gives tanh(−0) = −0 (the sum above would round it to +0).
    set("small", `(v128.bitselect ${get("small")} ${get("big")} ${op("lt", get("ax"), f64(0.625))})`),
    set(out, `(v128.bitselect ${get(x)} ${get("small")} ${i64("0x8000000000000000")})`),
  ];
}

/** Statements that leave 1/(1 + e^{−x}) in `out`, x a local name. */
function sigmoidStatements(x: string, out: string): string[] {
  return [...expStatements(op("neg", get(x)), "e"), set(out, op("div", f64(1), op("add", f64(1), get("e"))))];
}

const UNARY_OPS: Record<UnaryName, (x: string, out: string) => string[]> = {
  exp: (x, out) => expStatements(get(x), out),
  tanh: tanhStatements,
  sigmoid: sigmoidStatements,
};

/**
 * `<op>_f64(src, dst, n)` and `<op>_f32(src, dst, n)`: dst[i] = op(src[i]) for n elements (byte
 * pointers). n is rounded up to whole vectors (2 doubles, 4 floats): the caller allocates that much and
 * ignores the padding lanes. dst may equal src.
 */
export function unaryMaps(name: UnaryName): string {
  const statements = UNARY_OPS[name];
  const params: Array<[string, string]> = [
    ["src", "i32"],
    ["dst", "i32"],
    ["n", "i32"],
  ];
  const locals: Array<[string, string]> = [...TEMPS, "v", "w", "lo4", "hi4"].map((n) => [n, "v128"]);
  locals.push(["i", "i32"]);
  const build = (suffix: string, loop: () => string): string =>
    func(`${name}_${suffix}`, params, locals, [loop()], true);
  const f64Loop = (): string =>
    forLoop("i", i32(0), get("n"), i32(F64.lanes), [
      set("v", `(v128.load ${get("src")})`),
      ...statements("v", "w"),
      `(v128.store ${get("dst")} ${get("w")})`,
      inc("src", i32(16)),
      inc("dst", i32(16)),
    ]);
  // float32: four floats widen into two f64x2 halves, each mapped, then narrowed and recombined.
  const f32Loop = (): string =>
    forLoop("i", i32(0), get("n"), i32(4), [
      set("v", `(f64x2.promote_low_f32x4 (v128.load64_zero ${get("src")}))`),
      ...statements("v", "lo4"),
      set("v", `(f64x2.promote_low_f32x4 (v128.load64_zero offset=8 ${get("src")}))`),
      ...statements("v", "hi4"),
      `(v128.store64_lane 0 ${get("dst")} (f32x4.demote_f64x2_zero ${get("lo4")}))`,
      `(v128.store64_lane offset=8 0 ${get("dst")} (f32x4.demote_f64x2_zero ${get("hi4")}))`,
      inc("src", i32(16)),
      inc("dst", i32(16)),
    ]);
  return [build("f64", f64Loop), build("f32", f32Loop)].join("\n\n");
}
