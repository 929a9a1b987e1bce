import type { Evidence } from '../evidence.js';
import { describeBytes as d } from './describe-bytes.js';
import type { CgroupMemory } from './parse-cgroup-memory.js';

export interface CgroupEvidence {
  /** null when neither memory.peak nor memory.current gave a usable number. */
  evidence: Evidence | null;
  /** memory.events oom_kill, for the exit-137 triage; null when not read. */
  oomKills: number | null;
  /** One sentence on what the files show, for the finding. */
  why: string;
}

const kills = (n: number) => `${n} OOM kill${n === 1 ? '' : 's'}`;

/**
 * What the cgroup files prove about the container's need. memory.peak of a cgroup that never hit
 * its limit is a measured peak (page cache included, since the cgroup was created). Once the
 * cgroup hit memory.max (an `oom` or `oom_kill` event, or the peak at the limit), the peak only
 * says it wanted more: a lower bound. Without memory.peak (kernels before 5.19), memory.current is
 * a point reading: a lower bound of the peak.
 */
export function cgroupEvidence(memory: CgroupMemory, options: { at?: string } = {}): CgroupEvidence {
  const m = (typeof memory === 'object' && memory !== null ? memory : {}) as Partial<CgroupMemory>;
  const peak = typeof m.peakBytes === 'number' && m.peakBytes > 0 ? m.peakBytes : null;
  const current = typeof m.currentBytes === 'number' && m.currentBytes > 0 ? m.currentBytes : null;
  const max = typeof m.maxBytes === 'number' ? m.maxBytes : null;
  const oomKills = typeof m.oomKills === 'number' ? m.oomKills : null;
  const oomEvents = typeof m.oomEvents === 'number' ? m.oomEvents : null;
  const at = typeof options?.at === 'string' ? { at: options.at } : {};
  const killed = (oomKills ?? 0) > 0;
  const hit = killed || (oomEvents ?? 0) > 0 || (peak !== null && max !== null && peak >= max);
  const limit = max === null ? (m.unlimited === true ? 'no memory.max' : 'memory.max unknown') : `memory.max ${d(max)}`;

  if (peak !== null && hit) {
    const detail = `memory.peak ${d(peak)} of a cgroup that hit its ${limit}${killed ? ` (${kills(oomKills ?? 0)})` : ''}: it needed more than that`;
    return { evidence: { source: 'cgroup', kind: 'lower-bound', bytes: peak, detail, ...at }, oomKills, why: detail };
  }
  if (peak !== null) {
    const detail = `memory.peak ${d(peak)}, the cgroup's high-water mark since it started (page cache included), under ${limit}`;
    return { evidence: { source: 'cgroup', kind: 'measured-peak', bytes: peak, detail, ...at }, oomKills, why: detail };
  }
  if (current !== null) {
    const detail = `memory.current ${d(current)} (no memory.peak: kernel before 5.19): a point reading, a lower bound of the peak`;
    return { evidence: { source: 'cgroup', kind: 'lower-bound', bytes: current, detail, ...at }, oomKills, why: detail };
  }
  const events = oomKills === null ? '' : `; memory.events counts ${kills(oomKills)}`;
  return { evidence: null, oomKills, why: `neither memory.peak nor memory.current gave a usable number${events}` };
}
