/**
 * How a simulated process's memory evolves: from its start-up RSS (default 10 % of its peak) it
 * rises linearly to the peak over a ramp (start-up: loading, migrations), then settles at its steady
 * level. The kernel OOM killer ends it the moment the ramp crosses the container's memory limit, so
 * sampled RSS never exceeds the limit, and a peak above the limit shows only as an OOMKill, as on a
 * real node. The ramp's length is what gives a caller time to catch an init container while it runs:
 * the kill comes `rampSeconds x (limit - start) / (peak - start)` after the start.
 */

export interface MemoryProfile {
  peakBytes: number;
  steadyBytes: number;
  /** RSS right after the start. */
  startBytes: number;
  /** Simulated seconds from start to peak. */
  rampSeconds: number;
}

/** Resident bytes `t` simulated seconds after the process started. */
export function memoryAt(profile: MemoryProfile, t: number): number {
  const start = Math.min(profile.startBytes, profile.peakBytes);
  if (t >= profile.rampSeconds) return Math.round(profile.steadyBytes);
  return Math.round(start + ((profile.peakBytes - start) * Math.max(0, t)) / profile.rampSeconds);
}

/** The highest resident bytes reached by time `t` (what VmHWM and memory.peak report). */
export function highWaterAt(profile: MemoryProfile, t: number): number {
  return t >= profile.rampSeconds ? Math.round(profile.peakBytes) : memoryAt(profile, t);
}

/** Simulated seconds after start at which the limit is hit, or undefined if it never is. */
export function oomAt(profile: MemoryProfile, limitBytes: number | undefined): number | undefined {
  if (limitBytes === undefined || profile.peakBytes <= limitBytes) return undefined;
  const start = Math.min(profile.startBytes, profile.peakBytes);
  if (limitBytes <= start) return 0;
  return (profile.rampSeconds * (limitBytes - start)) / (profile.peakBytes - start);
}
