import { SELF_DETECTED } from '../../core/incident.js';
import { fixCountWords, type PolicyDecision } from '../../core/rules/judge-policy.js';
import type { ApprovalResult } from '../../core/step-results.js';
import type { JsonValue } from '../../core/timeline.js';
import { policyActor, type PolicyGate } from '../policy-gate.js';
import type { Step, StepOutcome } from '../step-types.js';

function policyData(decision: PolicyDecision): { [key: string]: JsonValue } {
  return {
    policy: decision.policy,
    checks: decision.checks.map((check) => ({ ...check })),
    fixNumber: decision.fixNumber,
    maxFixes: decision.maxFixes,
    windowSeconds: decision.windowSeconds,
  };
}

/**
 * The gate: a durable waiting state that any front end settles (Lifecycle.decide). A self-heal
 * policy that selects the workload approves by itself when every bound holds, and says on the
 * timeline which bounds it checked either way; a refusal leaves the decision to a person. In the
 * runbook's auto mode the runbook approves by itself, except for runs the bot opened by itself
 * (the watch, the sweep): those never patch without a person or a policy.
 */
export function approveStep(gate: PolicyGate | null): Step<'approve'> {
  return async ({ incident, runbook, required, clock }): Promise<StepOutcome> => {
    const proposed = required('propose');
    const at = clock.now();
    const decision = gate ? await gate.judge(incident, proposed, at) : null;
    if (decision?.approve) {
      const actor = policyActor(decision.policy);
      const approval: ApprovalResult = {
        decision: 'approve',
        actor,
        limit: proposed.limit,
        at: at.toISOString(),
        policy: { name: decision.policy, fixNumber: decision.fixNumber, maxFixes: decision.maxFixes, windowSeconds: decision.windowSeconds },
      };
      return {
        status: 'succeeded',
        message: `approved by policy ${decision.policy} (${fixCountWords(decision)}): ${proposed.limit}`,
        result: { ...approval, policy: { ...approval.policy! } },
        events: [{ kind: 'decision', actor, data: { decision: 'approve', limit: proposed.limit, automatic: true, ...policyData(decision) } }],
      };
    }
    const refused = decision
      ? [{ kind: 'policy.refused' as const, actor: policyActor(decision.policy), data: { ...policyData(decision), refusedBy: [...decision.refusedBy], message: decision.checks.filter((check) => !check.ok).map((check) => check.detail).join('; ') } }]
      : [];
    if (runbook.steps.approve.mode === 'auto' && !SELF_DETECTED.has(incident.trigger)) {
      const approval: ApprovalResult = { decision: 'approve', actor: 'oom-check', limit: proposed.limit, at: at.toISOString() };
      return {
        status: 'succeeded',
        message: `approved by the runbook (auto mode): ${proposed.limit}`,
        result: { ...approval },
        events: [...refused, { kind: 'decision', data: { decision: 'approve', limit: proposed.limit, reason: 'runbook approve.mode is auto' } }],
      };
    }
    const why = decision ? ` (policy ${decision.policy} refused: ${decision.checks.filter((check) => !check.ok).map((check) => check.detail).join('; ')})` : '';
    return {
      status: 'waiting-approval',
      message: `raise limits.memory ${proposed.previousLimit ?? '(none)'} -> ${proposed.limit} on ${proposed.workload}: waiting for an approver${why}`,
      result: { proposedLimit: proposed.limit },
      events: refused,
    };
  };
}
