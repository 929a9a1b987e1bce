/**
 * How a simulated process's memory evolves: from 10 % of its peak it rises linearly to the peak over
 * a ramp (start-up: loading, migrations), then settles at its steady level. The kernel OOM killer
 * ends it the moment the ramp crosses the container's memory limit, so sampled RSS never exceeds the
 * limit, and a peak above the limit shows only as an OOMKill, as on a real node.
 */

export interface MemoryProfile {
  peakBytes: number;
  steadyBytes: number;
  /** Simulated seconds from start to peak. */
  rampSeconds: number;
}

const START_FRACTION = 0.1;

/** Resident bytes `t` simulated seconds after the process started. */
export function memoryAt(profile: MemoryProfile, t: number): number {
  const start = profile.peakBytes * START_FRACTION;
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
  const start = profile.peakBytes * START_FRACTION;
  if (limitBytes <= start) return 0;
  return (profile.rampSeconds * (limitBytes - start)) / (profile.peakBytes - start);
}
