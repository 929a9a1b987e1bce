/**
 * The Vertical Pod Autoscaler's memory bump after an OOM kill, from kubernetes/autoscaler
 * `vertical-pod-autoscaler/pkg/recommender/model/aggregations_config.go`:
 *   DefaultOOMBumpUpRatio float64 = 1.2                 // Memory is increased by 20% after an OOMKill.
 *   DefaultOOMMinBumpUp   float64 = 100 * 1024 * 1024   // Memory is increased by at least 100MB after an OOMKill.
 * and `model/container.go` `RecordOOM`:
 *   memoryNeeded := ResourceAmountMax(memoryUsed+MemoryAmountFromBytes(GetOOMMinBumpUp()), ScaleResource(memoryUsed, GetOOMBumpUpRatio()))
 * VPA takes `memoryUsed` as max(request, recent peak) and never sizes init containers; oom-check
 * applies the same arithmetic to whatever the kill proves was used (usually the limit it hit).
 */
export const VPA_OOM_BUMP_UP_RATIO = 1.2;
export const VPA_OOM_MIN_BUMP_UP_BYTES = 100 * 1024 * 1024;

export interface OomBumpOptions {
  /** Multiply what was used by this (VPA: 1.2). */
  ratio?: number;
  /** Add at least this many bytes (VPA: 100 MiB). */
  minBumpBytes?: number;
}

export type OomBump = { ok: true; bytes: number } | { ok: false; problem: string };

/** max(used x ratio, used + minBump), rounded up to a whole byte. */
export function bumpAfterOom(usedBytes: number, options: OomBumpOptions = {}): OomBump {
  const ratio = options.ratio ?? VPA_OOM_BUMP_UP_RATIO;
  const minBump = options.minBumpBytes ?? VPA_OOM_MIN_BUMP_UP_BYTES;
  if (typeof usedBytes !== 'number' || !Number.isFinite(usedBytes) || usedBytes < 0) {
    return { ok: false, problem: `the memory used must be a finite, non-negative number of bytes, got ${String(usedBytes)}` };
  }
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 1) {
    return { ok: false, problem: `the OOM bump ratio must be a finite number of at least 1 (VPA uses 1.2), got ${String(ratio)}` };
  }
  if (typeof minBump !== 'number' || !Number.isFinite(minBump) || minBump < 0) {
    return { ok: false, problem: `the minimum OOM bump must be a finite, non-negative number of bytes (VPA uses 100Mi), got ${String(minBump)}` };
  }
  const bytes = Math.ceil(Math.max(usedBytes * ratio, usedBytes + minBump));
  if (!Number.isSafeInteger(bytes)) {
    return { ok: false, problem: `the bump of ${usedBytes} bytes is beyond what a byte count can hold exactly` };
  }
  return { ok: true, bytes };
}
