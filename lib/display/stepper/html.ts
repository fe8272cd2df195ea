/**
 * The stepper as one self-contained HTML fragment: the graph drawn once (an SVG <defs> block) and reused
 * by every step through <use>, one <section> per step (graph marks, chain-rule formulas as MathML, tables
 * and heatmaps), controls, and a small script. With scripts off every step shows, one below the other;
 * with scripts on one step shows and the controls appear. Styles are inline: nothing leaks into the page.
 */
import type { GraphLayout } from "../graph/layout.js";
import type { NodeLabel } from "../graph/node-label.js";
import { graphBody } from "../graph/svg.js";
import { highlightSvg, markDefs } from "../graph/overlay.js";
import { COLORS } from "../graph/svg.js";
import { escapeHtml } from "../escape.js";
import { heatmapSvg } from "../heatmap.js";
import { tableHtml } from "../table.js";
import { colors, css, fonts } from "../style.js";
import type { MatrixPart, PullbackView, StepView } from "./model.js";
import { mathml } from "./math.js";
import { stepperScript } from "./script.js";

export interface StepperPage {
  readonly id: string;
  readonly title: string;
  readonly labels: readonly NodeLabel[];
  readonly layout: GraphLayout;
  readonly steps: readonly StepView[];
  /** Index of the step shown first when scripts run. */
  readonly start: number;
  /** Milliseconds between steps when playing. */
  readonly delayMs: number;
  /** The graph's data rows are written per step (forward pass shown). */
  readonly dataPerStep: boolean;
}

/** Jacobians with more entries than this also get a heatmap. */
const HEATMAP_FROM = 10;

const f = (x: number) => String(Math.round(x * 10) / 10);

function matrixHtml(part: MatrixPart): string {
  const common = { precision: 3, maxRows: 6, maxCols: 6 };
  if (part.values.length === 1) {
    return tableHtml({ shape: [], dtype: "float64", data: part.values, name: part.title }, common);
  }
  const view = {
    shape: part.jacobian ? part.shape : [...part.shape],
    dtype: "float64" as const,
    data: part.values,
  };
  return tableHtml(view, {
    ...common,
    title: part.title,
    ...(part.rows ? { rows: part.rows } : {}),
    ...(part.cols ? { cols: part.cols } : {}),
    ...(part.jacobian ? { kind: "jacobian" as const } : {}),
  });
}

function heatmapHtml(part: MatrixPart): string {
  const svg = heatmapSvg(
    { shape: part.shape, dtype: "float64", data: part.values },
    {
      ...(part.rows ? { rows: part.rows } : {}),
      ...(part.cols ? { cols: part.cols } : {}),
      kind: "jacobian",
      title: part.title,
      maxCells: 12,
      showValues: false,
      precision: 3,
    },
  );
  return `<div style="${css({ maxWidth: "300px", lineHeight: 0 })}">${svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ')}</div>`;
}

const roleStyle = css({
  fontSize: "11px",
  fontWeight: 600,
  letterSpacing: "0.05em",
  textTransform: "uppercase",
  color: colors.muted,
  marginBottom: "2px",
});

/** A labelled box; `symbol` (a tensor's name) and `note` are not upper-cased like the role. */
function card(role: string, body: string, accent: string, symbol = "", note = "", sep = " →"): string {
  const keep = css({ textTransform: "none", letterSpacing: "normal" });
  const tail =
    (symbol ? `${sep} <span style="${keep};font-size:12px">${escapeHtml(symbol)}</span>` : "") +
    (note ? ` <span style="${keep};font-weight:400">${escapeHtml(note)}</span>` : "");
  return (
    `<figure style="${css({ margin: 0, padding: "6px 10px 8px", borderLeft: `3px solid ${accent}`, background: "#fff", minWidth: 0 })}">` +
    `<figcaption style="${roleStyle}">${escapeHtml(role)}${tail}</figcaption>${body}</figure>`
  );
}

function pullbackHtml(p: PullbackView): string {
  const row = css({ display: "flex", flexWrap: "wrap", gap: "4px 14px", alignItems: "flex-start" });
  const jac = p.jacobian
    ? `<div style="${row}">${matrixHtml(p.jacobian)}${p.jacobian.values.length >= HEATMAP_FROM ? heatmapHtml(p.jacobian) : ""}</div>`
    : `<div style="${css({ color: colors.muted, fontSize: "13px", maxWidth: "340px" })}">` +
      `${p.jacobianShape[0]} × ${p.jacobianShape[1]} entries: too large to show. The product comes from ` +
      `the op's vector–Jacobian product, which never forms this matrix.</div>`;
  return (
    `<div style="${css({ display: "flex", flexWrap: "wrap", gap: "12px", alignItems: "flex-start", width: "100%" })}">` +
    card("local Jacobian", jac, "#adb5bd", p.inputSymbol) +
    card(
      "product",
      matrixHtml(p.product),
      COLORS.current,
      p.inputSymbol,
      p.accumulates ? "(one term of its sum)" : "",
    ) +
    `</div>`
  );
}

function graphHtml(page: StepperPage, step: StepView): string {
  const { width, height } = page.layout;
  return (
    `<svg viewBox="0 0 ${f(width)} ${f(height)}" width="${f(width)}" height="${f(height)}" role="img" ` +
    `aria-label="computation graph, ${escapeHtml(step.title)}" style="max-width:100%;height:auto;display:block">` +
    `<use href="#${page.id}-graph"/>${highlightSvg(page.layout, step.highlight, page.id)}</svg>`
  );
}

function badge(step: StepView, k: number, n: number): string {
  const forward = step.phase === "forward";
  const style = css({
    background: forward ? "#e7f5ff" : "#fff4e6",
    color: forward ? "#1864ab" : "#d9480f",
    borderRadius: "12px",
    padding: "2px 10px",
    fontSize: "12px",
    fontWeight: 600,
    whiteSpace: "nowrap",
  });
  return `<span style="${style}">Step ${k + 1} / ${n} · ${forward ? "forward" : "backward"}</span>`;
}

/** A formula's lines, left-aligned, continuation lines indented. */
function formulaHtml(formula: readonly string[]): string {
  const lines = formula.map(
    (line, i) =>
      `<div style="${css({ padding: "3px 0", paddingLeft: i === 0 ? "0" : "2.2em", whiteSpace: "nowrap" })}">${mathml(line)}</div>`,
  );
  return `<div style="${css({ overflowX: "auto", overflowY: "hidden", padding: "4px 0" })}">${lines.join("")}</div>`;
}

function stepHtml(page: StepperPage, step: StepView, k: number): string {
  const n = page.steps.length;
  const cards = [
    card(step.main.role, matrixHtml(step.main), step.phase === "forward" ? "#4dabf7" : COLORS.grad),
    ...step.inputs.map((p) => card(p.role, matrixHtml(p), "#4dabf7", p.title, "", "")),
    ...step.pullbacks.map(pullbackHtml),
  ];
  const tex = step.tex.map((formula) => formulaHtml(formula));
  return (
    `<section data-step="${k}" data-node="${step.node}" style="${css({ borderTop: `1px solid ${colors.faint}`, paddingTop: "10px", marginTop: "10px" })}">` +
    `<div style="${css({ display: "flex", alignItems: "baseline", gap: "10px", flexWrap: "wrap", marginBottom: "8px" })}">` +
    `${badge(step, k, n)}<span data-role="title" style="${css({ fontSize: "16px", fontWeight: 600 })}">${escapeHtml(step.title)}</span></div>` +
    `<div style="${css({ display: "flex", flexWrap: "wrap", gap: "18px", alignItems: "flex-start" })}">` +
    `<div style="${css({ flex: `0 1 ${f(page.layout.width)}px`, maxWidth: "min(100%, 560px)", minWidth: "240px" })}">${graphHtml(page, step)}</div>` +
    `<div style="${css({ flex: "1 1 420px", minWidth: "300px" })}">` +
    (tex.length
      ? `<div data-role="tex" style="${css({ background: "#f8f9fa", borderRadius: "8px", padding: "4px 12px", marginBottom: "10px" })}">${tex.join("")}</div>`
      : "") +
    `<div style="${css({ display: "flex", flexWrap: "wrap", gap: "12px", alignItems: "flex-start" })}">${cards.join("")}</div>` +
    `</div></div></section>`
  );
}

const buttonStyle = css({
  font: "inherit",
  fontSize: "13px",
  padding: "3px 12px",
  border: `1px solid ${colors.rule}`,
  borderRadius: "6px",
  background: "#f6f8fa",
  color: colors.text,
  cursor: "pointer",
});

function controlsHtml(page: StepperPage): string {
  const n = page.steps.length;
  const button = (act: string, text: string, label: string) =>
    `<button type="button" data-act="${act}" aria-label="${label}" style="${buttonStyle}">${text}</button>`;
  return (
    // Hidden until the script runs: without scripts there is nothing to click.
    `<div data-role="controls" style="${css({ display: "none", alignItems: "center", gap: "6px", flex: "1 1 320px" })}">` +
    button("prev", "◀ Prev", "previous step") +
    button("play", "▶ Play", "play or pause") +
    button("next", "Next ▶", "next step") +
    `<input type="range" data-role="slider" min="0" max="${n - 1}" value="${page.start}" aria-label="step" style="${css({ flex: "1 1 120px", minWidth: "80px" })}">` +
    `<span data-role="pos" style="${css({ fontSize: "13px", color: colors.muted, fontVariantNumeric: "tabular-nums", minWidth: "52px", textAlign: "right" })}">${page.start + 1} / ${n}</span></div>`
  );
}

function legendHtml(): string {
  const item = (swatch: string, text: string) =>
    `<span style="${css({ display: "inline-flex", alignItems: "center", gap: "5px" })}">${swatch}${text}</span>`;
  const box = (color: string) =>
    `<span style="${css({ display: "inline-block", width: "14px", height: "10px", border: `2.5px solid ${color}`, borderRadius: "3px" })}"></span>`;
  const line = `<span style="${css({ display: "inline-block", width: "18px", height: "3px", background: COLORS.current, borderRadius: "2px" })}"></span>`;
  return (
    `<div style="${css({ display: "flex", gap: "14px", flexWrap: "wrap", fontSize: "12px", color: colors.muted })}">` +
    item(box(COLORS.current), "current node") +
    item(box(COLORS.done), "gradient complete") +
    item(line, "gradient flowing back") +
    `</div>`
  );
}

/** The grad and data texts that steps show, one per node (each node's gradient is final once shown). */
function marks(page: StepperPage): { grads: Map<number, string>; data: Map<number, string> } {
  const grads = new Map<number, string>();
  const data = new Map<number, string>();
  for (const step of page.steps) {
    for (const [id, text] of step.highlight.grads ?? []) grads.set(id, text);
    for (const [id, text] of step.highlight.data ?? []) data.set(id, text);
  }
  return { grads, data };
}

/**
 * The stepper's text/html.
 * @example stepperHtml({ id: "gls-1", title: "L", labels, layout, steps, start: 0, delayMs: 1200, dataPerStep: false })
 */
export function stepperHtml(page: StepperPage): string {
  const rootStyle = css({
    fontFamily: fonts.sans,
    color: colors.text,
    background: "#ffffff",
    border: `1px solid ${colors.rule}`,
    borderRadius: "10px",
    padding: "12px 16px 14px",
    maxWidth: "1200px",
    boxSizing: "border-box",
    lineHeight: 1.4,
  });
  const defs =
    `<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>` +
    `<g id="${page.id}-graph">${graphBody(page.labels, page.layout, { gradValues: false, dataValues: !page.dataPerStep })}</g>` +
    markDefs(page.layout, page.id, marks(page)) +
    `</defs></svg>`;
  const header =
    `<div style="${css({ display: "flex", alignItems: "center", gap: "10px 16px", flexWrap: "wrap" })}">` +
    `<div style="${css({ fontSize: "15px", fontWeight: 700 })}">Backpropagation through ${escapeHtml(page.title)}</div>` +
    legendHtml() +
    controlsHtml(page) +
    `</div>`;
  return (
    `<div class="gradlab-stepper" id="${page.id}" data-gradlab-stepper="${page.id}" data-start="${page.start}" ` +
    `data-delay="${page.delayMs}" tabindex="0" data-lm-suppress-shortcuts="true" style="${rootStyle}">` +
    defs +
    header +
    page.steps.map((s, k) => stepHtml(page, s, k)).join("") +
    stepperScript(page.id) +
    `</div>`
  );
}
