import type { Evidence } from '../evidence.js';
import { describeBytes as d } from './describe-bytes.js';

export interface KernelOomKill {
  pid: number;
  process: string;
  totalVmBytes: number;
  anonRssBytes: number;
  fileRssBytes: number;
  /** 0 when the kernel's line has no shmem-rss (kernels before 4.9 did not print it). */
  shmemRssBytes: number;
  oomScoreAdj: number | null;
  uid: number | null;
  /** "Memory cgroup out of memory": a container limit; "Out of memory": the whole node ran out. */
  scope: 'cgroup' | 'node' | 'unknown';
}

export type KernelOomParse =
  | { ok: true; kill: KernelOomKill; evidence: Evidence | null; notes: string[] }
  | { ok: false; problem: string };

/** The kernel's printk lines stay far below this; a longer text is cut before matching. */
const MAX_LINE = 1024;

/**
 * The line after "Killed process", as the kernel prints it (mm/oom_kill.c) and node-problem-detector's
 * kernel monitor matches it for its OOMKilling event (config/kernel-monitor.json:
 * `Killed process \d+ (.+) total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB.*`). The name is greedy
 * up to the last ") total-vm:", so a name holding ")" or spaces still parses.
 */
const KILLED = /^Killed process (\d{1,10}) \((.*)\) total-vm:(\d{1,15})kB, anon-rss:(\d{1,15})kB, file-rss:(\d{1,15})kB(?:, shmem-rss:(\d{1,15})kB)?(.*)$/s;

/** The kernel's "kB" is KiB: page counts shifted by PAGE_SHIFT - 10. */
const KiB = 1024;

function scopeOf(prefix: string): KernelOomKill['scope'] {
  if (/Memory cgroup out of memory/i.test(prefix)) return 'cgroup';
  if (/Out of memory/i.test(prefix)) return 'node';
  return 'unknown';
}

/**
 * Parses the kernel's OOM kill report, bare or as an event message (a `[12345.678901]` timestamp
 * or a "Memory cgroup out of memory: " prefix are fine), into numbers, and the evidence it
 * yields: anon-rss + file-rss + shmem-rss is what the process held when the kernel killed it
 * while it asked for more, so a lower bound of its need. total-vm is address space, not memory
 * (a Go binary reserves far more than it touches) and is not used.
 */
export function parseKernelOom(text: string, options: { at?: string } = {}): KernelOomParse {
  if (typeof text !== 'string') return { ok: false, problem: 'the kernel OOM report was not read as text' };
  const start = text.indexOf('Killed process ');
  if (start < 0) {
    const chose = /Kill process \d+ \(/.test(text) ? ": this is the kernel's choice of victim; the report to read is the \"Killed process ...\" line after it" : '';
    return { ok: false, problem: `not the kernel's OOM kill report: no "Killed process" in ${JSON.stringify(text.slice(0, 60))}${chose}` };
  }
  const match = KILLED.exec(text.slice(start, start + MAX_LINE).split('\n')[0] ?? '');
  if (!match) {
    return { ok: false, problem: `"Killed process" is there but not in the kernel's form (Killed process PID (NAME) total-vm:NkB, anon-rss:NkB, file-rss:NkB, ...): ${JSON.stringify(text.slice(start, start + 80))}` };
  }
  const [, pid, name = '', totalVm, anon, file, shmem, rest = ''] = match;
  const kib = (v: string | undefined) => Number(v ?? 0) * KiB;
  const optional = (re: RegExp) => {
    const m = re.exec(rest);
    return m ? Number(m[1]) : null;
  };
  const kill: KernelOomKill = {
    pid: Number(pid),
    process: name.length > 64 ? `${name.slice(0, 63)}…` : name,
    totalVmBytes: kib(totalVm),
    anonRssBytes: kib(anon),
    fileRssBytes: kib(file),
    shmemRssBytes: kib(shmem),
    oomScoreAdj: optional(/oom_score_adj:(-?\d{1,5})/),
    uid: optional(/UID:(\d{1,10})/),
    scope: scopeOf(text.slice(Math.max(0, start - 200), start)),
  };
  const notes = shmem === undefined ? ['this kernel does not report shmem-rss; counted as 0'] : [];
  if (kill.scope === 'node') notes.push('the whole node ran out of memory ("Out of memory"), not the container\'s limit');

  const held = kill.anonRssBytes + kill.fileRssBytes + kill.shmemRssBytes;
  const where = kill.scope === 'cgroup' ? ' at its cgroup limit' : kill.scope === 'node' ? ' when the node ran out of memory' : '';
  const evidence: Evidence | null =
    held > 0
      ? {
          source: 'kernel',
          kind: 'lower-bound',
          bytes: held,
          detail: `the kernel killed ${kill.process} (pid ${kill.pid})${where} holding anon-rss ${d(kill.anonRssBytes)} + file-rss ${d(kill.fileRssBytes)} + shmem-rss ${d(kill.shmemRssBytes)} = ${d(held)}: it needed more than that`,
          ...(typeof options?.at === 'string' ? { at: options.at } : {}),
        }
      : null;
  return { ok: true, kill, evidence, notes };
}
