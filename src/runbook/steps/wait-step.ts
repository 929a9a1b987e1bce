import { evaluateRollout, type RolloutState } from '../../core/rules/evaluate-rollout.js';
import { resultAs, StepInterrupted, verificationFailed, type Step } from '../step-types.js';
import type { ApplyResult } from './apply-step.js';
import type { DetectResult } from './detect-step.js';

/**
 * The seed's `kubectl wait --for=condition=Initialized`: watches the workload's new pods until
 * one is Initialized. A new OOM kill fails at once rather than at the timeout.
 */
export const waitStep: Step = async ({ cluster, run, runbook, resultOf, signal }) => {
  const detect = resultAs<DetectResult>(resultOf('detect'));
  const apply = resultAs<ApplyResult>(resultOf('apply'));
  const timeoutSeconds = runbook.steps.wait.timeoutSeconds;
  const watched = { kind: detect.containerKind ?? 'init', name: detect.container ?? '' };
  let last: RolloutState = { state: 'pending', detail: 'no new pod yet' };
  const outcome = await cluster.watchPods(
    run.spec.target.namespace,
    apply.selector ?? '',
    (pods) => {
      last = evaluateRollout(pods, apply.podUids ?? [], watched);
      return last.state !== 'pending';
    },
    { timeoutMs: timeoutSeconds * 1000, signal },
  );
  // Shutdown, not a verdict: the run resumes the wait after a restart.
  if (outcome === 'aborted') throw new StepInterrupted('the wait was interrupted before a new pod was Initialized');
  const state = last as RolloutState;
  if (outcome === 'done' && state.state === 'initialized') {
    return { status: 'succeeded', message: `new pod ${state.pod} is Initialized`, result: { pod: state.pod } };
  }
  const message =
    state.state === 'oom-killed'
      ? `${state.detail}: the new limit is still too low`
      : `no new pod became Initialized within ${timeoutSeconds} s (${state.state === 'pending' ? state.detail : state.pod})`;
  return verificationFailed('The fix did not verify', message, 'Roll back the patch, or approve a higher limit in a new run');
};
