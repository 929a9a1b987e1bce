/** A pod event as the triage reads it; `fieldPath` (flat or under involvedObject) names the container when the kubelet set it. */
export interface TriageEvent {
  reason?: string;
  message?: string;
  type?: string;
  fieldPath?: string;
  involvedObject?: { fieldPath?: string };
}

export interface OomEvidence {
  /** `oom_kill` from the container's cgroup memory.events. */
  memoryEventsOomKills?: number;
  /** The node's OOMKilling event (node-problem-detector) names this container's process. */
  nodeOomKill?: boolean;
  /** A measured peak came close to the limit. */
  peakNearLimit?: boolean;
}

export interface Exit137Input {
  /** The pod's recent events. */
  events: TriageEvent[];
  containerName: string;
  oomEvidence: OomEvidence;
}

export type Exit137Cause = 'liveness-probe' | 'startup-probe' | 'prestop-grace' | 'eviction' | 'unknown';

export type Exit137Triage = { verdict: 'oom-kill'; why: string } | { verdict: 'other'; cause: Exit137Cause; why: string };

// Long enough for the kubelet's eviction message with its numbers (~180 characters), short enough for one card line.
const MAX_MESSAGE = 240;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

interface Seen {
  reason: string;
  message: string;
}

/** Events about this container or the whole pod; an event whose fieldPath names another container is not ours. */
function relevant(events: unknown, container: string): Seen[] {
  if (!Array.isArray(events)) return [];
  const out: Seen[] = [];
  for (const e of events as unknown[]) {
    if (typeof e !== 'object' || e === null) continue;
    const { reason, message, fieldPath, involvedObject } = e as TriageEvent;
    const path = typeof fieldPath === 'string' ? fieldPath : typeof involvedObject?.fieldPath === 'string' ? involvedObject.fieldPath : '';
    // The kubelet writes spec.containers{name} or spec.initContainers{name}.
    const named = /\{([^}]*)\}\s*$/.exec(path)?.[1];
    if (named !== undefined && named !== container) continue;
    out.push({ reason: typeof reason === 'string' ? reason : '', message: typeof message === 'string' ? message : '' });
  }
  return out;
}

/** The container the kubelet names in "Container X failed liveness probe" / "Stopping container X", if any. */
function namedContainer(message: string): string | null {
  return /^(?:Stopping )?[Cc]ontainer (\S+)/.exec(message)?.[1] ?? null;
}

function oomWhy(evidence: OomEvidence): string[] {
  const why: string[] = [];
  const kills = evidence.memoryEventsOomKills;
  if (typeof kills === 'number' && Number.isFinite(kills) && kills > 0) why.push(`its cgroup's memory.events counts ${kills} OOM kill${kills === 1 ? '' : 's'}`);
  if (evidence.nodeOomKill === true) why.push("the node's OOMKilling event names its process");
  if (evidence.peakNearLimit === true) why.push('its measured memory peaked near its limit');
  return why;
}

/**
 * Exit 137 (128 + SIGKILL) without reason OOMKilled is ambiguous: the kernel's OOM killer, the
 * kubelet, or a person sent SIGKILL. Memory evidence decides first: any of it says OOM kill (the
 * runtime can miss the kernel's event, e.g. when a child process was the victim). Otherwise the
 * kubelet's events (reasons from kubernetes pkg/kubelet/events), strongest first:
 * 1. Killing "Container X failed liveness probe, will be restarted" (or startup probe);
 * 2. Evicted ("The node was low on resource: memory") or Preempted: the pod was removed from its node;
 * 3. FailedPreStopHook, UnfinishedPreStopHook, ExceededGracePeriod: it was stopped and outlived its grace period;
 * 4. Killing "Stopping container X": stopped and, since it exited 137 and not 143, still running at
 *    the end of terminationGracePeriodSeconds;
 * 5. Unhealthy "Liveness probe failed" / "Startup probe failed" without the Killing event;
 * else unknown, with what to check.
 */
export function triageExit137(input: Exit137Input): Exit137Triage {
  const container = typeof input?.containerName === 'string' ? input.containerName : '';
  const evidence = typeof input?.oomEvidence === 'object' && input.oomEvidence !== null ? input.oomEvidence : {};
  const oom = oomWhy(evidence);
  if (oom.length > 0) {
    return { verdict: 'oom-kill', why: `exit 137 without OOMKilled, but ${oom.join(' and ')}: an OOM kill the container runtime did not record` };
  }

  const events = relevant(input?.events, container);
  const first = (test: (e: Seen) => boolean) => events.find(test);
  const ours = (e: Seen) => {
    const name = namedContainer(e.message);
    return name === null || name === container;
  };
  const other = (cause: Exit137Cause, why: string): Exit137Triage => ({ verdict: 'other', cause, why });

  for (const [probe, cause] of [['liveness', 'liveness-probe'], ['startup', 'startup-probe']] as const) {
    const killed = first((e) => e.reason === 'Killing' && new RegExp(`failed ${probe} probe`, 'i').test(e.message) && ours(e));
    if (killed) return other(cause, `the kubelet killed it for failing its ${probe} probe (Killing: ${clip(killed.message)}); fix the probe or the slow start, not the memory limit`);
  }
  const evicted = first((e) => e.reason === 'Evicted' || e.reason === 'Preempted' || /^Preempted by/i.test(e.message));
  if (evicted) {
    const byPressure = /low on resource: memory/i.test(evicted.message);
    const what = evicted.reason === 'Evicted' ? (byPressure ? "the node ran low on memory and the kubelet evicted the pod" : 'the kubelet evicted the pod') : 'a higher-priority pod preempted it';
    const advice = byPressure ? "node memory pressure, not the container's limit: check the node and the pod's memory request" : 'not its memory limit';
    return other('eviction', `${what} (${evicted.reason || 'event'}: ${clip(evicted.message)}); ${advice}`);
  }
  const hook = first((e) => ['FailedPreStopHook', 'UnfinishedPreStopHook', 'ExceededGracePeriod'].includes(e.reason));
  if (hook) {
    return other('prestop-grace', `it was being stopped and outlived its grace period (${hook.reason}: ${clip(hook.message)}); shorten the preStop hook or raise terminationGracePeriodSeconds`);
  }
  const stopping = first((e) => e.reason === 'Killing' && /^Stopping container/i.test(e.message) && ours(e));
  if (stopping) {
    return other('prestop-grace', `the kubelet stopped it (Killing: ${clip(stopping.message)}) and it exited 137, not 143: it was still running when terminationGracePeriodSeconds ran out and got SIGKILL`);
  }
  for (const [probe, cause] of [['Liveness', 'liveness-probe'], ['Startup', 'startup-probe']] as const) {
    const unhealthy = first((e) => e.reason === 'Unhealthy' && e.message.startsWith(`${probe} probe failed`));
    if (unhealthy) return other(cause, `its ${probe.toLowerCase()} probe was failing (Unhealthy: ${clip(unhealthy.message)}); the kubelet kills a container after failureThreshold failures`);
  }
  const zero = evidence.memoryEventsOomKills === 0 ? "; its cgroup's memory.events counts no OOM kill" : '';
  return other(
    'unknown',
    `no memory evidence and no event explains the SIGKILL${zero}: a manual kill, the container runtime, or an OOM kill whose evidence was not collected; read memory.events in the container and the node's kernel log (OOMKilling events)`,
  );
}
