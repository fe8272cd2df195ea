/**
 * The displayable object every helper returns: it holds a MIME bundle and shows it through the
 * `Symbol.for("Jupyter.display")` protocol (gradlab's kernel, Deno), and as its text/plain when printed
 * by Node (`console.log`, tslab's last-expression output).
 */
import { DISPLAY, type MimeBundle } from "./view.js";

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

/**
 * A value that displays as a fixed MIME bundle; what table(), heatmap(), plot(), latex(), html() and
 * markdown() return.
 * @example const h = heatmap(J); h.bundle["image/svg+xml"]; String(h) // its text/plain
 */
export class Rich {
  readonly #bundle: MimeBundle;

  constructor(bundle: MimeBundle) {
    this.#bundle = Object.freeze({ ...bundle });
  }

  /** The MIME bundle (MIME type → data). */
  get bundle(): MimeBundle {
    return this.#bundle;
  }

  [DISPLAY](): MimeBundle {
    return this.#bundle;
  }

  /** The text/plain representation. */
  toString(): string {
    const text = this.#bundle["text/plain"];
    return typeof text === "string" ? text : "[display]";
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

/**
 * A displayable from a raw MIME bundle (include text/plain: consoles show only that).
 * @example rich({ "text/html": "<b>hi</b>", "text/plain": "hi" })
 */
export function rich(bundle: MimeBundle): Rich {
  return new Rich(bundle);
}
