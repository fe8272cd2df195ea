/**
 * gradlab: tensors, autodiff, small nn and display, as imported by notebook cells:
 * `import { tensor, jacobian } from "gradlab"`.
 */
export { DISPLAY } from "./display/view.js";
export type { TensorView, AxisLabels, MimeBundle, Displayable } from "./display/view.js";
export * from "./display/index.js";
