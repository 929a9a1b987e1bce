import type { Finding } from '../../core/finding.js';
import { describeSubject, type WorkloadRef } from '../../core/incident.js';
import { PATCHABLE_KINDS } from '../../core/k8s-types.js';
import { formatQuantity, parseQuantity } from '../../core/quantity.js';
import { escalations } from '../../core/run.js';
import { bytesOrNull } from '../../core/rules/bytes-or-null.js';
import { checkSchedulable } from '../../core/rules/check-schedulable.js';
import { detectGitopsOwner } from '../../core/rules/detect-gitops-owner.js';
import { describeBytes } from '../../core/rules/describe-bytes.js';
import { findSpecContainer } from '../../core/rules/find-spec-container.js';
import { planMemoryLimit } from '../../core/rules/plan-memory-limit.js';
import { planQuickDowngrade } from '../../core/rules/plan-quick-downgrade.js';
import { schedulingInputs } from '../../core/rules/scheduling-inputs.js';
import type { ProposeResult } from '../../core/step-results.js';
import { rolloutWaitsForNewPod } from '../../core/rules/rollout-overlap.js';
import { readScheduleFacts } from '../proposal/read-schedule-facts.js';
import type { Step, StepOutcome } from '../step-types.js';

const noPlan = (message: string): StepOutcome => ({ status: 'finished', verdict: 'no-plan', stepStatus: 'failed', message, findings: [{ title: 'No limit to propose', severity: 'critical', detail: message }] });

/**
 * Plans the new memory limit from the best evidence (a measured peak / 0.85; with only a lower
 * bound, the Vertical Pod Autoscaler's bump after an OOM kill), checks that the patched pod will
 * schedule (nodes, quota, LimitRange) and who owns the manifest (Argo CD, Flux, Helm revert a live
 * edit). Bare pods and other owners are reported, not patched.
 */
export const proposeStep: Step<'propose'> = async ({ incident, run, runbook, cluster, required, resultOf }) => {
  const detect = required('detect');
  const settings = runbook.steps.propose;
  const roundToBytes = parseQuantity(settings.roundTo);
  // After an escalation the workload carries the last approved limit: that is the one to raise.
  const kills = escalations(run);
  const current = Math.max(detect.limitBytes ?? 0, ...kills.map((kill) => kill.bytes)) || null;
  const currentLimit = current === null ? null : current === detect.limitBytes ? detect.limit : formatQuantity(current);
  const owner = incident.owner;
  const subject = describeSubject(incident);
  const patchable = owner !== null && (PATCHABLE_KINDS as readonly string[]).includes(owner.kind);
  const workload = patchable ? await cluster.getWorkload(incident.namespace, owner as WorkloadRef) : null;
  const spec = workload ? findSpecContainer(workload.spec.template.spec, detect.containerKind, detect.container) : null;
  const plan = planMemoryLimit({
    currentLimitBytes: current,
    currentRequestBytes: bytesOrNull(spec?.resources?.requests?.memory ?? detect.request),
    evidence: [...(resultOf('evidence').evidence ?? []), ...kills],
    headroom: settings.headroom,
    oomBumpRatio: settings.oomBumpRatio,
    oomMinBumpBytes: parseQuantity(settings.oomMinBump),
    roundToBytes,
    maxBytes: run.spec.maxLimitBytes,
  });
  if (!plan.ok) return noPlan(plan.reason);
  if (!workload) {
    const why = owner
      ? `${subject} is not a Deployment, StatefulSet or DaemonSet, so oom-check will not patch it`
      : `pod ${incident.namespace}/${incident.pod} has no owner workload: oom-check patches workloads, never bare pods`;
    const message = `${why}. Recreate it with limits.memory ${plan.limit} on container ${detect.container} (${plan.rule}).`;
    return { status: 'finished', verdict: owner ? 'unsupported-owner' : 'bare-pod', stepStatus: 'succeeded', message, findings: [{ title: 'Nothing to patch', severity: 'warning', detail: message }] };
  }

  const replicas = workload.kind === 'DaemonSet' ? null : (workload.spec.replicas ?? 1);
  const facts = await readScheduleFacts(cluster, incident.namespace);
  const selector = Object.entries(workload.spec.selector.matchLabels ?? {});
  const inputs = schedulingInputs(facts, (pod) => pod.metadata.namespace === incident.namespace && selector.length > 0 && selector.every(([key, value]) => pod.metadata.labels?.[key] === value));
  const surgeFirst = rolloutWaitsForNewPod(workload);
  const check = (limitBytes: number, requestBytes: number | null, surge = surgeFirst) =>
    checkSchedulable({ podSpec: workload.spec.template.spec, container: { kind: detect.containerKind, name: detect.container }, newLimitBytes: limitBytes, newRequestBytes: requestBytes, replicas: replicas ?? 1, surgeFirst: surge, ...inputs, maxBytes: run.spec.maxLimitBytes, roundToBytes });
  let schedule = check(plan.limitBytes, plan.requestBytes);
  let limitBytes = plan.limitBytes;
  let rationale = plan.rule;
  const findings: Finding[] = [];
  if (!schedule.fits) {
    const fallback = schedule.largestThatFits;
    if (fallback === null || current === null || fallback <= current) {
      // The surge is what does not fit: a rollout that stops the old pod first would run it.
      const withoutSurge = surgeFirst && check(plan.limitBytes, plan.requestBytes, false).fits;
      const way = withoutSurge
        ? `it would run if the rollout stopped the old pod first (strategy Recreate, or rollingUpdate.maxUnavailable of at least 1), at the cost of downtime`
        : 'free capacity, or raise the quota or LimitRange first';
      return noPlan(`${plan.limit} would not run: ${schedule.problems.join('; ')}. No limit above ${currentLimit ?? 'the current one'} fits: ${way}.`);
    }
    // The most that can run, said plainly: it may not be enough, and the approver should know why.
    findings.push({ title: `${plan.limit} would not schedule`, severity: 'warning', detail: `${schedule.problems.join('; ')}. Proposing ${describeBytes(fallback)} instead, the most that fits; it may not be enough.` });
    rationale = `${plan.rule}; that cannot schedule, so ${describeBytes(fallback)}, the most that fits`;
    limitBytes = fallback;
    schedule = check(fallback, plan.requestBytes === null ? null : Math.min(plan.requestBytes, fallback));
  }
  const limit = formatQuantity(limitBytes);
  const requestBytes = plan.requestBytes === null ? null : Math.min(plan.requestBytes, limitBytes);
  const currentRequest = bytesOrNull(spec?.resources?.requests?.memory);
  const request = requestBytes !== null && requestBytes !== currentRequest ? formatQuantity(requestBytes) : null;
  const gitops = detectGitopsOwner({ labels: workload.metadata.labels ?? {}, annotations: workload.metadata.annotations ?? {} });
  const kind = detect.containerKind === 'init' ? 'initContainer' : 'container';
  findings.unshift({
    title: `Proposed: limits.memory ${currentLimit ?? 'none'} -> ${limit}${request ? `, requests.memory -> ${request}` : ''}`,
    severity: 'info',
    detail: `${subject}, ${kind} ${detect.container}: ${rationale}`,
    diff: { before: { 'limits.memory': currentLimit ?? '(none)' }, after: { 'limits.memory': limit } },
    ...(plan.notes.length + facts.notes.length + schedule.notes.length > 0 ? { advice: [...plan.notes, ...facts.notes, ...schedule.notes] } : {}),
  });
  if (gitops) findings.push({ title: `Managed by ${gitops.source}`, severity: 'warning', detail: `The patch is a temporary mitigation: ${gitops.revertsWhen}.`, advice: [gitops.followUp] });
  const downgrade = planQuickDowngrade({ config: runbook.quickDowngrade, container: { kind: detect.containerKind, name: detect.container }, podSpec: workload.spec.template.spec });
  if (downgrade.finding) findings.push(downgrade.finding);
  const result: ProposeResult = {
    limit,
    limitBytes,
    previousLimit: currentLimit,
    rationale,
    workload: subject,
    container: detect.container,
    containerKind: detect.containerKind,
    basis: plan.basis,
    evidence: plan.used,
    request,
    requestNote: plan.requestNote,
    ...(replicas !== null ? { rolls: replicas } : {}),
    schedule: { fits: schedule.fits, fitsNodes: schedule.fitsNodes, totalNodes: schedule.totalNodes, problems: schedule.problems },
    owner: gitops ? { tool: gitops.tool, source: gitops.source, revertsLiveEdits: gitops.revertsLiveEdits, followUp: gitops.followUp } : null,
    round: run.round,
    maxSteps: settings.maxSteps,
    downgrade: downgrade.offer,
  };
  return { status: 'succeeded', message: `${currentLimit ?? 'no limit'} -> ${limit}: ${rationale}`, result: { ...result }, findings };
};
