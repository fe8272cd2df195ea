/** Neural-network building blocks, exported from "gradlab" as the `nn` and `optim` namespaces. */
export { Module, Linear, Sequential, Tanh, Sigmoid, ReLU, type LinearOptions } from "./module.js";
export { LinearLayer, SequentialLayer, TanhLayer, SigmoidLayer, ReLULayer } from "./module.js";
export { mseLoss, crossEntropy } from "./losses.js";
