import type { Finding } from '../../core/finding.js';
import { describeSubject } from '../../core/incident.js';
import { PATCHABLE_KINDS } from '../../core/k8s-types.js';
import { buildImageSwapPatch } from '../../core/rules/build-image-swap-patch.js';
import { formatQuantity, parseQuantity } from '../../core/quantity.js';
import { escalations } from '../../core/run.js';
import { planLimit } from '../../core/rules/plan-limit.js';
import type { ProposeResult } from '../../core/step-results.js';
import type { Step } from '../step-types.js';

/** Plans the new memory limit for the owner workload's pod template; bare pods and other owners are reported, not patched. */
export const proposeStep: Step<'propose'> = async ({ incident, run, runbook, required, resultOf }) => {
  const detect = required('detect');
  const peaks = (resultOf('evidence').evidence ?? []).filter((e) => e.kind === 'measured-peak').map((e) => e.bytes);
  const peak = peaks.length > 0 ? Math.max(...peaks) : null;
  // After an escalation the workload carries the last approved limit: that is the one to raise.
  const current = Math.max(detect.limitBytes ?? 0, ...escalations(run).map((kill) => kill.bytes)) || null;
  const currentLimit = current === null ? null : current === detect.limitBytes ? detect.limit : formatQuantity(current);
  const settings = runbook.steps.propose;
  const plan = planLimit({
    currentLimitBytes: current,
    peakBytes: peak,
    headroom: settings.headroom,
    fallbackFactor: settings.fallbackFactor,
    maxBytes: run.spec.maxLimitBytes,
    roundToBytes: parseQuantity(settings.roundTo),
  });
  if (!plan.ok) {
    return { status: 'finished', verdict: 'no-plan', stepStatus: 'failed', message: plan.reason, findings: [{ title: 'No limit to propose', severity: 'critical', detail: plan.reason }] };
  }
  const owner = incident.owner;
  const subject = describeSubject(incident);
  if (!owner || !(PATCHABLE_KINDS as readonly string[]).includes(owner.kind)) {
    const why = owner
      ? `${subject} is not a Deployment, StatefulSet or DaemonSet, so oom-check will not patch it`
      : `pod ${incident.namespace}/${incident.pod} has no owner workload: oom-check patches workloads, never bare pods`;
    const message = `${why}. Recreate it with limits.memory ${plan.limit} on container ${detect.container} (${plan.rationale}).`;
    return {
      status: 'finished',
      verdict: owner ? 'unsupported-owner' : 'bare-pod',
      stepStatus: 'succeeded',
      message,
      findings: [{ title: 'Nothing to patch', severity: 'warning', detail: message }],
    };
  }
  const { container } = detect;
  const findings: Finding[] = [
    {
      title: `Proposed: limits.memory ${currentLimit ?? 'none'} -> ${plan.limit}`,
      severity: 'info',
      detail: `${subject}, ${detect.containerKind === 'init' ? 'initContainer' : 'container'} ${container}: ${plan.rationale}`,
      diff: { before: { 'limits.memory': currentLimit ?? '(none)' }, after: { 'limits.memory': plan.limit } },
    },
  ];
  const slim = runbook.quickDowngrade.image;
  if (slim && detect.containerKind === 'init') {
    const swap = buildImageSwapPatch({ kind: 'init', container, image: slim });
    if (swap.ok) {
      findings.push({
        title: 'Alternative: quick downgrade',
        severity: 'info',
        detail: `Swap initContainer ${container} to the slim image ${slim} (at most ${runbook.quickDowngrade.maxImageMiB} MiB, digest-pinned) instead of raising the limit.`,
      });
    }
  }
  const result: ProposeResult = {
    limit: plan.limit,
    limitBytes: plan.limitBytes,
    previousLimit: currentLimit,
    rationale: plan.rationale,
    workload: subject,
    container,
    containerKind: detect.containerKind,
    round: run.round,
    maxSteps: runbook.steps.propose.maxSteps,
  };
  return { status: 'succeeded', message: `${currentLimit ?? 'no limit'} -> ${plan.limit}: ${plan.rationale}`, result: { ...result }, findings };
};
