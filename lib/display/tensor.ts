import type { MimeBundle, TensorView } from "./view.js";

/**
 * The MIME bundle of a tensor (placeholder: text/plain only until the rich display issue lands).
 * @example tensorBundle(tensor([1, 2]))["text/plain"]
 */
export function tensorBundle(view: TensorView): MimeBundle {
  return { "text/plain": `tensor(shape [${view.shape.join(", ")}], ${view.dtype})` };
}
