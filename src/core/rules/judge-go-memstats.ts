import type { Evidence } from '../evidence.js';
import { describeBytes as d } from './describe-bytes.js';

/** The seed's lines, as shares of the container's memory limit. */
export const SAFE_WATER_LINE = 0.85;
export const ABORT_LINE = 0.9;
export const KERNEL_KILL_LINE = 0.95;

/** The `runtime.MemStats` fields read from expvar's `/debug/vars` `memstats` object, in bytes. */
export interface GoMemstats {
  heapSys: number;
  heapInuse: number | null;
  heapIdle: number | null;
  heapReleased: number | null;
  sys: number;
}

export type GoMemstatsVerdict = 'safe' | 'above-safe-line' | 'abort' | 'kernel-kill' | 'no-limit';

export interface GoMemstatsOptions {
  /** The container's memory limit, or null when it has none. */
  limitBytes: number | null;
  /** The process had finished its work when read (an init container's last reading): Sys is then its peak. */
  processFinished?: boolean;
  /** When it was read (ISO), for the evidence. */
  at?: string;
}

export type GoMemstatsJudgement =
  | { ok: true; memstats: GoMemstats; verdict: GoMemstatsVerdict; heapSysRatio: number | null; why: string; notes: string[]; evidence: Evidence }
  | { ok: false; problem: string };

const NOT_EXPVAR = 'it is not the JSON that expvar serves at /debug/vars (an object with a "memstats" object): check the port and path, and that the binary imports expvar';

function parse(body: unknown): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (typeof body !== 'string') return { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { ok: false, problem: `the answer is not JSON (${body.trim().slice(0, 40) || 'empty'}): ${NOT_EXPVAR}` };
  }
}

const bytes = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

function verdictFor(ratio: number): { verdict: GoMemstatsVerdict; line: string } {
  if (ratio <= SAFE_WATER_LINE) return { verdict: 'safe', line: `at or below the seed's ${SAFE_WATER_LINE} safe water line` };
  if (ratio <= ABORT_LINE) {
    return { verdict: 'above-safe-line', line: `above the ${SAFE_WATER_LINE} safe water line (the seed keeps 15 % for stacks, OS cache and cgo) but not above ${ABORT_LINE}, where the seed's code aborts` };
  }
  if (ratio <= KERNEL_KILL_LINE) return { verdict: 'abort', line: `above ${ABORT_LINE}: the seed's code aborts here` };
  return { verdict: 'kernel-kill', line: `above ${KERNEL_KILL_LINE}: the seed's line where the kernel OOM-kills` };
}

/**
 * Reads expvar's memstats and judges them against the container's limit by the seed's lines.
 * Field meanings (Go runtime/mstats.go): HeapSys is the heap's reserved address space and
 * "estimates the largest size the heap has had"; HeapSys = HeapInuse + HeapIdle, and HeapReleased
 * (returned to the OS) is part of HeapIdle (the seed's "HeapInuse + HeapIdle + HeapReleased"
 * counts it twice); Sys is all memory the runtime obtained from the OS, "likely not all backed by
 * physical memory at any given moment, though in general it all was at some point".
 * The seed judges HeapSys; Sys becomes the evidence: while the process runs it is a point reading,
 * so a lower bound of the peak; once it has finished, the runtime's high-water mark. Either way it
 * leaves out memory the Go runtime does not manage (cgo allocations, the binary's own pages).
 */
export function judgeGoMemstats(body: unknown, options: GoMemstatsOptions): GoMemstatsJudgement {
  const limit = options?.limitBytes ?? null;
  if (limit !== null && !(bytes(limit) && limit > 0)) return { ok: false, problem: `the memory limit must be a positive number of bytes or null, got ${String(limit)}` };
  const parsed = parse(body);
  if (!parsed.ok) return parsed;
  const root = parsed.value;
  const raw = typeof root === 'object' && root !== null && !Array.isArray(root) ? (root as Record<string, unknown>).memstats : undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: `the answer has no "memstats" object: ${NOT_EXPVAR}` };
  const m = raw as Record<string, unknown>;
  const missing = ['HeapSys', 'Sys'].filter((k) => !bytes(m[k]));
  if (missing.length > 0) return { ok: false, problem: `memstats has no usable ${missing.join(' or ')} (a non-negative number of bytes): ${NOT_EXPVAR}` };
  const optional = (k: string) => (bytes(m[k]) ? m[k] : null);
  const memstats: GoMemstats = { heapSys: m.HeapSys as number, heapInuse: optional('HeapInuse'), heapIdle: optional('HeapIdle'), heapReleased: optional('HeapReleased'), sys: m.Sys as number };
  if (memstats.sys === 0) return { ok: false, problem: 'memstats reports Sys 0: no Go runtime reports that; the numbers are not real memstats' };

  const notes: string[] = [];
  const { heapSys, heapInuse, heapIdle, heapReleased, sys } = memstats;
  if (heapInuse !== null && heapIdle !== null && heapInuse + heapIdle !== heapSys) {
    notes.push(`HeapSys ${d(heapSys)} is not HeapInuse + HeapIdle (${d(heapInuse + heapIdle)}): the fields were not read together`);
  }
  if (heapReleased !== null && heapReleased > 0) notes.push(`${d(heapReleased)} of HeapSys was returned to the OS (HeapReleased) and is not resident now`);
  if (sys < heapSys) notes.push(`Sys ${d(sys)} is below HeapSys ${d(heapSys)}, which Go never reports: treat these numbers with care`);

  const finished = options?.processFinished === true;
  const evidence: Evidence = {
    source: 'go-runtime',
    kind: finished ? 'measured-peak' : 'lower-bound',
    bytes: sys,
    detail: finished
      ? `Go runtime Sys ${d(sys)} read after the work finished: the memory the runtime obtained from the OS, its high-water mark (cgo and the binary's own pages not counted)`
      : `Go runtime Sys ${d(sys)} read while it ran: a point reading, so a lower bound of the peak (cgo and the binary's own pages not counted)`,
    ...(typeof options?.at === 'string' ? { at: options.at } : {}),
  };

  if (limit === null) {
    return { ok: true, memstats, verdict: 'no-limit', heapSysRatio: null, why: `HeapSys ${d(heapSys)}, Sys ${d(sys)}; the container has no memory limit to judge them against`, notes, evidence };
  }
  const ratio = heapSys / limit;
  const { verdict, line } = verdictFor(ratio);
  const why = `HeapSys ${d(heapSys)} is ${percent(ratio)} of the ${d(limit)} limit, ${line}; Sys ${d(sys)} is ${percent(sys / limit)}`;
  return { ok: true, memstats, verdict, heapSysRatio: ratio, why, notes, evidence };
}
