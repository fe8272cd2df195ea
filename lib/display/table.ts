/**
 * text/html of a tensor: a table with a caption (`shape [m, n] · float64`), right-aligned numbers in one
 * precision, ∂f_i / ∂x_j headers for Jacobians, and an ellipsis row and column for large tensors.
 */
import { withDefaults } from "./options.js";
import { toView } from "./coerce.js";
import type { TensorView } from "./view.js";
import { escapeHtml } from "./escape.js";
import { labelledMatrix, type LabelledMatrix, type LabelOptions } from "./matrix.js";
import { formatNumber, numberStyle, typographic, type NumberStyle } from "./numbers.js";
import { axisItems, sizeOf, stridesOf, type AxisItem } from "./summarise.js";
import { colors, css, fonts } from "./style.js";

export interface TableOptions extends LabelOptions {
  /** Most decimals shown. Default 4. */
  precision?: number;
  /** Rows shown before the middle ones are replaced by ⋮. Default 16. */
  maxRows?: number;
  /** Columns shown before the middle ones are replaced by ⋯. Default 10. */
  maxCols?: number;
  /** Slices of a >2-D tensor shown before the rest are summarised. Default 4. */
  maxSlices?: number;
}

const defaults = { precision: 4, maxRows: 16, maxCols: 10, maxSlices: 4 };

const tableStyle = css({
  borderCollapse: "collapse",
  fontFamily: fonts.sans,
  fontSize: "13px",
  fontVariantNumeric: "tabular-nums",
  color: colors.text,
  margin: "2px 0",
});
const captionStyle = css({
  captionSide: "top",
  textAlign: "left",
  color: colors.muted,
  fontSize: "12px",
  padding: "0 0 4px 2px",
  whiteSpace: "nowrap",
});
const tdStyle = css({
  textAlign: "right",
  padding: "3px 8px",
  borderBottom: `1px solid ${colors.faint}`,
  whiteSpace: "nowrap",
});
const ellipsisStyle = css({
  textAlign: "center",
  padding: "0 6px",
  color: colors.muted,
  fontWeight: "normal",
});

function thStyle(kind: "col" | "row", index: boolean, math: boolean): string {
  return css({
    textAlign: kind === "col" ? "right" : "left",
    padding: "3px 8px",
    background: colors.headerBg,
    color: index ? colors.muted : colors.text,
    fontWeight: index ? "normal" : 600,
    fontSize: index ? "11px" : "13px",
    ...(math ? { fontFamily: fonts.math, fontStyle: "italic", fontWeight: "normal", fontSize: "14px" } : {}),
    borderBottom: `1px solid ${kind === "col" ? colors.rule : colors.faint}`,
    whiteSpace: "nowrap",
  });
}

/**
 * The HTML table of a tensor (any rank). Vectors are one row, matrices a grid, higher ranks one grid per
 * leading index; large axes keep their first and last entries around a ⋮ / ⋯.
 * @example tableHtml({ shape: [2, 2], dtype: "float64", data: [1, 2, 3, 4] }) // "<div …><table …>…</table></div>"
 */
export function tableHtml(tensorView: TensorView, options: TableOptions = {}): string {
  const view = toView(tensorView, "table");
  const o = withDefaults(defaults, options);
  if (view.shape.length === 0) return scalarHtml(view, o.precision);
  if (view.shape.length > 2 && !(options.rows && options.cols) && !(view.labels?.rows && view.labels?.cols)) {
    return slicesHtml(view, o);
  }
  const m = labelledMatrix(view, options, "table");
  const caption = captionHtml(m.title, m.shape, m.dtype);
  const box = css({ display: "inline-block", maxWidth: "100%", overflowX: "auto", verticalAlign: "top" });
  return `<div class="gradlab-table" style="${box}">${matrixTable(m, caption, o)}</div>`;
}

function captionHtml(title: string | undefined, shape: readonly number[], dtype: string): string {
  const t = title !== undefined ? `<b style="color:${colors.text}">${escapeHtml(title)}</b> · ` : "";
  return `${t}shape [${shape.join(", ")}] · ${dtype}`;
}

function matrixTable(m: LabelledMatrix, caption: string, o: typeof defaults): string {
  // A truncated axis shows as many cells as a full one at the limit would: edges plus the ellipsis.
  const rows = axisItems(m.rows, o.maxRows, Math.floor((o.maxRows - 1) / 2));
  const cols = axisItems(m.cols, o.maxCols, Math.floor((o.maxCols - 1) / 2));
  const style = numberStyle(shownValues(m, rows, cols), o.precision);
  const math = m.jacobian !== undefined;
  const out: string[] = [
    `<table style="${tableStyle}"><caption style="${captionStyle}">${caption}</caption>`,
  ];
  if (m.colHeaders) {
    const corner = m.rowHeaders ? `<th style="${thStyle("col", true, false)}"></th>` : "";
    const ths = cols.map((j) =>
      j === null
        ? `<th style="${ellipsisStyle}">⋯</th>`
        : `<th style="${thStyle("col", m.indexHeaders, math)}">${escapeHtml(m.colHeaders![j]!)}</th>`,
    );
    out.push(`<thead><tr>${corner}${ths.join("")}</tr></thead>`);
  }
  out.push("<tbody>");
  for (const i of rows) {
    const th =
      m.rowHeaders === null
        ? ""
        : i === null
          ? `<th style="${ellipsisStyle}">⋮</th>`
          : `<th style="${thStyle("row", m.indexHeaders, math)}">${escapeHtml(m.rowHeaders[i]!)}</th>`;
    const tds = cols.map((j) => cellHtml(m, i, j, style));
    out.push(`<tr>${th}${tds.join("")}</tr>`);
  }
  out.push("</tbody></table>");
  return out.join("");
}

function cellHtml(m: LabelledMatrix, i: AxisItem, j: AxisItem, style: NumberStyle): string {
  if (i === null) return `<td style="${ellipsisStyle}">${j === null ? "⋱" : "⋮"}</td>`;
  if (j === null) return `<td style="${ellipsisStyle}">⋯</td>`;
  const text = typographic(formatNumber(m.at(i, j), style));
  const title = escapeHtml(`${m.cellName(i, j)} = ${text}`);
  return `<td style="${tdStyle}" title="${title}">${text}</td>`;
}

function shownValues(m: LabelledMatrix, rows: AxisItem[], cols: AxisItem[]): number[] {
  const values: number[] = [];
  for (const i of rows) for (const j of cols) if (i !== null && j !== null) values.push(m.at(i, j));
  return values;
}

function scalarHtml(view: TensorView, precision: number): string {
  const v = view.data[0]!;
  const text = typographic(formatNumber(v, numberStyle([v], precision)));
  const name = view.name !== undefined ? `<b>${escapeHtml(view.name)}</b> = ` : "";
  return (
    `<div class="gradlab-scalar" style="${css({ fontFamily: fonts.sans, color: colors.text })}">` +
    `<span style="${css({ fontSize: "16px", fontVariantNumeric: "tabular-nums" })}">${name}${text}</span>` +
    ` <span style="${css({ fontSize: "12px", color: colors.muted })}">· scalar · ${view.dtype}</span></div>`
  );
}

/** A >2-D tensor as one table per index of its leading axes, like NumPy's printed blocks. */
function slicesHtml(view: TensorView, o: typeof defaults): string {
  const { shape } = view;
  const lead = shape.slice(0, -2);
  const [r, c] = shape.slice(-2) as [number, number];
  const strides = stridesOf(lead);
  const count = sizeOf(lead);
  const picks = axisItems(count, o.maxSlices, Math.floor(o.maxSlices / 2));
  const title =
    view.name !== undefined ? `<b style="color:${colors.text}">${escapeHtml(view.name)}</b> · ` : "";
  const parts = [
    `<div class="gradlab-table" style="${css({ overflowX: "auto", fontFamily: fonts.sans })}">`,
    `<div style="${captionStyle}">${title}shape [${shape.join(", ")}] · ${view.dtype}</div>`,
  ];
  for (const k of picks) {
    if (k === null) {
      parts.push(
        `<div style="${css({ color: colors.muted, padding: "2px 12px" })}">⋮ ${count - 2 * Math.floor(o.maxSlices / 2)} more slices</div>`,
      );
      continue;
    }
    const index = lead.map((_, d) => Math.floor(k / strides[d]!) % lead[d]!);
    const offset = k * r * c;
    const slice: TensorView = {
      shape: [r, c],
      dtype: view.dtype,
      data: window(view.data, offset, r * c),
    };
    const m = labelledMatrix(slice, {}, "table");
    const caption = `[${[...index, ":", ":"].join(", ")}]`;
    parts.push(
      `<div style="${css({ display: "inline-block", verticalAlign: "top", marginRight: "16px" })}">`,
    );
    parts.push(matrixTable(m, caption, o), "</div>");
  }
  parts.push("</div>");
  return parts.join("");
}

/** data[offset .. offset+length), without copying when data is a typed array. */
function window(data: ArrayLike<number>, offset: number, length: number): ArrayLike<number> {
  if (data instanceof Float64Array || data instanceof Float32Array)
    return data.subarray(offset, offset + length);
  return Array.prototype.slice.call(data, offset, offset + length) as number[];
}
