/**
 * Names as a lecture writes them. Labels are stored as plain names ("f_1", "x_2", "loss", "W1"); these
 * functions turn them into what a reader expects: f₁ in text, HTML and SVG, f_{1} in LaTeX.
 */
import { escapeLatex } from "./escape.js";

const subscriptDigits = "₀₁₂₃₄₅₆₇₈₉";

/**
 * The reading form of a name in plain text: a trailing `_digits` becomes Unicode subscript digits.
 * @example prettyName("f_12") // "f₁₂"
 */
export function prettyName(name: string): string {
  const m = /^(.*?)_(\d+)$/.exec(name);
  if (!m || m[1] === "") return name;
  return m[1] + [...m[2]!].map((d) => subscriptDigits[Number(d)]).join("");
}

const greek = new Set([
  "alpha",
  "beta",
  "gamma",
  "delta",
  "epsilon",
  "zeta",
  "eta",
  "theta",
  "iota",
  "kappa",
  "lambda",
  "mu",
  "nu",
  "xi",
  "pi",
  "rho",
  "sigma",
  "tau",
  "phi",
  "chi",
  "psi",
  "omega",
  "Gamma",
  "Delta",
  "Theta",
  "Lambda",
  "Xi",
  "Pi",
  "Sigma",
  "Phi",
  "Psi",
  "Omega",
]);

/**
 * A name as LaTeX math: `x_1` and `W1` → `x_{1}`, `W_{1}`; `theta_2` → `\theta_{2}`; words → `\mathrm{loss}`;
 * anything else is escaped inside `\mathrm{…}`.
 * @example latexName("x_1") // "x_{1}"
 */
export function latexName(name: string): string {
  const m = /^([A-Za-z]+)_?(\d+)$/.exec(name) ?? /^([A-Za-z]+)(?:_([A-Za-z0-9]+))?$/.exec(name);
  if (!m) return `\\mathrm{${escapeLatex(name)}}`;
  const [, base, sub] = m as unknown as [string, string, string | undefined];
  const head = greek.has(base) ? `\\${base}` : base.length === 1 ? base : `\\mathrm{${base}}`;
  return sub === undefined ? head : `${head}_{${sub}}`;
}

/**
 * The symbol shared by a list of names, for the left side of `∂f/∂x`: "f" for f_1, f_2, …; the name itself
 * when there is one; otherwise `fallback`.
 * @example commonBase(["f_1", "f_2"], "f") // "f"
 */
export function commonBase(names: readonly string[], fallback: string): string {
  if (names.length === 1) return names[0]!;
  const bases = new Set(names.map((n) => /^([A-Za-z]+)_?\d+$/.exec(n)?.[1]));
  const [only] = bases;
  return bases.size === 1 && only !== undefined ? only : fallback;
}
