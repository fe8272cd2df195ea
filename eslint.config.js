import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "out/", "node_modules/", "test-output/", "test/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // lib/ must never import kernel/ (one-way data flow, see ARCHITECTURE.md).
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/kernel/**", "zeromq", "typescript"] }],
    },
  },
  {
    files: ["kernel/protocol/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/engine/**", "**/lib/**", "typescript"] }],
    },
  },
);
