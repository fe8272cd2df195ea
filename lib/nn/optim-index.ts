/** Optimizers, exported from "gradlab" as the `optim` namespace. */
export { SGD, Adam, type SGDOptions, type AdamOptions } from "./optim.js";
