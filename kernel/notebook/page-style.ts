/**
 * The page's stylesheet: a readable single column, code on a quiet background, outputs aligned under
 * their input, prompts in a gutter when shown. Rules for output content use :where() (zero specificity)
 * so that an output's own styles (a tensor table, a stepper) always win over ours.
 */
export const PAGE_CSS = `
:root {
  --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --code-bg: #f6f8fa;
  --err-bg: #fff1f0; --err-border: #ffc9c4; --accent: #0969da;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif;
}
main.notebook { max-width: 1000px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
.cell { margin: 0.9rem 0; }
.row { display: grid; grid-template-columns: minmax(0, 1fr); }
.with-prompts .row { grid-template-columns: 5.8rem minmax(0, 1fr); }
.prompt {
  font: 0.8rem/1.9 var(--mono); color: var(--muted); text-align: right; padding: 0.45rem 0.6rem 0 0;
  user-select: none; white-space: nowrap;
}
.prompt.out { color: #b35900; }
.prompt:empty { padding: 0; }
pre, code { font-family: var(--mono); }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
.input pre.source {
  background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px;
  padding: 0.6rem 0.8rem; font-size: 0.86rem; line-height: 1.5; overflow-x: auto; white-space: pre;
}
.outputs { margin-top: 0.35rem; }
.output-body { min-width: 0; overflow-x: auto; padding: 0.25rem 0; }
.output-body > pre, .output-text { font-size: 0.86rem; line-height: 1.45; padding: 0.2rem 0.1rem; }
pre.stream.stderr { background: var(--err-bg); border-radius: 4px; padding: 0.3rem 0.5rem; }
pre.error {
  background: var(--err-bg); border-left: 3px solid #cf222e; border-radius: 4px; padding: 0.5rem 0.7rem;
}
.output-unsupported {
  color: var(--muted); font-style: italic; border: 1px dashed var(--border); border-radius: 4px; padding: 0.4rem 0.6rem;
}
.output-image img, .output-svg svg, .output-html img { max-width: 100%; height: auto; }
.output-latex { overflow-x: auto; }
.math-error { color: #cf222e; font-family: var(--mono); font-size: 0.9em; white-space: pre-wrap; }
div.math-error { display: block; margin: 0.5em 0; }
.katex-display > .katex { max-width: 100%; }
.katex-display > .katex > .katex-html { max-width: 100%; overflow-x: auto; overflow-y: hidden; padding: 0.1em 0; }
/* an equation number's strut is 2px wider than its box: without this every numbered equation scrolls */
.katex-display > .katex > .katex-html > .tag { right: 2px; }
.plotly-figure { position: relative; }
.plotly-live { width: 100%; }

/* markdown */
.markdown { padding: 0 0.1rem; }
.markdown > :first-child { margin-top: 0; }
.markdown > :last-child { margin-bottom: 0; }
.markdown h1, .markdown h2, .markdown h3, .markdown h4 { line-height: 1.25; margin: 1.4em 0 0.6em; }
.markdown h1 { font-size: 2em; border-bottom: 1px solid var(--border); padding-bottom: 0.25em; }
.markdown h2 { font-size: 1.5em; border-bottom: 1px solid var(--border); padding-bottom: 0.2em; }
.markdown h3 { font-size: 1.25em; }
.markdown a { color: var(--accent); }
.anchor-link { visibility: hidden; text-decoration: none; margin-left: 0.3em; font-size: 0.8em; color: var(--muted) !important; }
:is(h1, h2, h3, h4, h5, h6):hover > .anchor-link { visibility: visible; }
.markdown code { background: var(--code-bg); border-radius: 4px; padding: 0.1em 0.35em; font-size: 0.88em; }
.markdown pre { background: var(--code-bg); border-radius: 6px; padding: 0.7rem 0.9rem; overflow-x: auto; white-space: pre; }
.markdown pre code { background: none; padding: 0; font-size: 0.86rem; }
.markdown blockquote { margin: 1em 0; padding: 0.1em 1em; color: var(--muted); border-left: 4px solid var(--border); }
.markdown img { max-width: 100%; }
:where(.markdown, .output-markdown) table { border-collapse: collapse; margin: 1em 0; }
:where(.markdown, .output-markdown) :is(th, td) { border: 1px solid var(--border); padding: 0.3em 0.7em; }
:where(.markdown, .output-markdown) th { background: var(--code-bg); }

/* HTML outputs (pandas-like tables) */
:where(.output-html) table { border-collapse: collapse; border: none; font-size: 0.86rem; margin: 0.2rem 0; }
:where(.output-html) :is(th, td) { padding: 0.25em 0.7em; text-align: right; border: none; }
:where(.output-html) thead { border-bottom: 1px solid #999; }
:where(.output-html) tbody tr:nth-child(odd) { background: #f5f5f5; }

/* code tokens (highlight.ts), GitHub light */
.tok-keyword { color: #cf222e; }
.tok-function, .tok-type { color: #8250df; }
.tok-attr, .tok-literal, .tok-meta, .tok-number, .tok-variable { color: #0550ae; }
.tok-string, .tok-regexp { color: #0a3069; }
.tok-builtin { color: #953800; }
.tok-comment { color: #6e7781; }
.tok-tag { color: #116329; }

/* ANSI colours tuned for a white background (JupyterLab's palette) */
.ansi-black-fg { color: #3e424d; } .ansi-red-fg { color: #e75c58; } .ansi-green-fg { color: #00a250; }
.ansi-yellow-fg { color: #ddb62b; } .ansi-blue-fg { color: #208ffb; } .ansi-magenta-fg { color: #d160c4; }
.ansi-cyan-fg { color: #60c6c8; } .ansi-white-fg { color: #c5c1b4; }
.ansi-bright-black-fg { color: #282c36; } .ansi-bright-red-fg { color: #b22b31; } .ansi-bright-green-fg { color: #007427; }
.ansi-bright-yellow-fg { color: #b27d12; } .ansi-bright-blue-fg { color: #0065ca; } .ansi-bright-magenta-fg { color: #a03196; }
.ansi-bright-cyan-fg { color: #258f8f; } .ansi-bright-white-fg { color: #a1a6b2; }
.ansi-black-bg { background: #3e424d; } .ansi-red-bg { background: #e75c58; } .ansi-green-bg { background: #00a250; }
.ansi-yellow-bg { background: #ddb62b; } .ansi-blue-bg { background: #208ffb; } .ansi-magenta-bg { background: #d160c4; }
.ansi-cyan-bg { background: #60c6c8; } .ansi-white-bg { background: #c5c1b4; }
.ansi-bright-black-bg { background: #282c36; } .ansi-bright-red-bg { background: #b22b31; } .ansi-bright-green-bg { background: #007427; }
.ansi-bright-yellow-bg { background: #b27d12; } .ansi-bright-blue-bg { background: #0065ca; } .ansi-bright-magenta-bg { background: #a03196; }
.ansi-bright-cyan-bg { background: #258f8f; } .ansi-bright-white-bg { background: #a1a6b2; }
.ansi-reverse { filter: invert(1); }

@media (max-width: 640px) {
  .with-prompts .row { grid-template-columns: minmax(0, 1fr); }
  .prompt { text-align: left; padding: 0; }
}
@media print {
  main.notebook { max-width: none; padding: 0; }
  .anchor-link { display: none; }
  .input pre.source { white-space: pre-wrap; }
}
`;
