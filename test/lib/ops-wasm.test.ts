/**
 * The op table again, with every matmul, exp and tanh forced through the WebAssembly kernels
 * (GRADLAB_WASM=force, read when the library loads): both paths must agree with the same references.
 * vi.hoisted runs before the imports below, and vitest isolates modules per test file.
 */
import { vi, expect, test } from "vitest";

vi.hoisted(() => {
  process.env.GRADLAB_WASM = "force";
});

import { WASM_MODE } from "../../lib/wasm/index.js";
import "./ops.test.js";
import "./kernels.test.js";

test("this file runs the op table on the WebAssembly path", () => {
  expect(WASM_MODE).toBe("force");
});
