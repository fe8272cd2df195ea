/**
 * gradlab: tensors, autodiff, small nn and display, as imported by notebook cells:
 * `import { tensor, jacobian } from "gradlab"`.
 */
export { DISPLAY } from "./display/view.js";
export type { TensorView, AxisLabels, MimeBundle, Displayable } from "./display/view.js";
export * from "./display/index.js";

// tensors
export { Tensor, type NestedArray } from "./tensor/tensor.js";
export type { DType } from "./tensor/dtype.js";
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  eye,
  arange,
  linspace,
  rand,
  randn,
  setSeed,
  type TensorOptions,
  type RandomOptions,
  type NestedNumbers,
} from "./tensor/create.js";
export { Random } from "./tensor/random.js";
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  where,
  neg,
  exp,
  log,
  log1p,
  sqrt,
  abs,
  sign,
  sin,
  cos,
  tanh,
  sum,
  max,
  reshape,
  transpose,
  broadcastTo,
  concat,
  cast,
  matmul,
  matmulTransposed,
  type Operand,
} from "./tensor/ops.js";
export {
  square,
  sigmoid,
  relu,
  softplus,
  minimum,
  min,
  mean,
  logsumexp,
  softmax,
  logSoftmax,
  dot,
  outer,
  flatten,
  unsqueeze,
  squeeze,
  stack,
  slice,
  index,
  diag,
  linear,
  type SliceRange,
} from "./tensor/composite.js";

// autodiff
export {
  grad,
  valueAndGrad,
  vjp,
  jvp,
  jacobian,
  jacrev,
  jacfwd,
  hessian,
  noGrad,
  type Args,
  type GradOptions,
  type JacobianOptions,
  type JacobianResult,
} from "./autodiff/transforms.js";
export { parentsOf, opOf, pullbackNode, localJacobian, zeroGrad } from "./autodiff/local.js";
export { topoOrder } from "./autodiff/backward.js";
export type { Primitive, Node } from "./autodiff/primitive.js";
export * as primitives from "./autodiff/primitives/index.js";
export { customGrad, type CustomGradSpec } from "./autodiff/custom.js";
export { gradcheck, type GradcheckOptions, type GradcheckReport } from "./autodiff/gradcheck.js";

// neural networks
export * as nn from "./nn/index.js";
export * as optim from "./nn/optim-index.js";

// computation graph and backprop stepper (exported here, not via display/index.ts: tensor imports display)
export { graph, GraphView, loadGraphviz, type GraphOptions, type RankDir } from "./display/graph/index.js";
export { stepper, Stepper, DISPLAY_ID, type StepperOptions, type StepView } from "./display/stepper/index.js";
export {
  trace,
  backpropTrace,
  backpropSteps,
  isTrace,
  isBackpropTrace,
  type Trace,
  type TraceNode,
  type TraceEdge,
  type BackpropTrace,
  type BackpropStep,
  type Pullback,
  type TraceOptions,
  type BackpropOptions,
  type NodeVjp,
  type NodeJacobian,
} from "./autodiff/trace.js";
