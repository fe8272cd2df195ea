/**
 * The TypeScript compiler, loaded only when a cell needs it. `typescript.js` is 9 MB: importing it at
 * kernel start would delay `kernel_info_reply` by ~0.4 s, so the engine asks for it in the background
 * (`warm()`) or on the first cell.
 */
import { createRequire } from "node:module";
import type * as TS from "typescript";

export type TypeScript = typeof TS;

export async function loadTypeScript(): Promise<TypeScript> {
  // require, not import(): typescript.js is CommonJS, and importing it from ESM makes Node scan all 9 MB
  // for its export names first (cjs-module-lexer, ~0.2 s of the first cell).
  return createRequire(import.meta.url)("typescript") as TypeScript;
}
