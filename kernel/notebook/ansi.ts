/**
 * Terminal text (streams, tracebacks) to HTML: ANSI colours become styled spans (parsed by anser), with
 * Jupyter's class names for the 16 standard colours (so the page's palette, tuned for a white background,
 * applies) and inline colours for the 256-colour and true-colour codes. Carriage returns and backspaces
 * are applied first, as Jupyter frontends do, so progress bars show their final state.
 */
import type AnserType from "anser";
import { plainLoad } from "./code-cache.js";
import { escapeHtml } from "./html.js";

const NAMES = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

/** `\r` returns to the start of the line and overwrites; `\b` erases one character. */
export function applyControlChars(text: string): string {
  // Most output has neither: then there is nothing to split, map and join.
  if (!text.includes("\r") && !text.includes("\b")) return text;
  const lines = text.replace(/\r+\n/g, "\n").split("\n");
  return lines
    .map((line) => {
      let result = line;
      if (line.includes("\r")) {
        result = "";
        for (const part of line.split("\r")) result = part + result.slice(part.length);
      }
      return result.includes("\b") ? applyBackspaces(result) : result;
    })
    .join("\n");
}

function applyBackspaces(line: string): string {
  const kept: string[] = [];
  for (const ch of line) {
    if (ch === "\b") kept.pop();
    else kept.push(ch);
  }
  return kept.join("");
}

/** The colour of an anser entry: a class for the 16 named colours, else an rgb() value. */
function colour(name: string | null, truecolor: string | null): { cls?: string; rgb?: string } {
  if (!name) return {};
  if (name === "ansi-truecolor") return truecolor ? { rgb: `rgb(${truecolor})` } : {};
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (!palette) return { cls: name };
  const n = Number(palette[1]);
  if (n < 8) return { cls: `ansi-${NAMES[n]}` };
  if (n < 16) return { cls: `ansi-bright-${NAMES[n - 8]}` };
  if (n < 232) {
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return { rgb: `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})` };
  }
  const grey = 8 + (n - 232) * 10;
  return { rgb: `rgb(${grey}, ${grey}, ${grey})` };
}

/** Escaped HTML for terminal text, colours and decorations as spans. */
export function ansiToHtml(text: string): string {
  const plain = applyControlChars(text);
  // Most text has no escape codes: then anser need not even be loaded.
  if (!plain.includes("\x1b")) return escapeHtml(plain);
  const Anser = plainLoad("anser") as typeof AnserType;
  const entries = Anser.ansiToJson(plain, { use_classes: true, remove_empty: true });
  return entries
    .map((e) => {
      const content = escapeHtml(e.content);
      if (!e.was_processed) return content;
      const fg = colour(e.fg, e.fg === "ansi-truecolor" ? e.fg_truecolor : null);
      const bg = colour(e.bg, e.bg === "ansi-truecolor" ? e.bg_truecolor : null);
      const classes: string[] = [];
      const styles: string[] = [];
      if (fg.cls) classes.push(`${fg.cls}-fg`);
      if (fg.rgb) styles.push(`color:${fg.rgb}`);
      if (bg.cls) classes.push(`${bg.cls}-bg`);
      if (bg.rgb) styles.push(`background-color:${bg.rgb}`);
      for (const d of e.decorations) {
        if (d === "bold") styles.push("font-weight:bold");
        else if (d === "dim") styles.push("opacity:0.7");
        else if (d === "italic") styles.push("font-style:italic");
        else if (d === "underline") styles.push("text-decoration:underline");
        else if (d === "strikethrough") styles.push("text-decoration:line-through");
        else if (d === "hidden") styles.push("visibility:hidden");
        else if (d === "reverse") classes.push("ansi-reverse");
      }
      if (!classes.length && !styles.length) return content;
      const cls = classes.length ? ` class="${classes.join(" ")}"` : "";
      const style = styles.length ? ` style="${styles.join(";")}"` : "";
      return `<span${cls}${style}>${content}</span>`;
    })
    .join("");
}
