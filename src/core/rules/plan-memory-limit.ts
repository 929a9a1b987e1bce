import { EVIDENCE_SOURCES, type Evidence, type EvidenceSource } from '../evidence.js';
import { formatQuantity, roundUpTo } from '../quantity.js';
import { bumpAfterOom } from './bump-after-oom.js';
import { describeBytes } from './describe-bytes.js';

export interface MemoryLimitPlanInput {
  /** The killed container's memory limit now, or null when it has none. */
  currentLimitBytes: number | null;
  /** Its memory request now, or null when none is written. */
  currentRequestBytes: number | null;
  /** What the checklist measured, source by source (any order; unusable entries are skipped and named). */
  evidence: Evidence[];
  /** The seed's safe water line: a measured peak should use at most this share of the limit (0.85). */
  headroom: number;
  /** VPA's DefaultOOMBumpUpRatio (1.2). */
  oomBumpRatio: number;
  /** VPA's DefaultOOMMinBumpUp in bytes (100Mi). */
  oomMinBumpBytes: number;
  /** Round the proposal up to a multiple of this (16Mi); 0 leaves it as computed. */
  roundToBytes: number;
  /** OOM_CHECK_MAX_MEMORY_LIMIT in bytes: never propose more. */
  maxBytes: number;
}

export type MemoryLimitBasis = 'measured-peak' | 'lower-bound' | 'no-evidence';

export type MemoryLimitPlan =
  | {
      ok: true;
      limitBytes: number;
      /** The exact quantity to write, e.g. `176Mi`. */
      limit: string;
      basis: MemoryLimitBasis;
      /** The evidence the number rests on; for the kill itself, an `oom-kill` lower bound; null without evidence. */
      used: Evidence | null;
      /** One plain sentence with the arithmetic, for the card and the postmortem. */
      rule: string;
      capped: boolean;
      /** The request to write with the limit (null: leave it unset). */
      requestBytes: number | null;
      requestNote: string | null;
      /** Evidence that was not used, and why. */
      notes: string[];
    }
  | { ok: false; reason: string };

const SOURCE_NAMES: Record<EvidenceSource, string> = {
  prometheus: 'Prometheus',
  'go-runtime': 'Go runtime memstats',
  cgroup: 'cgroup memory files',
  kernel: "the kernel's OOM report",
  'rss-sample': 'RSS samples',
  'oom-kill': 'the OOM kill',
};

const d = describeBytes;
const isBytes = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

function invalid(input: MemoryLimitPlanInput): string | null {
  const { currentLimitBytes: limit, currentRequestBytes: request, headroom, oomBumpRatio, oomMinBumpBytes, maxBytes, roundToBytes } = input;
  if (!(typeof headroom === 'number' && headroom > 0 && headroom <= 1)) return `headroom must be above 0 and at most 1 (e.g. 0.85), got ${String(headroom)}`;
  if (!(typeof oomBumpRatio === 'number' && Number.isFinite(oomBumpRatio) && oomBumpRatio >= 1)) return `oomBumpRatio must be at least 1 (VPA uses 1.2), got ${String(oomBumpRatio)}`;
  if (!(typeof oomMinBumpBytes === 'number' && Number.isFinite(oomMinBumpBytes) && oomMinBumpBytes >= 0)) return `oomMinBumpBytes must be 0 or a positive number of bytes (VPA uses 100Mi), got ${String(oomMinBumpBytes)}`;
  if (!isBytes(maxBytes)) return `maxBytes must be a positive number of bytes, got ${String(maxBytes)}`;
  if (!(typeof roundToBytes === 'number' && Number.isFinite(roundToBytes) && roundToBytes >= 0)) return `roundToBytes must be 0 or a positive number of bytes, got ${String(roundToBytes)}`;
  if (limit !== null && !isBytes(limit)) return `currentLimitBytes must be a positive number of bytes or null, got ${String(limit)}`;
  if (request !== null && !(typeof request === 'number' && Number.isFinite(request) && request >= 0)) return `currentRequestBytes must be a number of bytes or null, got ${String(request)}`;
  if (!Array.isArray(input.evidence)) return 'evidence must be a list (empty when nothing was measured)';
  return null;
}

function usable(e: unknown): e is Evidence {
  if (typeof e !== 'object' || e === null) return false;
  const { source, kind, bytes } = e as Partial<Evidence>;
  return (EVIDENCE_SOURCES as readonly unknown[]).includes(source) && (kind === 'measured-peak' || kind === 'lower-bound') && isBytes(bytes) && Number.isSafeInteger(Math.ceil(bytes));
}

/** The largest by bytes; the first of equals, so the caller's order breaks ties. */
function largest(list: Evidence[]): Evidence | undefined {
  return list.reduce<Evidence | undefined>((best, e) => (best === undefined || e.bytes > best.bytes ? e : best), undefined);
}

const named = (e: Evidence) => `${d(e.bytes)} (${SOURCE_NAMES[e.source]})`;

function requestFor(limitBytes: number, limit: number | null, request: number | null): { requestBytes: number | null; requestNote: string | null } {
  const text = d(limitBytes);
  if (request === null) {
    const note = limit === null ? null : `no memory request is written, so Kubernetes sets it to the limit: the pod will request ${text}, and the scheduler and quota count that`;
    return { requestBytes: null, requestNote: note };
  }
  if (limit !== null && request === limit) {
    return { requestBytes: limitBytes, requestNote: `request = limit (Guaranteed for this container): the request rises with the limit to ${text}, and the scheduler and quota count that` };
  }
  if (request > limitBytes) {
    return { requestBytes: limitBytes, requestNote: `the request ${d(request)} is above the new limit ${text}, which Kubernetes refuses: it is lowered to ${text}` };
  }
  return { requestBytes: request, requestNote: null };
}

/**
 * The new memory limit for a container the kernel killed at `currentLimitBytes`. The rules, in order:
 * 1. Evidence that is not a usable reading (unknown source or kind, bytes not a positive number) is
 *    skipped and named in `notes`.
 * 2. The kill itself proves the container needed more than its limit, so the current limit is a
 *    lower bound; lower-bound evidence at or below it adds nothing.
 * 3. A measured peak at or below the strongest lower bound cannot explain the kill (the process
 *    needed more than that), so it is not used as a peak; `notes` says so.
 * 4. The best evidence wins: the largest remaining measured peak gives peak / headroom.
 * 5. Without a usable peak, the strongest lower bound L (the largest lower-bound evidence, or the
 *    kill at the current limit) gives VPA's floor max(L x ratio, L + minBump), never less than
 *    L / headroom. With no evidence at all that is the floor of the current limit: 64Mi -> 164Mi.
 * 6. The result is rounded up to `roundToBytes`, capped at `maxBytes` (`capped` says so), and must be
 *    above the current limit: a proposal that does not raise the limit cannot fix an OOM kill.
 * The request stays as written, except that it rises with the limit when it equals the limit
 * (Guaranteed for this container) and never stays above the new limit.
 */
export function planMemoryLimit(input: MemoryLimitPlanInput): MemoryLimitPlan {
  const problem = invalid(input);
  if (problem) return { ok: false, reason: problem };
  const { currentLimitBytes: limit, currentRequestBytes: request, headroom, oomBumpRatio: ratio, oomMinBumpBytes: minBump, roundToBytes, maxBytes } = input;

  const notes: string[] = [];
  const evidence: Evidence[] = [];
  for (const e of input.evidence as unknown[]) {
    if (usable(e)) evidence.push(e);
    else notes.push(`skipped evidence that is not a usable reading (it needs a known source and kind and a positive number of bytes): ${JSON.stringify(e)?.slice(0, 120) ?? String(e)}`);
  }

  const strongestBound = largest(evidence.filter((e) => e.kind === 'lower-bound'));
  const kill: Evidence | null =
    limit === null ? null : { source: 'oom-kill', kind: 'lower-bound', bytes: limit, detail: `the OOM kill at the ${d(limit)} limit: it needed more than that` };
  // The kill is stronger than a smaller lower bound; an equal one says the same thing, keep it.
  const bound = kill && (!strongestBound || strongestBound.bytes < kill.bytes) ? kill : (strongestBound ?? null);
  if (strongestBound && bound === kill) {
    notes.push(`lower bound ${named(strongestBound)} is below the ${d(limit ?? 0)} limit the container was killed at: the kill is the stronger lower bound`);
  }

  const peaks = evidence.filter((e) => e.kind === 'measured-peak');
  const usablePeaks = peaks.filter((p) => bound === null || p.bytes > bound.bytes);
  for (const p of peaks.filter((e) => !usablePeaks.includes(e))) {
    const against = bound === kill ? `the ${d(bound?.bytes ?? 0)} limit the container was killed at` : `the lower bound ${named(bound as Evidence)}`;
    notes.push(`measured peak ${named(p)} is not above ${against}, so it cannot explain the kill: not used as a peak`);
  }

  let raw: number;
  let rule: string;
  let basis: MemoryLimitBasis;
  let used: Evidence | null;
  const peak = largest(usablePeaks);
  if (peak) {
    raw = Math.ceil(peak.bytes / headroom);
    rule = `measured peak ${named(peak)} / ${headroom} = ${d(raw)}`;
    basis = 'measured-peak';
    used = peak;
  } else if (bound) {
    const bump = bumpAfterOom(bound.bytes, { ratio, minBumpBytes: minBump });
    if (!bump.ok) return { ok: false, reason: bump.problem };
    const atLeast = Math.ceil(bound.bytes / headroom);
    raw = Math.max(bump.bytes, atLeast);
    const L = d(bound.bytes);
    const subject =
      evidence.length === 0
        ? `no memory evidence; the kill proves it needed more than ${L}`
        : bound === kill
          ? `the kill proves it needed more than ${L}`
          : `lower bound ${named(bound)}, so it needed more than ${L}`;
    rule = `${subject}: VPA's bump after an OOM kill, max(${L} x ${ratio}, ${L} + ${d(minBump)}) = ${d(bump.bytes)}`;
    if (atLeast > bump.bytes) rule += `; at least ${L} / ${headroom} = ${d(atLeast)}`;
    basis = evidence.length === 0 ? 'no-evidence' : 'lower-bound';
    used = evidence.length === 0 ? null : bound;
  } else {
    return {
      ok: false,
      reason:
        'the container has no memory limit and there is no memory evidence: an OOM kill then comes from node memory pressure, ' +
        "not the container limit; check the node's memory, or measure the peak and set a limit by hand",
    };
  }

  const rounded = roundUpTo(raw, roundToBytes);
  if (rounded !== raw) rule += `, rounded up to ${d(rounded)}`;
  const capped = rounded > maxBytes;
  const limitBytes = capped ? maxBytes : rounded;
  if (capped) rule += `, capped at the maximum ${d(maxBytes)}`;

  if (limit !== null && limitBytes <= limit) {
    const reason = capped
      ? `the current limit ${d(limit)} is already at or above the maximum ${d(maxBytes)}: raise OOM_CHECK_MAX_MEMORY_LIMIT or shrink the binary (see the build advice)`
      : `${rule}, which is not above the current limit ${d(limit)}: a proposal must raise the limit to fix an OOM kill; check the bump settings or set a higher limit by hand`;
    return { ok: false, reason };
  }
  return { ok: true, limitBytes, limit: formatQuantity(limitBytes), basis, used, rule, capped, ...requestFor(limitBytes, limit, request), notes };
}
