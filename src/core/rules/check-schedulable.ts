import { parseQuantity, QuantityError } from '../quantity.js';
import { describeBytes as d } from './describe-bytes.js';
import type { PodMemory, SchedulingPodSpec } from './effective-pod-request.js';
import { effectivePodRequestWith, type ContainerRef } from './effective-pod-request-with.js';

export interface NodeCapacity {
  name: string;
  allocatableBytes: number;
  /** Memory already requested by the pods on the node; absent: judged as an empty node. */
  requestedBytes?: number;
  /** Pods of the workload being patched on the node (counted in requestedBytes). */
  ownPods?: number;
}

export type MemoryQuotaAmounts = Partial<Record<'requests.memory' | 'limits.memory' | 'memory', number>>;

export interface QuotaState {
  name: string;
  hard: MemoryQuotaAmounts;
  used: MemoryQuotaAmounts;
}

/** A LimitRange's `type: Container` memory entries, in bytes (the ratio as a plain number). */
export interface LimitRangeRule {
  name: string;
  containerMaxBytes?: number;
  containerMinBytes?: number;
  maxLimitRequestRatio?: number;
}

export interface ScheduleCheckInput {
  /** The pod (template) spec as it is now, before the patch. */
  podSpec: SchedulingPodSpec;
  container: ContainerRef;
  newLimitBytes: number;
  /** The request the patch writes; null leaves it unset (Kubernetes then uses the limit). */
  newRequestBytes: number | null;
  replicas: number;
  /** The rollout starts a new pod before it stops an old one (maxUnavailable 0): a surge the quota refuses stalls it. */
  surgeFirst?: boolean;
  /** null: the nodes could not be read (e.g. no RBAC for nodes); the node check is skipped and noted. */
  nodes: NodeCapacity[] | null;
  quotas: QuotaState[];
  limitRanges: LimitRangeRule[];
  /** OOM_CHECK_MAX_MEMORY_LIMIT: `largestThatFits` is searched up to it. */
  maxBytes: number;
  /** Round `largestThatFits` down to a multiple of this (e.g. 16Mi); 0 or absent keeps it exact. */
  roundToBytes?: number;
}

export interface ScheduleCheck {
  fits: boolean;
  fitsNodes: number;
  totalNodes: number;
  /** What refuses the patched pod, in plain sentences naming the node, quota or LimitRange and the numbers. */
  problems: string[];
  /** What does not refuse it but an SRE should know (a rolling update's surge, nodes not checked). */
  notes: string[];
  /** The highest container limit above the current one that passes every check, or null. */
  largestThatFits: number | null;
  before: PodMemory | null;
  after: PodMemory | null;
}

interface Judgement {
  fitsNodes: number;
  /** Checks that a larger limit can only make worse: nodes, quotas, LimitRange max and ratio. */
  upper: string[];
  /** LimitRange min: only a larger limit (and request) can satisfy it. */
  lower: string[];
  notes: string[];
  before: PodMemory | null;
  after: PodMemory | null;
}

const num = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const list = <T>(v: T[] | null | undefined): T[] => (Array.isArray(v) ? v : []);

function requestFor(input: ScheduleCheckInput, limit: number): number | null {
  const { newLimitBytes, newRequestBytes } = input;
  if (newRequestBytes === null) return null;
  // A request written equal to the limit (Guaranteed) moves with the limit; any other stays, never above it.
  return newRequestBytes === newLimitBytes ? limit : Math.min(newRequestBytes, limit);
}

function judge(input: ScheduleCheckInput, limit: number): Judgement {
  const request = requestFor(input, limit);
  const out: Judgement = { fitsNodes: 0, upper: [], lower: [], notes: [], before: null, after: null };
  const change = effectivePodRequestWith(input.podSpec, input.container, { limitBytes: limit, requestBytes: request });
  if (!change.ok) {
    out.upper.push(change.problem);
    return out;
  }
  const { before, after } = change;
  Object.assign(out, { before, after });

  if (input.nodes === null) {
    out.notes.push('the nodes could not be read, so node capacity was not checked');
  } else {
    // A rollout that stops an old pod first frees its request on that node; one that surges does not.
    const freed = (n: NodeCapacity) => (input.surgeFirst !== true && (n.ownPods ?? 0) > 0 ? before.requestBytes : 0);
    const free = list(input.nodes).map((n) => ({ n, free: n.allocatableBytes - (n.requestedBytes ?? 0) + freed(n) }));
    out.fitsNodes = free.filter(({ free }) => after.requestBytes <= free).length;
    const roomiest = free.reduce<(typeof free)[number] | undefined>((best, f) => (best === undefined || f.free > best.free ? f : best), undefined);
    if (!roomiest) out.upper.push('no node was listed, so no node can take the pod');
    else if (out.fitsNodes === 0) {
      const used = roomiest.n.requestedBytes ? `, ${d(roomiest.n.requestedBytes)} requested` : '';
      out.upper.push(
        `no node can take the pod: it would request ${d(after.requestBytes)} (${d(before.requestBytes)} now); the most room is on node ${roomiest.n.name}, ` +
          `${d(Math.max(0, roomiest.free))} (allocatable ${d(roomiest.n.allocatableBytes)}${used})`,
      );
    }
  }

  // Quota rule: judge the steady state, every replica replaced: used + (after - before) x replicas
  // must stay within hard. A rolling update with surge briefly runs an old and a new pod side by
  // side (at most used + replicas x after - (replicas - 1) x before). If that moment does not fit,
  // a rollout that may stop an old pod first waits for it (a note); one with maxUnavailable 0 never
  // stops one, so the quota refuses its surge pod for good (a problem).
  for (const q of list(input.quotas)) {
    for (const key of ['requests.memory', 'memory', 'limits.memory'] as const) {
      const hard = q.hard?.[key];
      if (hard === undefined) continue;
      const [was, will] = key === 'limits.memory' ? [before.limitBytes, after.limitBytes] : [before.requestBytes, after.requestBytes];
      if (key === 'limits.memory' && after.unlimited.length > 0) {
        out.upper.push(`ResourceQuota ${q.name} sets limits.memory, so every container needs a memory limit; these have none: ${after.unlimited.join(', ')}`);
      }
      const used = q.used?.[key] ?? 0;
      const need = used + (will - was) * input.replicas;
      if (will <= was) continue;
      if (need > hard) {
        out.upper.push(`ResourceQuota ${q.name}: ${key} would reach ${d(need)} (${d(used)} used + ${input.replicas} x ${d(will - was)} more per pod), above its hard ${d(hard)}`);
      } else if (input.replicas > 0 && need + was > hard && input.surgeFirst === true) {
        out.upper.push(`ResourceQuota ${q.name}: the rollout starts each new pod before it stops an old one (maxUnavailable 0) and would need ${d(need + was)} of ${key}, above its hard ${d(hard)}: admission refuses the new pod and the rollout stalls`);
      } else if (input.replicas > 0 && need + was > hard) {
        out.notes.push(`ResourceQuota ${q.name}: a rolling update briefly runs an old and a new pod side by side and needs ${d(need + was)} of ${key}, above its hard ${d(hard)}: new pods will wait for old ones to stop`);
      }
    }
  }

  const effectiveRequest = request ?? limit;
  for (const lr of list(input.limitRanges)) {
    if (lr.containerMaxBytes !== undefined && limit > lr.containerMaxBytes) {
      out.upper.push(`LimitRange ${lr.name}: maximum memory usage per Container is ${d(lr.containerMaxBytes)}, but the limit would be ${d(limit)}`);
    }
    if (lr.maxLimitRequestRatio !== undefined) {
      if (effectiveRequest === 0) out.upper.push(`LimitRange ${lr.name}: memory max limit to request ratio per Container is ${lr.maxLimitRequestRatio}, but the request would be 0`);
      else if (limit / effectiveRequest > lr.maxLimitRequestRatio) {
        out.upper.push(
          `LimitRange ${lr.name}: memory max limit to request ratio per Container is ${lr.maxLimitRequestRatio}, but limit ${d(limit)} / request ${d(effectiveRequest)} would be ${(limit / effectiveRequest).toFixed(2)}`,
        );
      }
    }
    if (lr.containerMinBytes !== undefined && effectiveRequest < lr.containerMinBytes) {
      out.lower.push(`LimitRange ${lr.name}: minimum memory usage per Container is ${d(lr.containerMinBytes)}, but the request would be ${d(effectiveRequest)}`);
    }
  }
  return out;
}

function invalid(input: ScheduleCheckInput): string[] {
  const problems: string[] = [];
  if (!(Number.isSafeInteger(input.newLimitBytes) && input.newLimitBytes > 0)) problems.push(`the new limit must be a positive whole number of bytes, got ${String(input.newLimitBytes)}`);
  if (input.newRequestBytes !== null && !(Number.isSafeInteger(input.newRequestBytes) && input.newRequestBytes >= 0)) problems.push(`the new request must be a whole number of bytes or null, got ${String(input.newRequestBytes)}`);
  if (!(Number.isSafeInteger(input.replicas) && input.replicas >= 0)) problems.push(`replicas must be a whole number of at least 0, got ${String(input.replicas)}`);
  if (!(Number.isSafeInteger(input.maxBytes) && input.maxBytes > 0)) problems.push(`maxBytes must be a positive whole number of bytes, got ${String(input.maxBytes)}`);
  if (input.nodes !== null && !Array.isArray(input.nodes)) problems.push('nodes must be a list, or null when they could not be read');
  for (const n of list(input.nodes)) {
    if (!num(n?.allocatableBytes) || (n.requestedBytes !== undefined && !num(n.requestedBytes))) problems.push(`node ${String(n?.name)}: allocatable and requested memory must be numbers of bytes`);
  }
  for (const q of list(input.quotas)) {
    const amounts = [...Object.values(q?.hard ?? {}), ...Object.values(q?.used ?? {})];
    if (typeof q?.hard !== 'object' || amounts.some((v) => !num(v))) problems.push(`ResourceQuota ${String(q?.name)}: hard and used memory must be numbers of bytes`);
  }
  for (const lr of list(input.limitRanges)) {
    const values = [lr?.containerMaxBytes, lr?.containerMinBytes, lr?.maxLimitRequestRatio].filter((v) => v !== undefined);
    if (typeof lr !== 'object' || lr === null || values.some((v) => !num(v))) problems.push(`LimitRange ${String(lr?.name)}: max, min and ratio must be non-negative numbers`);
  }
  return problems;
}

function currentLimit(input: ScheduleCheckInput): number {
  const field = input.container.kind === 'init' ? 'initContainers' : 'containers';
  const text = list(input.podSpec[field]).find((c) => c?.name === input.container.name)?.resources?.limits?.memory;
  try {
    return text === undefined ? 0 : parseQuantity(String(text));
  } catch (error) {
    if (error instanceof QuantityError) return 0;
    throw error;
  }
}

/** The largest limit in (current, maxBytes] passing every check: the checks that only get worse as the limit grows are searched by bisection. */
function largestThatFits(input: ScheduleCheckInput): number | null {
  const current = currentLimit(input);
  const passes = (limit: number) => judge(input, limit).upper.length === 0;
  let lo = current + 1;
  let hi = input.maxBytes;
  if (lo > hi || !passes(lo)) return null;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (passes(mid)) lo = mid;
    else hi = mid - 1;
  }
  const step = input.roundToBytes ?? 0;
  const best = step > 0 ? Math.floor(lo / step) * step : lo;
  if (best <= current) return null;
  const final = judge(input, best);
  return final.upper.length === 0 && final.lower.length === 0 ? best : null;
}

/**
 * Whether the patched pod can run: a node with room for its effective request (max of init
 * containers vs. app containers and sidecars, plus overhead), every ResourceQuota's memory after
 * all replicas are replaced, and every LimitRange's per-Container max, min and
 * maxLimitRequestRatio (applied by the LimitRanger to init containers too). Node room is judged
 * per pod: at least one node can take one new pod; replicas are not bin-packed.
 */
export function checkSchedulable(input: ScheduleCheckInput): ScheduleCheck {
  const totalNodes = Array.isArray(input?.nodes) ? input.nodes.length : 0;
  const bad = typeof input === 'object' && input !== null ? invalid(input) : ['the input is not a schedule check'];
  if (bad.length > 0) return { fits: false, fitsNodes: 0, totalNodes, problems: bad, notes: [], largestThatFits: null, before: null, after: null };
  const j = judge(input, input.newLimitBytes);
  // Unreadable quantities in the spec were counted as unset: worth knowing, not a refusal.
  const unreadable = [...new Set([...(j.before?.problems ?? []), ...(j.after?.problems ?? [])])];
  return {
    fits: j.upper.length === 0 && j.lower.length === 0,
    fitsNodes: j.fitsNodes,
    totalNodes,
    problems: [...j.upper, ...j.lower],
    notes: [...j.notes, ...unreadable],
    largestThatFits: j.before ? largestThatFits(input) : null,
    before: j.before,
    after: j.after,
  };
}
