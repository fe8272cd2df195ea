/**
 * Where a line plot's legend goes. Beside the plot when its names are short and few, so the plot area stays
 * wide; otherwise in wrapped rows below the x axis (the figure grows by those rows, so the plot area keeps
 * the size it has without a legend), long names cut with "…" (the full name goes in a hover title), and at
 * most MAX_ROWS rows ("+N more" says what is left out). The SVG and the plotly layout both read this.
 */
import type { PlotModel } from "./plot-model.js";
import { ellipsize, textWidth } from "./svg.js";

export const LEGEND_FONT = 12;
/** A legend beside the plot may take at most this share of the figure's width. */
const RIGHT_SHARE = 0.3;
/** Longest name shown whole below the plot, in px (about 32 characters). */
const MAX_LABEL_WIDTH = 240;
const SWATCH = 24; // the line sample and the gap after it
const ENTRY_GAP = 20;
export const LEGEND_ROW = 20;
const MAX_ROWS = 4;

export interface LegendItem {
  /** Index of the series. */
  readonly series: number;
  readonly name: string;
  /** The name as shown: cut with "…" when too long. */
  readonly label: string;
  readonly color: string;
  /** Left end of the line sample, and the centre line of the entry's row. */
  readonly x: number;
  readonly y: number;
}

export interface LegendLayout {
  readonly placement: "none" | "right" | "below";
  readonly items: readonly LegendItem[];
  /** "+N more" for series not listed, and where it goes. */
  readonly more: { readonly text: string; readonly x: number; readonly y: number } | null;
  /** Width taken beside the plot (right), or height added under the x axis (below). */
  readonly width: number;
  readonly height: number;
  /** Top of the legend block. */
  readonly top: number;
}

/**
 * Lays the legend out around a plot area [left, right] × [top, bottom] whose x-axis band ends at `axisEnd`.
 * `right` is the plot area's right edge when there is no legend beside it.
 * @example legendLayout(plotModel([{ y: [1, 2], name: "a" }, { y: [2, 1], name: "b" }]), frame).placement // "right"
 */
export function legendLayout(
  p: PlotModel,
  area: { left: number; top: number; right: number; bottom: number; axisEnd: number },
): LegendLayout {
  if (p.series.length <= 1) return { placement: "none", items: [], more: null, width: 0, height: 0, top: 0 };
  const names = p.series.map((s) => s.name);
  const rightW = Math.max(...names.map((n) => textWidth(n, LEGEND_FONT))) + SWATCH + 16;
  const fitsBeside = names.length * LEGEND_ROW + 8 <= area.bottom - area.top;
  if (rightW <= RIGHT_SHARE * p.width && fitsBeside) {
    const x = area.right - rightW + 16;
    const items = p.series.map((s, k) => ({
      series: k,
      name: s.name,
      label: s.name,
      color: s.color,
      x,
      y: area.top + 8 + k * LEGEND_ROW,
    }));
    return { placement: "right", items, more: null, width: rightW, height: 0, top: area.top };
  }
  return below(p, area);
}

function below(p: PlotModel, area: { left: number; axisEnd: number }): LegendLayout {
  const x0 = area.left;
  const xMax = p.width - 16;
  const top = area.axisEnd + 4;
  const maxLabel = Math.min(MAX_LABEL_WIDTH, xMax - x0 - SWATCH);
  const labels = p.series.map((s) => ellipsize(s.name, maxLabel, LEGEND_FONT));
  const entryW = (text: string) => SWATCH + textWidth(text, LEGEND_FONT);
  /** Flows the first `count` entries (and "+N more" after them, if any are left) into rows. */
  const flow = (count: number) => {
    const boxes: { x: number; row: number }[] = [];
    let x = x0;
    let row = 0;
    const place = (w: number) => {
      if (x > x0 && x + w > xMax) {
        row++;
        x = x0;
      }
      boxes.push({ x, row });
      x += w + ENTRY_GAP;
    };
    labels.slice(0, count).forEach((l) => place(entryW(l)));
    const rest = labels.length - count;
    const moreText = rest > 0 ? `+${rest} more` : null;
    if (moreText) place(textWidth(moreText, LEGEND_FONT));
    return { boxes, moreText, rows: row + 1 };
  };
  let count = labels.length;
  let f = flow(count);
  while (f.rows > MAX_ROWS && count > 1) f = flow(--count);
  const rowY = (row: number) => top + LEGEND_ROW / 2 + row * LEGEND_ROW;
  const items = p.series.slice(0, count).map((s, k) => ({
    series: k,
    name: s.name,
    label: labels[k]!,
    color: s.color,
    x: f.boxes[k]!.x,
    y: rowY(f.boxes[k]!.row),
  }));
  const last = f.boxes[f.boxes.length - 1]!;
  const more = f.moreText ? { text: f.moreText, x: last.x, y: rowY(last.row) } : null;
  return { placement: "below", items, more, width: 0, height: f.rows * LEGEND_ROW + 4, top };
}
