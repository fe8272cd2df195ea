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
