/** Optimizers, exported from "gradlab" as the `optim` namespace. */
export { SGD, Adam, SGDOptimizer, AdamOptimizer, type SGDOptions, type AdamOptions } from "./optim.js";
