/**
 * Options merged over defaults, ignoring keys set to `undefined` (so `{ precision: undefined }` keeps the
 * default instead of erasing it).
 * @example withDefaults({ precision: 4 }, { precision: undefined }) // { precision: 4 }
 */
export function withDefaults<D extends object>(defaults: D, options: object): D {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(options)) if (v !== undefined && k in defaults) out[k] = v;
  return out as D;
}
