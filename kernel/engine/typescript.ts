/**
 * The TypeScript compiler, loaded only when a cell needs it. `typescript.js` is 9 MB: importing it at
 * kernel start would delay `kernel_info_reply` by ~0.4 s, so the engine asks for it in the background
 * (`warm()`) or on the first cell.
 */
import type * as TS from "typescript";

export type TypeScript = typeof TS;

export async function loadTypeScript(): Promise<TypeScript> {
  const mod = (await import("typescript")) as TypeScript & { default?: TypeScript };
  // typescript.js is CommonJS: `import()` puts module.exports on `default`.
  return mod.default ?? mod;
}
