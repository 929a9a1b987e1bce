import { diagnoseOom } from '../../core/rules/diagnose-oom.js';
import type { DetectResult } from '../../core/step-results.js';
import type { Step } from '../step-types.js';

/** Reads the pod and its events and confirms an OOM kill; anything else ends the run with a plain verdict. */
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
  if (diagnosis.verdict === 'killed') {
    const detail = `${diagnosis.summary}. A higher memory limit would not help.`;
    return {
      status: 'finished',
      verdict: 'not-oom',
      stepStatus: 'succeeded',
      message: detail,
      findings: [{ title: 'Killed by SIGKILL, not by the OOM killer', severity: 'warning', detail }],
      result: { events: eventLines },
    };
  }
  const { container } = diagnosis;
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
    ],
  };
};
