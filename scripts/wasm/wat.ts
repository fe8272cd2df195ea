/**
 * Tiny helpers for writing WebAssembly text (WAT) from TypeScript.
 *
 * Why generate text instead of writing it by hand: a register-tiled matmul micro-kernel is the same few
 * instructions repeated for every row and column of its tile and every step of its unrolled loop. Writing
 * those out by hand is error-prone; a loop in TypeScript that prints them is short and lets us try other
 * tile shapes by changing one number.
 */

/** The element types our kernels come in, with what the text format needs to know about each. */
export interface Elem {
  /** Scalar type name in the text format: "f32" or "f64". */
  readonly t: "f32" | "f64";
  /** SIMD shape of a 128-bit vector of this type: "f32x4" or "f64x2". */
  readonly v: "f32x4" | "f64x2";
  /** Bytes per element. */
  readonly bytes: 4 | 8;
  /** log2(bytes), to turn an element index into a byte offset with a shift. */
  readonly shift: 2 | 3;
  /** Elements per 128-bit vector. */
  readonly lanes: 4 | 2;
  /** The load that reads one element and broadcasts it to every lane. */
  readonly splat: "v128.load32_splat" | "v128.load64_splat";
}

export const F32: Elem = { t: "f32", v: "f32x4", bytes: 4, shift: 2, lanes: 4, splat: "v128.load32_splat" };
export const F64: Elem = { t: "f64", v: "f64x2", bytes: 8, shift: 3, lanes: 2, splat: "v128.load64_splat" };

export const get = (name: string): string => `(local.get $${name})`;
export const set = (name: string, value: string): string => `(local.set $${name} ${value})`;
export const i32 = (n: number): string => `(i32.const ${n | 0})`;
export const add = (a: string, b: string): string => `(i32.add ${a} ${b})`;
export const sub = (a: string, b: string): string => `(i32.sub ${a} ${b})`;
export const mul = (a: string, b: string): string => `(i32.mul ${a} ${b})`;
export const shl = (a: string, bits: number): string => (bits === 0 ? a : `(i32.shl ${a} ${i32(bits)})`);
export const ltU = (a: string, b: string): string => `(i32.lt_u ${a} ${b})`;
export const minU = (a: string, b: string): string => `(select ${a} ${b} ${ltU(a, b)})`;
export const inc = (name: string, by: string): string => set(name, add(get(name), by));

let loopCount = 0;

/**
 * `for (name = from; name < to; name += step) body` over unsigned i32. `to` is evaluated on every
 * iteration, so pass a local or a constant.
 */
export function forLoop(name: string, from: string, to: string, step: string, body: string[]): string {
  // Labels only need to be unique within a function; a counter keeps the output deterministic.
  const label = `${name}_${(loopCount += 1)}`;
  return [
    set(name, from),
    `(block $done_${label} (loop $next_${label}`,
    `  (br_if $done_${label} (i32.ge_u ${get(name)} ${to}))`,
    ...body.map((s) => "  " + s),
    `  ${inc(name, step)}`,
    `  (br $next_${label})))`,
  ].join("\n");
}

/** A function: exported under its own name when `exported` is true. */
export function func(
  name: string,
  params: Array<[string, string]>,
  locals: Array<[string, string]>,
  body: string[],
  exported: boolean,
  result?: string,
): string {
  const head = `(func $${name}${exported ? ` (export "${name}")` : ""}`;
  const ps = params.map(([n, t]) => `(param $${n} ${t})`).join(" ");
  const res = result ? ` (result ${result})` : "";
  const ls = locals.map(([n, t]) => `(local $${n} ${t})`).join(" ");
  return `${head} ${ps}${res}\n  ${ls}\n  ${body.join("\n  ")})`;
}
