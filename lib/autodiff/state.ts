/**
 * The one piece of shared mutable state of autodiff, kept in a single visible object (the analogue of
 * JAX's trace stack): ops are plain functions `exp(x)`, so whether they record onto the tape and which
 * forward-mode level a new jvp uses cannot be passed as parameters.
 */
export const autodiffState = {
  /** Record new ops onto the tape? Off inside `noGrad` and during a first-order backward pass. */
  gradEnabled: true,
  /** Next forward-mode level. Nested jvp calls get increasing levels, so tangents never mix. */
  nextLevel: 1,
  /** Check every jvp rule's output for NaN/∞ (set while re-running a forward pass to name the culprit). */
  diagnoseTangents: false,
  /** Name path of the composite op being evaluated ("crossEntropy/logSoftmax"), recorded on new nodes. */
  scope: null as string | null,
};

/**
 * Runs `fn` with tape recording switched on or off, restoring the previous mode afterwards.
 * @example withGradMode(false, () => exp(x)) // no tape node
 */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = autodiffState.gradEnabled;
  autodiffState.gradEnabled = enabled;
  try {
    return fn();
  } finally {
    autodiffState.gradEnabled = prev;
  }
}

/**
 * Evaluates a composite op's body with its name recorded on every tape node created inside, so a graph
 * picture can draw `sigmoid` as one box instead of its four primitives. Nested composites give paths.
 * @example scoped("sigmoid", () => add(mul(tanh(mul(x, 0.5)), 0.5), 0.5))
 */
export function scoped<T>(name: string, fn: () => T): T {
  const prev = autodiffState.scope;
  autodiffState.scope = prev === null ? name : `${prev}/${name}`;
  try {
    return fn();
  } finally {
    autodiffState.scope = prev;
  }
}
