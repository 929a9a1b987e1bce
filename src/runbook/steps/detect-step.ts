import { diagnoseOom } from '../../core/rules/diagnose-oom.js';
import type { DetectResult } from '../../core/step-results.js';
import { isClusterError } from '../../core/cluster-error.js';
import type { Pod, PodEvent } from '../../core/k8s-types.js';
import type { Cluster } from '../../core/ports.js';
import type { KilledContainer } from '../../core/rules/diagnose-oom.js';
import { triageExit137, type Exit137Cause, type Exit137Triage } from '../../core/rules/triage-exit-137.js';
import { kernelOomReport } from '../evidence/kernel-report.js';
import type { Step } from '../step-types.js';

const CAUSE_WORDS: Record<Exit137Cause, string> = {
  'liveness-probe': 'failed liveness probe',
  'startup-probe': 'failed startup probe',
  'prestop-grace': 'stopped past its grace period',
  eviction: 'evicted',
  unknown: 'cause unknown',
};

/** The memory evidence within reach at detection (the node's kernel report), then the rule. */
async function triage137(cluster: Cluster, pod: Pod, container: KilledContainer, events: PodEvent[]): Promise<Exit137Triage> {
  const node = pod.spec.nodeName;
  // Node events are a bonus: a cluster that will not show them leaves the triage to the pod's events.
  const report = node ? await kernelOomReport(cluster, node, container.name, container.killedAt).catch((error: unknown) => (isClusterError(error) ? null : Promise.reject(error))) : null;
  const triageEvents = events.map((event) => ({ ...event, ...(event.involvedObject?.fieldPath ? { fieldPath: event.involvedObject.fieldPath } : {}) }));
  return triageExit137({ events: triageEvents, containerName: container.name, oomEvidence: { nodeOomKill: report !== null && report.kill.process === container.name } });
}

/**
 * Reads the pod and its events and confirms an OOM kill; anything else ends the run with a plain
 * verdict. A bare exit 137 is triaged: an OOM kill when the node's kernel report names the
 * container's process, otherwise the kubelet's events name the likely cause and nothing is patched.
 */
export const detectStep: Step<'detect'> = async ({ cluster, run, runbook }) => {
  const { namespace, pod: podName } = run.spec.target;
  const pod = await cluster.getPod(namespace, podName);
  const events = await cluster.podEvents(namespace, podName, runbook.steps.detect.recentEvents);
  const eventLines = events.map((event) => `${event.type ?? 'Normal'} ${event.reason ?? ''}: ${event.message ?? ''}`.trim());
  const diagnosis = diagnoseOom(pod);
  if (diagnosis.verdict === 'not-oom') {
    return {
      status: 'finished',
      verdict: 'not-oom',
      stepStatus: 'succeeded',
      message: diagnosis.reason,
      findings: [{ title: 'Not an OOM kill', severity: 'info', detail: diagnosis.reason }],
      result: { events: eventLines },
    };
  }
  const { container } = diagnosis;
  // Exit 137 without OOMKilled is ambiguous: memory evidence makes it an OOM kill, the kubelet's events name another cause.
  const triage = diagnosis.verdict === 'killed' ? await triage137(cluster, pod, container, events) : null;
  if (triage?.verdict === 'other') {
    const detail = `${diagnosis.summary}, not an OOM kill: ${triage.why}. A higher memory limit would not help.`;
    return {
      status: 'finished',
      verdict: 'not-oom',
      stepStatus: 'succeeded',
      message: detail,
      findings: [{ title: `Killed by SIGKILL, not by the OOM killer (${CAUSE_WORDS[triage.cause]})`, severity: 'warning', detail }],
      result: { events: eventLines },
    };
  }
  const result: DetectResult = {
    container: container.name,
    containerKind: container.kind,
    limit: container.limit,
    limitBytes: container.limitBytes,
    request: container.request,
    restartCount: container.restartCount,
    oomKilledAt: container.killedAt,
    image: container.image,
    podUid: pod.metadata.uid ?? null,
    annotations: pod.metadata.annotations ?? {},
    events: eventLines,
  };
  return {
    status: 'succeeded',
    message: diagnosis.summary,
    result: { ...result },
    timeline: { container: container.name, limit: container.limit, restartCount: container.restartCount, ...(container.killedAt ? { oomKilledAt: container.killedAt } : {}) },
    findings: [
      {
        title: `${container.kind === 'init' ? 'initContainer' : 'Container'} ${container.name} OOMKilled`,
        severity: 'critical',
        detail: diagnosis.summary,
        ...(diagnosis.others.length > 0 ? { advice: diagnosis.others.map((other) => `Also killed: ${other.kind} container ${other.name} (exit ${other.exitCode})`) } : {}),
      },
      ...(triage ? [{ title: 'Exit 137 read as an OOM kill', severity: 'info' as const, detail: triage.why }] : []),
    ],
  };
};
