import type { WorkloadRef } from '../../core/incident.js';
import { parseQuantity } from '../../core/quantity.js';
import { memoryOf } from '../../core/rules/build-patch.js';
import { findSpecContainer } from '../../core/rules/find-spec-container.js';
import { describeBytes } from '../../core/rules/describe-bytes.js';
import { evaluateRollout, type RolloutState } from '../../core/rules/evaluate-rollout.js';
import type { ImageFacts } from '../../core/evidence-ports.js';
import { StepInterrupted, verificationFailed, type Step } from '../step-types.js';
import { verifySwap } from './verify-swap.js';

/**
 * The seed's `kubectl wait --for=condition=Initialized`: watches the workload's new pods until
 * one is Initialized. A new OOM kill fails at once rather than at the timeout. A cluster that
 * stops answering is not a verdict: the watch fails as unreachable and the run stays resumable.
 * A quick downgrade is verified further (digest and size, see verify-swap) and rolled back when
 * it fails, rather than escalated: the next fix is the limit, in a new run.
 */
export function waitStepWith(imageFacts: ImageFacts | null): Step<'wait'> {
  return async ({ cluster, incident, run, runbook, required, signal }) => {
    const detect = required('detect');
    const apply = required('apply');
    const swap = apply.swap;
    const timeoutSeconds = runbook.steps.wait.timeoutSeconds;
    const watched = { kind: detect.containerKind, name: detect.container };
    let last: RolloutState = { state: 'pending', detail: 'no new pod yet' };
    const outcome = await cluster.watchPods(
      run.spec.target.namespace,
      apply.selector,
      (pods) => {
        last = evaluateRollout(pods, apply.podUids, watched, apply.limit, swap?.image);
        return last.state !== 'pending';
      },
      { timeoutMs: timeoutSeconds * 1000, signal },
    );
    // Shutdown, not a verdict: the run resumes the wait after a restart.
    if (outcome === 'aborted') throw new StepInterrupted('the wait was interrupted before a new pod was Initialized');
    const state = last as RolloutState;
    if (outcome === 'done' && state.state === 'initialized') {
      const offer = required('propose').downgrade;
      if (swap && offer) return verifySwap({ cluster, imageFacts, namespace: run.spec.target.namespace, pod: state.pod, swap, offer });
      return { status: 'succeeded', message: `new pod ${state.pod} is Initialized`, result: { pod: state.pod } };
    }
    if (state.state === 'unpatched') {
      // Blame what ran, not the approved change: read the workload again before saying anything.
      const owner = incident.owner as WorkloadRef;
      const workload = await cluster.getWorkload(run.spec.target.namespace, owner);
      const where = `${owner.kind} ${run.spec.target.namespace}/${owner.name}`;
      if (swap) {
        const image = findSpecContainer(workload.spec.template.spec, detect.containerKind, swap.container)?.image ?? null;
        const message = image === swap.image
          ? `${state.detail}: ${where} has the slim image again, but the pod did not run it`
          : `${state.detail}: ${where} no longer has the swap (its template says ${image ?? 'no image'}); it was reverted by another writer (a GitOps sync?)`;
        return verificationFailed('The quick downgrade is not in place', message, 'Run the checklist again to re-apply it, and find who reverts it');
      }
      const now = memoryOf(workload, detect.containerKind, detect.container)?.limit ?? null;
      const message = now === apply.limit
        ? `${state.detail}: ${where} has ${apply.limit} again, but the pod did not run with it`
        : `${state.detail}: ${where} no longer has the patch (its template says ${now ?? 'no limit'}); it was reverted by another writer (a GitOps sync?) or lost by the API server`;
      return verificationFailed('The patch is not in place', message, `Run the checklist again on the workload to re-apply ${apply.limit}, and find who reverts it`);
    }
    if (state.state === 'oom-killed' && swap) {
      return verificationFailed('The quick downgrade did not help', `${state.detail}: the slim image needs more memory too`, 'It is rolled back; approve the limit in a new run instead', true);
    }
    if (state.state === 'oom-killed') {
      // A kill at the approved limit is evidence: it needed more than that. The next round rests on it.
      const bytes = parseQuantity(apply.limit);
      return {
        status: 'escalate',
        message: `${state.detail}: the new limit is still too low`,
        evidence: { source: 'oom-kill', kind: 'lower-bound', bytes, detail: `pod ${state.pod} was OOMKilled again at the new ${describeBytes(bytes)} limit: it needs more than that` },
      };
    }
    const message = `no new pod became Initialized within ${timeoutSeconds} s (${state.state === 'pending' ? state.detail : state.pod})`;
    if (swap) return verificationFailed('The quick downgrade did not verify', message, 'It is rolled back; approve the limit in a new run instead', true);
    return verificationFailed('The fix did not verify', message, 'Roll back the patch, or approve a higher limit in a new run');
  };
}

export const waitStep: Step<'wait'> = waitStepWith(null);
