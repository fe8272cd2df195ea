/**
 * The static heatmap: cells with exact colours and a hover <title> each, row labels on the left, column
 * labels on top (a matrix reads from the top-left), a colour bar with ticks, and a caption. No scripts.
 */
import type { HeatmapModel } from "./heatmap-model.js";
import { textColorOn } from "./colors.js";
import { colors, fonts } from "./style.js";
import { escapeHtml as esc } from "./escape.js";
import { el, svgOpen, textWidth, title } from "./svg.js";
import { niceTicks, tickLabels } from "./ticks.js";

const FONT = 12;
const TITLE_FONT = 15;
const PAD = 12;
const BAR_WIDTH = 14;
const BAR_SLICES = 96;

/** Pixel positions of the parts of a heatmap figure. */
export interface HeatmapLayout {
  width: number;
  height: number;
  gridX: number;
  gridY: number;
  cellW: number;
  cellH: number;
  /** 1 px white gap between cells when they are large enough to afford it. */
  gap: number;
  barX: number;
  barY: number;
  barHeight: number;
  rotateColLabels: boolean;
}

/**
 * Where everything goes: cells as square as the values' text allows, at most about 480 × 420 px of grid.
 * @example heatmapLayout(heatmapModel(view)).cellW
 */
export function heatmapLayout(h: HeatmapModel): HeatmapLayout {
  let cell = Math.floor(Math.min(480 / h.cols, 420 / h.rows));
  cell = Math.max(6, Math.min(h.cellTexts ? 64 : 48, cell));
  const textW = h.cellTexts ? Math.max(...h.cellTexts.map((t) => textWidth(t, FONT))) + 12 : 0;
  const cellW = Math.max(cell, textW);
  const cellH = h.cellTexts ? Math.max(cell, 28) : cell;
  const labelFont = h.mathLabels ? FONT + 2 : FONT;
  const longest = (ls: readonly (string | null)[] | null) =>
    Math.max(0, ...(ls ?? []).map((l) => (l === null ? 0 : textWidth(l, labelFont))));
  const rowLabelW = h.rowLabels ? longest(h.rowLabels) + 8 : 0;
  const colLabelW = longest(h.colLabels);
  const rotateColLabels = h.colLabels !== null && colLabelW > cellW - 4;
  const colLabelH = h.colLabels === null ? 0 : rotateColLabels ? colLabelW + 8 : labelFont + 8;
  const titleH = h.title !== undefined ? TITLE_FONT + 12 : 0;
  const gridX = Math.ceil(PAD + rowLabelW);
  const gridY = Math.ceil(PAD + titleH + colLabelH);
  const gridW = cellW * h.cols;
  const gridH = cellH * h.rows;
  const barHeight = Math.max(gridH, 120);
  const ticks = tickLabels(niceTicks(h.scale.min, h.scale.max, 5));
  const tickW = Math.max(...ticks.map((t) => textWidth(t, FONT - 1)));
  const barX = gridX + gridW + 20;
  const captionW = textWidth(h.caption, FONT - 1);
  const titleW = h.title !== undefined ? textWidth(h.title, TITLE_FONT) : 0;
  const width = Math.max(barX + BAR_WIDTH + 6 + tickW + PAD, PAD + captionW + PAD, PAD + titleW + PAD);
  const height = gridY + Math.max(gridH, barHeight) + 8 + FONT + PAD;
  return {
    width,
    height,
    gridX,
    gridY,
    cellW,
    cellH,
    gap: Math.min(cellW, cellH) >= 16 ? 1 : 0,
    barX,
    barY: gridY,
    barHeight,
    rotateColLabels,
  };
}

/**
 * The heatmap as a standalone SVG document (valid XML, inlinable in HTML).
 * @example heatmapSvgFromModel(heatmapModel(view)).startsWith("<svg") // true
 */
export function heatmapSvgFromModel(h: HeatmapModel): string {
  const L = heatmapLayout(h);
  const out: string[] = [svgOpen(L.width, L.height, h.title ?? "heatmap", fonts.sans)];
  if (h.title !== undefined) {
    out.push(
      el(
        "text",
        { x: 12, y: 12 + TITLE_FONT, "font-size": TITLE_FONT, "font-weight": 600, fill: colors.text },
        esc(h.title),
      ),
    );
  }
  out.push(cells(h, L), rowLabels(h, L), colLabels(h, L), colorBar(h, L));
  const captionY = L.gridY + Math.max(h.rows * L.cellH, L.barHeight) + 8 + FONT;
  out.push(el("text", { x: 12, y: captionY, "font-size": FONT - 1, fill: colors.muted }, esc(h.caption)));
  out.push("</svg>");
  return out.join("");
}

function cells(h: HeatmapModel, L: HeatmapLayout): string {
  const out: string[] = ['<g class="cells">'];
  for (let i = 0; i < h.rows; i++) {
    for (let j = 0; j < h.cols; j++) {
      const k = i * h.cols + j;
      const x = L.gridX + j * L.cellW;
      const y = L.gridY + i * L.cellH;
      const rect = el(
        "rect",
        { x, y, width: L.cellW - L.gap, height: L.cellH - L.gap, fill: h.colors[k] },
        title(h.hovers[k]!),
      );
      out.push(rect);
      if (h.cellTexts) {
        const attrs = {
          x: x + (L.cellW - L.gap) / 2,
          y: y + (L.cellH - L.gap) / 2 + FONT * 0.35,
          "text-anchor": "middle",
          "font-size": FONT,
          fill: textColorOn(h.colors[k]!),
          // The value text sits on top of the cell; let the pointer reach the cell's <title> through it.
          "pointer-events": "none",
        };
        out.push(el("text", attrs, esc(h.cellTexts[k]!)));
      }
    }
  }
  out.push("</g>");
  return out.join("");
}

function labelAttrs(h: HeatmapModel) {
  return h.mathLabels
    ? { "font-size": FONT + 2, "font-family": fonts.math, "font-style": "italic", fill: colors.text }
    : { "font-size": FONT, fill: h.indexLabels ? colors.muted : colors.text };
}

function rowLabels(h: HeatmapModel, L: HeatmapLayout): string {
  if (!h.rowLabels) return "";
  const parts = h.rowLabels.map((label, i) =>
    label === null
      ? ""
      : el(
          "text",
          {
            x: L.gridX - 6,
            y: L.gridY + (i + 0.5) * L.cellH + FONT * 0.35,
            "text-anchor": "end",
            ...labelAttrs(h),
          },
          esc(label),
        ),
  );
  return `<g class="row-labels">${parts.join("")}</g>`;
}

function colLabels(h: HeatmapModel, L: HeatmapLayout): string {
  if (!h.colLabels) return "";
  const parts = h.colLabels.map((label, j) => {
    if (label === null) return "";
    const x = L.gridX + (j + 0.5) * L.cellW;
    const y = L.gridY - 6;
    return L.rotateColLabels
      ? el("text", { x, y, transform: `rotate(-90 ${x} ${y})`, dy: "0.35em", ...labelAttrs(h) }, esc(label))
      : el("text", { x, y, "text-anchor": "middle", ...labelAttrs(h) }, esc(label));
  });
  return `<g class="col-labels">${parts.join("")}</g>`;
}

/** Drawn as thin slices, each in the scale's exact colour at its midpoint (no gradient ids to clash). */
function colorBar(h: HeatmapModel, L: HeatmapLayout): string {
  const { min, max } = h.scale;
  const slice = L.barHeight / BAR_SLICES;
  const out: string[] = ['<g class="colorbar">'];
  for (let k = 0; k < BAR_SLICES; k++) {
    const v = max - ((k + 0.5) / BAR_SLICES) * (max - min);
    // Slices overlap by a hair so no background line shows between them.
    out.push(
      el("rect", {
        x: L.barX,
        y: L.barY + k * slice,
        width: BAR_WIDTH,
        height: slice + 0.5,
        fill: h.scale.color(v),
      }),
    );
  }
  out.push(
    el("rect", {
      x: L.barX,
      y: L.barY,
      width: BAR_WIDTH,
      height: L.barHeight,
      fill: "none",
      stroke: colors.rule,
    }),
  );
  const ticks = niceTicks(min, max, 5);
  const labels = tickLabels(ticks);
  ticks.forEach((t, k) => {
    const y = L.barY + ((max - t) / (max - min)) * L.barHeight;
    out.push(
      el("line", { x1: L.barX + BAR_WIDTH, x2: L.barX + BAR_WIDTH + 4, y1: y, y2: y, stroke: colors.muted }),
    );
    out.push(
      el(
        "text",
        { x: L.barX + BAR_WIDTH + 7, y: y + (FONT - 1) * 0.35, "font-size": FONT - 1, fill: colors.muted },
        esc(labels[k]!),
      ),
    );
  });
  out.push("</g>");
  return out.join("");
}
