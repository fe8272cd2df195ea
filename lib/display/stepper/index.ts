/**
 * `stepper(loss)`: walk the backward pass node by node. Displayed, it is a self-contained HTML slide show
 * (controls, keyboard, every step also readable with scripts off); driven from the kernel, `s.next()`,
 * `s.prev()`, `s.goto(k)` and `await s.play()` update the same output in place (update_display_data).
 */
import type { Graphviz } from "@hpcc-js/wasm-graphviz";
import { backpropTrace, isBackpropTrace, type BackpropTrace } from "../../autodiff/trace.js";
import type { Tensor } from "../../tensor/tensor.js";
import { DISPLAY, type Displayable, type MimeBundle } from "../view.js";
import {
  layoutWith,
  loadGraphviz,
  loadedGraphviz,
  type GraphLayout,
  type LayoutOptions,
} from "../graph/layout.js";
import { nodeLabels, type NodeLabel } from "../graph/node-label.js";
import { summarize } from "../graph/format.js";
import { stepViews, type StepView } from "./model.js";
import { stepperHtml } from "./html.js";
import { stepText } from "./text.js";
import { symbol } from "./symbols.js";

export type { StepView, MatrixPart, PullbackView } from "./model.js";

export interface StepperOptions extends LayoutOptions {
  /** Walk the forward pass (one step per op) before the backward pass. Default false. */
  forward?: boolean;
  /** The step shown first. Default 0. */
  start?: number;
  /** Milliseconds per step when the page's Play button runs. Default 1200. */
  delayMs?: number;
  /** Local Jacobians with more entries are not formed (the products still are). Default 1024. */
  maxJacobian?: number;
  /** Element id of the stepper (letters, digits, - and _); also its display_id. Default: random. */
  id?: string;
  /** Refuse graphs with more steps than this (each step is a slide in the page). Default 300. */
  maxSteps?: number;
}

/**
 * The symbol under which gradlab's kernel looks for a value's own display_id: `display(s)` without an `id`
 * then shows `s` under this id, so later `s.next()` can update that very output.
 */
export const DISPLAY_ID = Symbol.for("gradlab.display_id");

/** The kernel's cell global `display` (kernel/engine/ambient/cell-globals.d.ts), typed here: lib/ never imports kernel/. */
type KernelDisplay = (value: unknown, options?: { id?: string; update?: boolean }) => unknown;

function kernelDisplay(): KernelDisplay | undefined {
  const d = (globalThis as { display?: unknown }).display;
  return typeof d === "function" ? (d as KernelDisplay) : undefined;
}

function randomId(): string {
  return `gls-${globalThis.crypto.randomUUID().slice(0, 8)}`;
}

/**
 * A backprop walk that displays itself; made by `stepper(loss)`.
 * @example const s = stepper(loss); s.next(); s.current.title
 */
export class Stepper implements Displayable {
  readonly trace: BackpropTrace;
  /** What every step shows (plain data; the HTML and the text are drawn from it). */
  readonly views: readonly StepView[];
  /** The element id and the display_id. */
  readonly id: string;
  readonly options: StepperOptions;
  #step: number;
  #labels: NodeLabel[];
  #layout: GraphLayout | undefined;
  #shown = false;

  constructor(trace: BackpropTrace, options: StepperOptions = {}) {
    this.trace = trace;
    this.options = options;
    const maxSteps = options.maxSteps ?? 300;
    const count =
      trace.steps.length + (options.forward ? trace.nodes.filter((n) => n.inputs.length > 0).length : 0);
    if (count > maxSteps) {
      throw new RangeError(
        `stepper: this backward pass has ${count} steps, more than maxSteps (${maxSteps}); ` +
          "step through a smaller expression, or pass { maxSteps } to allow a longer page",
      );
    }
    this.views = stepViews(trace, { forward: options.forward ?? false });
    this.id = options.id ?? randomId();
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(this.id))
      throw new RangeError(`stepper: invalid id ${JSON.stringify(this.id)}`);
    this.#step = this.#clamp(options.start ?? 0);
    // Grad rows are sized for the final gradients, which the stepper writes in step by step.
    const grads = new Map(trace.steps.map((s) => [s.node, s.upstream]));
    // Cards title the unnamed loss by the same root symbol (y, L) as the formulas (nodeLabels does that).
    this.#labels = nodeLabels(trace, (node) => {
      const g = grads.get(node.id);
      return g === undefined ? undefined : summarize(g, node.shape);
    });
  }

  get [DISPLAY_ID](): string {
    return this.id;
  }

  /** Number of steps. */
  get length(): number {
    return this.views.length;
  }

  /** Index of the current step (0-based). */
  get step(): number {
    return this.#step;
  }

  /** The current step's model. */
  get current(): StepView {
    return this.views[this.#step];
  }

  /**
   * Moves to step `k` (clamped) and updates the displayed output.
   * @example s.goto(0)
   */
  goto(k: number): void {
    this.#step = this.#clamp(k);
    this.#refresh();
  }

  /**
   * One step on (backward: to the next node whose gradient completes).
   * @example const s = stepper(loss); display(s); s.next()
   */
  next(): void {
    this.goto(this.#step + 1);
  }

  /**
   * One step back.
   * @example s.prev()
   */
  prev(): void {
    this.goto(this.#step - 1);
  }

  /**
   * Steps to the end, one step every `delayMs`, updating the output each time.
   * @example await s.play({ delayMs: 500 })
   */
  async play(options: { delayMs?: number } = {}): Promise<void> {
    const delayMs = options.delayMs ?? 800;
    while (this.#step < this.length - 1) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      this.next();
    }
  }

  /**
   * Shows the stepper through the kernel's `display` under its own display_id (same as `display(s)`).
   * @example stepper(loss).show()
   */
  show(): unknown {
    const display = kernelDisplay();
    if (!display) throw new Error("stepper.show(): no display() here; run it in a gradlab notebook cell");
    this.#shown = true;
    return display(this, { id: this.id });
  }

  /**
   * text/plain of step `k` (default: the current one).
   * @example console.log(s.text(0))
   */
  text(k = this.#step): string {
    const i = this.#clamp(k);
    return stepText(this.views[i], i, this.length);
  }

  /**
   * The HTML of the stepper (lays out the graph first).
   * @example await stepper(loss).html()
   */
  async html(): Promise<string> {
    return this.#html(await loadGraphviz());
  }

  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    this.#shown = true;
    const graphviz = loadedGraphviz();
    return graphviz ? this.#bundle(graphviz) : loadGraphviz().then((g) => this.#bundle(g));
  }

  #bundle(graphviz: Graphviz): MimeBundle {
    const loss = symbol(this.trace, this.trace.nodes[this.trace.output]);
    const header = `Backprop stepper through ${loss}: step ${this.#step + 1} of ${this.length} (s.next(), s.prev(), s.goto(k))`;
    return { "text/html": this.#html(graphviz), "text/plain": `${header}\n${this.text()}` };
  }

  #html(graphviz: Graphviz): string {
    this.#layout ??= layoutWith(graphviz, this.trace, this.#labels, {
      rankdir: this.options.rankdir ?? "TB",
    });
    return stepperHtml({
      id: this.id,
      title: symbol(this.trace, this.trace.nodes[this.trace.output]),
      labels: this.#labels,
      layout: this.#layout,
      steps: this.views,
      start: this.#step,
      delayMs: this.options.delayMs ?? 1200,
      dataPerStep: this.options.forward ?? false,
    });
  }

  #refresh(): void {
    const display = kernelDisplay();
    if (this.#shown && display) display(this, { id: this.id, update: true });
  }

  #clamp(k: number): number {
    if (!Number.isFinite(k)) throw new RangeError(`stepper: step must be a number, got ${k}`);
    return Math.max(0, Math.min(this.views.length - 1, Math.trunc(k)));
  }
}

/**
 * Steps through backpropagation of a scalar `loss`, node by node in reverse topological order: each step
 * shows the graph with the current node highlighted and finished ones marked, the upstream gradient
 * ∂L/∂node, the node's local Jacobian (table, and heatmap when larger than a few entries), the product
 * that leaves along each edge, and the chain-rule line with numbers when small.
 * @example
 * const s = stepper(loss);        // loss: a scalar tensor built from tensors with requiresGrad
 * display(s);                     // in a later cell: s.next(), s.prev(), s.goto(3), await s.play()
 * stepper(loss, { forward: true }) // walk the forward pass first
 */
export function stepper(loss: Tensor | BackpropTrace, options: StepperOptions = {}): Stepper {
  const trace = isBackpropTrace(loss)
    ? loss
    : backpropTrace(loss, { maxJacobian: options.maxJacobian ?? 1024 });
  return new Stepper(trace, options);
}
