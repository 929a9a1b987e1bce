import { formatQuantity, roundUpTo } from '../quantity.js';
import { describeBytes } from './describe-bytes.js';

export interface LimitPlanInput {
  /** The container's memory limit now, or null when it has none. */
  currentLimitBytes: number | null;
  /** A measured peak (rss-peak), or null without evidence. */
  peakBytes: number | null;
  /** The seed's safe water line: the peak should use at most this share of the limit (0.85). */
  headroom: number;
  /** Without evidence, the current limit is multiplied by this (2). */
  fallbackFactor: number;
  /** OOM_CHECK_MAX_MEMORY_LIMIT in bytes. */
  maxBytes: number;
  /** Round the proposal up to a multiple of this (16Mi); 0 leaves it as computed. */
  roundToBytes: number;
}

export type LimitPlan =
  | { ok: true; limitBytes: number; limit: string; rationale: string; capped: boolean; basis: 'evidence' | 'fallback' }
  | { ok: false; reason: string };

const isBytes = (n: number) => Number.isFinite(n) && n > 0;

function invalid(input: LimitPlanInput): string | null {
  const { currentLimitBytes: current, peakBytes: peak, headroom, fallbackFactor, maxBytes, roundToBytes } = input;
  if (!(Number.isFinite(headroom) && headroom > 0 && headroom <= 1)) return `headroom must be above 0 and at most 1 (e.g. 0.85), got ${headroom}`;
  if (!(Number.isFinite(fallbackFactor) && fallbackFactor > 1)) return `fallbackFactor must be above 1 (e.g. 2), got ${fallbackFactor}`;
  if (!isBytes(maxBytes)) return `maxBytes must be a positive number of bytes, got ${maxBytes}`;
  if (!(Number.isFinite(roundToBytes) && roundToBytes >= 0)) return `roundToBytes must be 0 or a positive number of bytes, got ${roundToBytes}`;
  if (current !== null && !isBytes(current)) return `currentLimitBytes must be a positive number of bytes or null, got ${current}`;
  if (peak !== null && !isBytes(peak)) return `peakBytes must be a positive number of bytes or null, got ${peak}`;
  return null;
}

/** "= 113Mi, rounded up to 128Mi", or "= 128Mi" when rounding changed nothing. */
function result(raw: number, rounded: number): string {
  return rounded === raw ? `= ${describeBytes(raw)}` : `= ${describeBytes(raw)}, rounded up to ${describeBytes(rounded)}`;
}

/**
 * The new memory limit: from evidence (peak / headroom) when there is a measured peak, else the
 * current limit x the fallback factor; rounded up, capped at the maximum, and always above the
 * current limit: a proposal that does not raise the limit cannot fix an OOM kill.
 */
export function planLimit(input: LimitPlanInput): LimitPlan {
  const problem = invalid(input);
  if (problem) return { ok: false, reason: problem };
  const { currentLimitBytes: current, peakBytes: peak, headroom, fallbackFactor, maxBytes, roundToBytes } = input;

  let raw: number;
  let rationale: string;
  const basis = peak !== null ? 'evidence' : 'fallback';
  if (peak !== null) {
    raw = Math.ceil(peak / headroom);
    rationale = `peak ${describeBytes(peak)} / ${headroom} headroom ${result(raw, roundUpTo(raw, roundToBytes))}`;
  } else if (current !== null) {
    raw = Math.ceil(current * fallbackFactor);
    rationale = `no memory evidence: current limit ${describeBytes(current)} x ${fallbackFactor} ${result(raw, roundUpTo(raw, roundToBytes))}`;
  } else {
    return {
      ok: false,
      reason:
        'the container has no memory limit and there is no memory evidence: an OOM kill then comes from node memory pressure, ' +
        "not the container limit; check the node's memory, or measure the peak and set a limit by hand",
    };
  }

  const rounded = roundUpTo(raw, roundToBytes);
  const capped = rounded > maxBytes;
  const limitBytes = capped ? maxBytes : rounded;
  if (capped) rationale += `, capped at the maximum ${describeBytes(maxBytes)}`;

  if (current !== null && limitBytes <= current) {
    const now = describeBytes(current);
    const reason = capped
      ? `the current limit ${now} is already at or above the maximum ${describeBytes(maxBytes)}: raise OOM_CHECK_MAX_MEMORY_LIMIT or shrink the binary (see the build advice)`
      : `${rationale}, which is not above the current limit ${now}: the measured peak missed what was killed; shrink the binary (see the build advice) or set a higher limit by hand`;
    return { ok: false, reason };
  }
  return { ok: true, limitBytes, limit: formatQuantity(limitBytes), rationale, capped, basis };
}
