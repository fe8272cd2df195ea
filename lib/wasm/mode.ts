/**
 * Whether ops go to the WebAssembly kernels: GRADLAB_WASM, read once when the library loads.
 * - "auto" (default): above each op's measured size threshold.
 * - "off": never; every op takes the plain TypeScript path.
 * - "force": at every size, so a test suite can run its op table through the kernels' edge cases.
 */
export type WasmMode = "auto" | "off" | "force";

/**
 * Reads a mode from an environment value; anything unrecognised is an error, not a silent default.
 *
 * @example
 * parseWasmMode(undefined); // "auto"
 */
export function parseWasmMode(value: string | undefined): WasmMode {
  if (value === undefined || value === "" || value === "auto") return "auto";
  if (value === "off" || value === "force") return value;
  throw new Error(`GRADLAB_WASM must be "auto", "off" or "force", got "${value}"`);
}

/** This process's mode (GRADLAB_WASM at load time). */
export const WASM_MODE: WasmMode = parseWasmMode(globalThis.process?.env?.GRADLAB_WASM);

/**
 * The decision every `...Pays` helper makes: forced, off, or whether `size` reaches `threshold`.
 *
 * @example
 * wasmPays("auto", 2 * m * n * k, WASM_MATMUL_MIN_FLOPS);
 */
export function wasmPays(mode: WasmMode, size: number, threshold: number): boolean {
  return mode === "force" || (mode === "auto" && size >= threshold);
}
