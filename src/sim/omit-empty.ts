/**
 * Drops zero counters from a status, like Go's `omitempty`: a real Deployment with no ready pods has
 * no `readyReplicas` field at all, and clients must cope with that, so the simulator does the same.
 */
export function omitEmpty<T extends Record<string, unknown>>(status: T, keep: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === 0 && !keep.includes(key)) continue;
    if (value === undefined) continue;
    out[key] = value;
  }
  return out as T;
}
