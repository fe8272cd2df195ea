/**
 * WAT for C = op(A) · op(B), the GotoBLAS/BLIS way:
 *
 *   for jc over columns of C in blocks of NC
 *     for pc over the shared dimension in blocks of KC:   pack B[pc.., jc..] into NR-wide panels
 *       for ic over rows of C in blocks of MC:            pack A[ic.., pc..] into MR-tall panels
 *         for each NR panel of B, for each MR panel of A: micro-kernel: an MR×NR tile of C in registers
 *
 * Packing copies each block into the exact order the micro-kernel reads it (k-major, MR or NR wide, zero
 * padded at the edges), so the inner loop reads memory sequentially and never needs an edge case. Packing
 * also absorbs the transposes: A and B are addressed through element strides, so op(A) = Aᵀ is just
 * other strides. C is written in MR×NR tiles, so the caller gives a C whose rows and columns are padded
 * up to multiples of MR and NR (see `paddedRows` in lib/wasm); the padding is dropped afterwards.
 *
 * The micro-kernel keeps MR × NR/lanes accumulators in vector registers. x64 has 16 xmm registers and V8
 * keeps one as scratch, so MR × NV accumulators + NV B vectors + one broadcast A (+ one product temporary
 * without FMA) must stay ≤ 15, or the register allocator spills inside the hot loop.
 */
import type { GemmLayout } from "../../lib/wasm/layout.js";
import type { Elem } from "./wat.js";
import { add, forLoop, func, get, i32, inc, ltU, minU, mul, set, shl, sub } from "./wat.js";

/** A kernel's layout plus whether it may use relaxed-SIMD fused multiply-add instead of mul + add. */
export interface GemmShape extends GemmLayout {
  readonly fma: boolean;
}

/** `acc + a·b` on whole vectors, fused when the shape allows it. */
function madd(e: Elem, shape: GemmShape, a: string, b: string, acc: string): string {
  return shape.fma ? `(${e.v}.relaxed_madd ${a} ${b} ${acc})` : `(${e.v}.add ${acc} (${e.v}.mul ${a} ${b}))`;
}

/**
 * The micro-kernel: C[0:MR, 0:NR] (+)= Apanel · Bpanel over kc steps. Apanel is kc × MR (k-major),
 * Bpanel is kc × NR (k-major); C rows are ldcBytes apart. `accumulate` = 0 overwrites C, else adds to it.
 */
export function microKernel(e: Elem, s: GemmShape, name: string): string {
  const nr = s.nv * e.lanes;
  const aStep = s.mr * e.bytes;
  const bStep = nr * e.bytes;
  const acc = (r: number, v: number): string => `c${r}_${v}`;
  const locals: Array<[string, string]> = [
    ["a", "v128"],
    ["pend", "i32"],
    ["cr", "i32"],
  ];
  for (let v = 0; v < s.nv; v++) locals.push([`b${v}`, "v128"]);
  for (let r = 0; r < s.mr; r++) for (let v = 0; v < s.nv; v++) locals.push([acc(r, v), "v128"]);

  const step = (k: number): string[] => {
    const out: string[] = [];
    for (let v = 0; v < s.nv; v++)
      out.push(set(`b${v}`, `(v128.load offset=${k * bStep + v * 16} ${get("pb")})`));
    for (let r = 0; r < s.mr; r++) {
      out.push(set("a", `(${e.splat} offset=${k * aStep + r * e.bytes} ${get("pa")})`));
      for (let v = 0; v < s.nv; v++)
        out.push(set(acc(r, v), madd(e, s, get("a"), get(`b${v}`), get(acc(r, v)))));
    }
    return out;
  };
  // `loop` runs `steps` k-steps per trip while pb < pend; a do-while behind a guard, so one branch per trip.
  const loop = (steps: number): string[] => {
    const body: string[] = [];
    for (let k = 0; k < steps; k++) body.push(...step(k));
    return [
      `(block $skip${steps} (br_if $skip${steps} (i32.ge_u ${get("pb")} ${get("pend")}))`,
      `(loop $trip${steps}`,
      ...body,
      inc("pa", i32(steps * aStep)),
      inc("pb", i32(steps * bStep)),
      `(br_if $trip${steps} ${ltU(get("pb"), get("pend"))})))`,
    ];
  };
  const store = (accumulate: boolean): string[] => {
    const out: string[] = [set("cr", get("c"))];
    for (let r = 0; r < s.mr; r++) {
      for (let v = 0; v < s.nv; v++) {
        const value = accumulate
          ? `(${e.v}.add (v128.load offset=${v * 16} ${get("cr")}) ${get(acc(r, v))})`
          : get(acc(r, v));
        out.push(`(v128.store offset=${v * 16} ${get("cr")} ${value})`);
      }
      if (r + 1 < s.mr) out.push(inc("cr", get("ldcBytes")));
    }
    return out;
  };
  // Whole unrolled trips first, then the kc mod unroll leftover steps one at a time.
  const trips = [
    set("pend", add(get("pb"), mul(`(i32.and ${get("kc")} ${i32(~(s.unroll - 1))})`, i32(bStep)))),
    ...loop(s.unroll),
  ];
  if (s.unroll > 1)
    trips.push(
      set("pend", add(get("pb"), mul(`(i32.and ${get("kc")} ${i32(s.unroll - 1)})`, i32(bStep)))),
      ...loop(1),
    );
  const body = [...trips, `(if ${get("accumulate")} (then`, ...store(true), `) (else`, ...store(false), `))`];
  const params: Array<[string, string]> = [
    ["pa", "i32"],
    ["pb", "i32"],
    ["c", "i32"],
    ["ldcBytes", "i32"],
    ["kc", "i32"],
    ["accumulate", "i32"],
  ];
  return func(name, params, locals, body, false);
}

/**
 * Packs `count` lanes (rows of A or columns of B) × kc steps into W-wide k-major panels at dst, zero
 * padding the last panel. Lane w of a panel is read from src + w·laneBytes, stepping kBytes per k.
 * Missing lanes read address 0, which the runtime keeps as a block of zeros, with a step of 0, so the
 * copy loop has no branch.
 */
export function packPanels(e: Elem, width: number, name: string): string {
  const locals: Array<[string, string]> = [
    ["q", "i32"],
    ["p", "i32"],
  ];
  for (let w = 0; w < width; w++) locals.push([`p${w}`, "i32"], [`s${w}`, "i32"]);
  const lanePointers: string[] = [];
  for (let w = 0; w < width; w++) {
    const valid = ltU(add(get("q"), i32(w)), get("count"));
    lanePointers.push(
      set(
        `p${w}`,
        `(select ${add(get("src"), mul(add(get("q"), i32(w)), get("laneBytes")))} ${i32(0)} ${valid})`,
      ),
      set(`s${w}`, `(select ${get("kBytes")} ${i32(0)} ${valid})`),
    );
  }
  const scalarCopy: string[] = [];
  for (let w = 0; w < width; w++) {
    scalarCopy.push(`(${e.t}.store offset=${w * e.bytes} ${get("dst")} (${e.t}.load ${get(`p${w}`)}))`);
    scalarCopy.push(inc(`p${w}`, get(`s${w}`)));
  }
  scalarCopy.push(inc("dst", i32(width * e.bytes)));
  const body: string[] = [];
  const vectorWidth = width % e.lanes === 0;
  if (vectorWidth) {
    // Lanes adjacent in memory and a full panel: the panel row is one contiguous run, copy it as vectors.
    const vectorCopy: string[] = [];
    for (let v = 0; v < width / e.lanes; v++)
      vectorCopy.push(
        `(v128.store offset=${v * 16} ${get("dst")} (v128.load offset=${v * 16} ${get("p0")}))`,
      );
    vectorCopy.push(inc("p0", get("kBytes")), inc("dst", i32(width * e.bytes)));
    const contiguous = `(i32.and (i32.eq ${get("laneBytes")} ${i32(e.bytes)}) (i32.le_u ${add(get("q"), i32(width))} ${get("count")}))`;
    body.push(
      forLoop("q", i32(0), get("count"), i32(width), [
        ...lanePointers,
        `(if ${contiguous} (then`,
        forLoop("p", i32(0), get("kc"), i32(1), vectorCopy),
        `) (else`,
        forLoop("p", i32(0), get("kc"), i32(1), scalarCopy),
        `))`,
      ]),
    );
  } else {
    body.push(
      forLoop("q", i32(0), get("count"), i32(width), [
        ...lanePointers,
        forLoop("p", i32(0), get("kc"), i32(1), scalarCopy),
      ]),
    );
  }
  const params: Array<[string, string]> = [
    ["src", "i32"],
    ["laneBytes", "i32"],
    ["kBytes", "i32"],
    ["count", "i32"],
    ["kc", "i32"],
    ["dst", "i32"],
  ];
  return func(name, params, locals, body, false);
}

/**
 * The exported driver `gemm_<t>`: for each of `batch` items, C = op(A)·op(B) with op(A) m×k, op(B) k×n.
 * A(i, p) lives at element a + i·sai + p·sap and B(p, j) at b + p·sbp + j·sbj (pointers in bytes, strides
 * in elements). Item t reads A and B shifted by the byte offsets at `offsets` + 8t (an i32 pair: A's, then
 * B's; equal offsets broadcast one matrix) and writes C shifted by t·batchC bytes. C has ldc elements per
 * row and its tiles may spill past m and n into padding (see the file comment). packA and packB are
 * scratch of gemmScratchBytes (lib/wasm/layout.ts); when `prepacked` is nonzero, packB instead holds all
 * of B as `prepack_b_<t>` left it (k × n rounded up to NR columns) and b, sbp, sbj are not read.
 */
export function gemmDriver(e: Elem, s: GemmShape): string {
  if (s.mc % s.mr !== 0) throw new Error("gemm: MC must be a multiple of MR");
  const nr = s.nv * e.lanes;
  if (s.nc % nr !== 0) throw new Error("gemm: NC must be a multiple of NR");
  const micro = `micro_${e.t}`;
  const packA = `pack_a_${e.t}`;
  const packB = `pack_b_${e.t}`;
  const bytes = (x: string): string => shl(x, e.shift);
  const padNr = (x: string): string => `(i32.and ${add(x, i32(nr - 1))} ${i32(~(nr - 1))})`;
  // Where block (jc, pc) of B lives in a prepacked B (see prepack_b): blocks of earlier column ranges
  // hold k·NC elements each, and within one column range each depth block holds KC·ncbPad.
  const prepackedBlock = (k: string): string =>
    add(get("packB"), bytes(add(mul(get("jc"), k), mul(get("pc"), padNr(get("ncb"))))));
  const packBlockOfB = (dst: string): string =>
    `(call $${packB} ${add(get("b"), bytes(add(mul(get("pc"), get("sbp")), mul(get("jc"), get("sbj")))))} ${bytes(get("sbj"))} ${bytes(get("sbp"))} ${get("ncb")} ${get("kcb")} ${dst})`;
  const body = [
    forLoop("jc", i32(0), get("n"), i32(s.nc), [
      set("ncb", minU(i32(s.nc), sub(get("n"), get("jc")))),
      forLoop("pc", i32(0), get("k"), i32(s.kc), [
        set("kcb", minU(i32(s.kc), sub(get("k"), get("pc")))),
        `(if ${get("prepacked")} (then ${set("bblk", prepackedBlock(get("k")))}) (else ${set("bblk", get("packB"))} ${packBlockOfB(get("packB"))}))`,
        forLoop("ic", i32(0), get("m"), i32(s.mc), [
          set("mcb", minU(i32(s.mc), sub(get("m"), get("ic")))),
          `(call $${packA} ${add(get("a"), bytes(add(mul(get("ic"), get("sai")), mul(get("pc"), get("sap")))))} ${bytes(get("sai"))} ${bytes(get("sap"))} ${get("mcb")} ${get("kcb")} ${get("packA")})`,
          forLoop("jr", i32(0), get("ncb"), i32(nr), [
            forLoop("ir", i32(0), get("mcb"), i32(s.mr), [
              `(call $${micro} ${add(get("packA"), bytes(mul(get("ir"), get("kcb"))))} ${add(get("bblk"), bytes(mul(get("jr"), get("kcb"))))} ${add(get("c"), bytes(add(mul(add(get("ic"), get("ir")), get("ldc")), add(get("jc"), get("jr")))))} ${bytes(get("ldc"))} ${get("kcb")} (i32.ne ${get("pc")} ${i32(0)}))`,
            ]),
          ]),
        ]),
      ]),
    ]),
  ];
  // prepack_b: all of B packed once, block by block in the driver's order, so that threads sharing one
  // B (a split over rows of A) need not each pack it again.
  const prepackBody = [
    forLoop("jc", i32(0), get("n"), i32(s.nc), [
      set("ncb", minU(i32(s.nc), sub(get("n"), get("jc")))),
      forLoop("pc", i32(0), get("k"), i32(s.kc), [
        set("kcb", minU(i32(s.kc), sub(get("k"), get("pc")))),
        packBlockOfB(prepackedBlock(get("k"))),
      ]),
    ]),
  ];
  const prepackParams: Array<[string, string]> = [
    ["b", "i32"],
    ["sbp", "i32"],
    ["sbj", "i32"],
    ["n", "i32"],
    ["k", "i32"],
    ["packB", "i32"],
  ];
  const params: Array<[string, string]> = [
    ["a", "i32"],
    ["sai", "i32"],
    ["sap", "i32"],
    ["b", "i32"],
    ["sbp", "i32"],
    ["sbj", "i32"],
    ["c", "i32"],
    ["ldc", "i32"],
    ["m", "i32"],
    ["n", "i32"],
    ["k", "i32"],
    ["packA", "i32"],
    ["packB", "i32"],
    ["prepacked", "i32"],
  ];
  const locals: Array<[string, string]> = ["jc", "ncb", "pc", "kcb", "ic", "mcb", "jr", "ir", "bblk"].map(
    (n) => [n, "i32"],
  );
  const one = `gemm1_${e.t}`;
  const batchParams: Array<[string, string]> = [
    ...params,
    ["batch", "i32"],
    ["offsets", "i32"],
    ["batchC", "i32"],
  ];
  const itemArgs = params.map(([n]) => {
    if (n === "a") return add(get("a"), `(i32.load ${get("offsets")})`);
    if (n === "b") return add(get("b"), `(i32.load offset=4 ${get("offsets")})`);
    return get(n);
  });
  const batchBody = [
    forLoop("t", i32(0), get("batch"), i32(1), [
      `(call $${one} ${itemArgs.join(" ")})`,
      inc("offsets", i32(8)),
      inc("c", get("batchC")),
    ]),
  ];
  return [
    microKernel(e, s, micro),
    packPanels(e, s.mr, packA),
    packPanels(e, nr, packB),
    func(one, params, locals, body, false),
    func(`gemm_${e.t}`, batchParams, [["t", "i32"]], batchBody, true),
    func(
      `prepack_b_${e.t}`,
      prepackParams,
      ["jc", "ncb", "pc", "kcb"].map((n) => [n, "i32"]),
      prepackBody,
      true,
    ),
  ].join("\n\n");
}
