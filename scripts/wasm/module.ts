/**
 * The whole kernel module as WAT text. It imports one shared memory (so worker threads run the same
 * kernels on the same data) and exports the kernels. `fma` picks relaxed-SIMD fused multiply-add; the
 * build emits both variants and the loader uses the FMA one where the engine validates it.
 */
import { GEMM_F32, GEMM_F64, MAX_PAGES, UNARY_NAMES } from "../../lib/wasm/layout.js";
import { gemmDriver } from "./gemm.js";
import { unaryMaps } from "./unary.js";
import { add, F32, F64, forLoop, func, get, i32, inc, set } from "./wat.js";

/**
 * `compact_rows`: turns `items` padded matrices (rows of srcRowBytes, items srcItemBytes apart) into
 * dense ones (`rows` rows of rowBytes each, back to back), in place from `base`. Every destination
 * address is at or below its source, so copying in ascending order never overwrites unread data.
 */
function compactRows(): string {
  const params: Array<[string, string]> = [
    ["base", "i32"],
    ["items", "i32"],
    ["rows", "i32"],
    ["rowBytes", "i32"],
    ["srcRowBytes", "i32"],
    ["srcItemBytes", "i32"],
  ];
  const body = [
    forLoop("t", i32(0), get("items"), i32(1), [
      set("src", add(get("base"), `(i32.mul ${get("t")} ${get("srcItemBytes")})`)),
      forLoop("i", i32(0), get("rows"), i32(1), [
        `(memory.copy ${get("dst")} ${get("src")} ${get("rowBytes")})`,
        inc("dst", get("rowBytes")),
        inc("src", get("srcRowBytes")),
      ]),
    ]),
  ];
  return func(
    "compact_rows",
    params,
    [
      ["t", "i32"],
      ["i", "i32"],
      ["src", "i32"],
      ["dst", "i32"],
    ],
    [set("dst", get("base")), ...body],
    true,
  );
}

export function kernelModule(fma: boolean): string {
  return [
    "(module",
    `(import "env" "memory" (memory 1 ${MAX_PAGES} shared))`,
    gemmDriver(F32, { ...GEMM_F32, fma }),
    gemmDriver(F64, { ...GEMM_F64, fma }),
    compactRows(),
    ...UNARY_NAMES.map(unaryMaps),
    ")",
  ].join("\n");
}
