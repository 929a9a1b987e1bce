import { SELF_DETECTED } from '../../core/incident.js';
import type { ApprovalResult } from '../../core/step-results.js';
import type { Step, StepOutcome } from '../step-types.js';

/**
 * The gate: a durable waiting state that any front end settles (Lifecycle.decide). In auto mode
 * the runbook approves by itself, except for runs the bot opened by itself (the watch, the
 * sweep): those never patch without a person.
 */
export const approveStep: Step<'approve'> = async ({ incident, runbook, required, clock }): Promise<StepOutcome> => {
  const proposed = required('propose');
  if (runbook.steps.approve.mode === 'auto' && !SELF_DETECTED.has(incident.trigger)) {
    const approval: ApprovalResult = { decision: 'approve', actor: 'oom-check', limit: proposed.limit, at: clock.now().toISOString() };
    return {
      status: 'succeeded',
      message: `approved by the runbook (auto mode): ${proposed.limit}`,
      result: { ...approval },
      events: [{ kind: 'decision', data: { decision: 'approve', limit: proposed.limit, reason: 'runbook approve.mode is auto' } }],
    };
  }
  return {
    status: 'waiting-approval',
    message: `raise limits.memory ${proposed.previousLimit ?? '(none)'} -> ${proposed.limit} on ${proposed.workload}: waiting for an approver`,
    result: { proposedLimit: proposed.limit },
  };
};
