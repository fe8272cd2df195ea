/**
 * The look shared by tables and figures. Styles are inline (no <style> element): frontends that sanitise
 * untrusted output keep inline styles, and nothing leaks into or clashes with the rest of the page.
 */

/**
 * Writes a style attribute value from a record of CSS properties (camelCase keys become kebab-case).
 * @example css({ textAlign: "right", padding: "3px 8px" }) // "text-align:right;padding:3px 8px"
 */
export function css(props: Record<string, string | number>): string {
  return Object.entries(props)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}:${v}`)
    .join(";");
}

/** Font stacks: the reader's UI font for text and numbers, a serif for mathematics. */
export const fonts = {
  sans: "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue','DejaVu Sans',Arial,sans-serif",
  /** For ∂f₁, x₂: a serif italic reads as mathematics. */
  math: "'Latin Modern Math','STIX Two Math','Cambria Math','Times New Roman','DejaVu Serif',serif",
};

/** The few neutral colours of tables and figures (GitHub-like greys). */
export const colors = {
  text: "#1f2328",
  muted: "#6e7781",
  rule: "#d0d7de",
  faint: "#eaeef2",
  headerBg: "#f6f8fa",
};
