import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: { gradlab: fileURLToPath(new URL("./lib/index.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // The kernel is spawned from dist/: build it once before any test file runs.
    globalSetup: ["test/setup/build.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: integration tests spawn kernels, so keep file-level parallelism modest.
    maxWorkers: 2,
  },
});
