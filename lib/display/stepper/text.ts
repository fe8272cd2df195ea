/**
 * text/plain of a stepper step, for `jupyter console` and logs.
 */
import { nestedString } from "../graph/format.js";
import type { MatrixPart, StepView } from "./model.js";

function values(part: MatrixPart): string {
  if (part.values.length > 64)
    return `(${part.values.length} values, first: ${nestedString(part.values.slice(0, 6), [6])} …)`;
  return nestedString(part.values, part.values.length === 1 ? [] : part.shape);
}

/**
 * One step as readable text: the headline, the upstream gradient (or value), and per input the local
 * Jacobian and the product that leaves along that edge.
 * @example stepText(views[2], 2, views.length)
 */
export function stepText(step: StepView, k: number, n: number): string {
  const lines = [`Step ${k + 1}/${n} (${step.phase}): ${step.title}`];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(24)} = ${text}`);
  row(`${step.main.title} (${step.main.role})`, values(step.main));
  for (const input of step.inputs) row(`${input.title} (input)`, values(input));
  for (const p of step.pullbacks) {
    const [m, n2] = p.jacobianShape;
    row(
      `${p.jacobian?.title ?? `∂·/∂${p.inputSymbol}`} (local, ${m}×${n2})`,
      p.jacobian ? values(p.jacobian) : "too large to show",
    );
    row(`${p.product.title}${p.accumulates ? " (+= term)" : ""}`, `${values(p.product)}  → ${p.inputSymbol}`);
  }
  return lines.join("\n");
}
