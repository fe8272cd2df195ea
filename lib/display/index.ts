/** Display helpers exported from "gradlab". */
export { tensorBundle } from "./tensor.js";
