/** The cgroup v2 memory files of a container as read (e.g. `cat /sys/fs/cgroup/memory.peak` through exec); null or absent when not read. */
export interface CgroupMemoryFiles {
  peak?: string | null;
  current?: string | null;
  max?: string | null;
  events?: string | null;
}

export interface CgroupMemory {
  /** memory.peak: the cgroup's high-water mark (kernel 5.19+). */
  peakBytes: number | null;
  /** memory.current: usage now, page cache included. */
  currentBytes: number | null;
  /** memory.max in bytes; null when it reads `max` (no limit) or was not read. */
  maxBytes: number | null;
  /** true when memory.max reads `max`; null when memory.max was not read or is unreadable. */
  unlimited: boolean | null;
  /** Every `key value` line of memory.events. */
  events: Record<string, number>;
  /** memory.events `oom`: times usage reached the limit and an allocation was about to fail. */
  oomEvents: number | null;
  /** memory.events `oom_kill`: processes of this cgroup killed by any OOM killer. */
  oomKills: number | null;
  /** Files that were read but could not be understood. */
  problems: string[];
}

const MAX_LINES = 64;

function show(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 40 ? `${flat.slice(0, 39)}…` : flat);
}

/** A byte count as the kernel prints it: digits and a newline. Beyond 2^53 it cannot be held exactly. */
function count(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

function single(name: string, text: unknown, problems: string[]): number | null {
  if (text === undefined || text === null) return null;
  if (typeof text !== 'string') {
    problems.push(`${name} was not read as text`);
    return null;
  }
  const n = count(text);
  if (n === null) problems.push(`${name} ${show(text)} is not a byte count`);
  return n;
}

/**
 * The cgroup v2 memory interface files (the kernel's Documentation/admin-guide/cgroup-v2.rst):
 * memory.peak, memory.current and memory.max hold one value (memory.max the word `max` when
 * unlimited); memory.events is flat-keyed, one `key value` per line (low, high, max, oom,
 * oom_kill, oom_group_kill). Read defensively: whatever does not parse is a problem, not a throw.
 */
export function parseCgroupMemory(files: CgroupMemoryFiles): CgroupMemory {
  const f = (typeof files === 'object' && files !== null ? files : {}) as CgroupMemoryFiles;
  const problems: string[] = [];
  const peakBytes = single('memory.peak', f.peak, problems);
  const currentBytes = single('memory.current', f.current, problems);

  let maxBytes: number | null = null;
  let unlimited: boolean | null = null;
  if (typeof f.max === 'string' && f.max.trim() === 'max') unlimited = true;
  else {
    maxBytes = single('memory.max', f.max, problems);
    if (maxBytes !== null) unlimited = false;
  }

  const events: Record<string, number> = {};
  if (f.events !== undefined && f.events !== null) {
    if (typeof f.events !== 'string') problems.push('memory.events was not read as text');
    else {
      const lines = f.events.split('\n').filter((l) => l.trim() !== '');
      const bad = lines.slice(0, MAX_LINES).filter((line) => {
        const match = /^([a-z_]+)\s+(\S+)$/.exec(line.trim());
        const value = match ? count(match[2] ?? '') : null;
        if (match?.[1] && value !== null) events[match[1]] = value;
        return value === null;
      });
      if (bad.length > 0) problems.push(`memory.events has ${bad.length} line${bad.length === 1 ? '' : 's'} that are not "key count", e.g. ${show(bad[0] ?? '')}`);
      if (lines.length > MAX_LINES) problems.push(`memory.events has ${lines.length} lines; only the first ${MAX_LINES} were read`);
    }
  }
  return { peakBytes, currentBytes, maxBytes, unlimited, events, oomEvents: events.oom ?? null, oomKills: events.oom_kill ?? null, problems };
}
