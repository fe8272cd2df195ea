/**
 * All primitives, by name. Everything else in gradlab (relu, sigmoid, softmax, mean, losses, ...) is a
 * composite of these and carries no derivative code of its own.
 */
export * from "./unary.js";
export * from "./binary.js";
export * from "./reduce.js";
export * from "./layout.js";
export * from "./matmul.js";
