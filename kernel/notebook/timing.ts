/**
 * Where an export's time goes: with `GRADLAB_EXPORT_TIMING=1`, each phase's end is printed to stderr
 * in milliseconds since the process started (so Node's own startup shows as the first number).
 * Off, a mark costs one call to an empty function.
 */

/** Notes that a phase of the export ended. */
export type Mark = (phase: string) => void;

const off: Mark = () => {};

/** A marker writing to stderr when `enabled`, else a no-op. */
export function createMark(enabled = Boolean(process.env.GRADLAB_EXPORT_TIMING)): Mark {
  if (!enabled) return off;
  let last = performance.now();
  return (phase) => {
    const now = performance.now();
    process.stderr.write(`[export ${now.toFixed(1).padStart(6)} ms  +${(now - last).toFixed(1)}] ${phase}\n`);
    last = now;
  };
}
