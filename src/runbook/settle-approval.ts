import type { IncidentStore, RunStore, Clock } from '../core/ports.js';
import { parseQuantity } from '../core/quantity.js';
import { checkEditedLimit } from '../core/rules/check-edited-limit.js';
import type { TimelineData } from '../core/timeline.js';
import type { Runner } from './runner.js';
import { resultAs } from './step-types.js';
import type { ProposeResult } from './steps/propose-step.js';

export interface ApprovalRequest {
  actor: string;
  decision: 'approve' | 'reject';
  /** An edited limit, validated against the current limit and the maximum. */
  limit?: string;
  reason?: string;
}

export type ApprovalAnswer =
  | { outcome: 'settled'; decision: 'approve' | 'reject'; limit: string | null }
  | { outcome: 'already-decided'; actor: string; decision: string; at: string }
  | { outcome: 'not-waiting'; message: string }
  | { outcome: 'invalid-limit'; message: string };

/**
 * Settles the approval gate of a run, from any front end; the first decision wins and later ones
 * learn who made it and when. An approval leaves the run ready to advance; a rejection ends it.
 */
export function settleApproval(
  deps: { incidents: IncidentStore; runs: RunStore; clock: Clock; runner: Runner },
  incidentId: number,
  request: ApprovalRequest,
): ApprovalAnswer {
  const run = deps.runs.getRun(incidentId);
  const gate = run?.steps.find((step) => step.step === 'approve');
  if (!run || !gate) return { outcome: 'not-waiting', message: `incident ${incidentId} has no checklist run` };
  if (gate.status !== 'waiting-approval') {
    const decided = resultAs<{ actor: string; decision: string; at: string }>(gate.result);
    if (decided.actor && decided.decision && decided.at) return { outcome: 'already-decided', actor: decided.actor, decision: decided.decision, at: decided.at };
    const current = run.status === 'finished' ? `the run has ended (${run.verdict})` : `the checklist is at ${run.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped')?.step ?? 'its end'}`;
    return { outcome: 'not-waiting', message: `nothing awaits approval: ${current}` };
  }
  const proposed = resultAs<ProposeResult>(run.steps.find((step) => step.step === 'propose')?.result ?? {});
  let limit = proposed.limit ?? null;
  if (request.decision === 'approve' && request.limit !== undefined) {
    const edited = checkEditedLimit(request.limit, {
      currentBytes: proposed.previousLimit ? parseQuantity(proposed.previousLimit) : null,
      maxBytes: run.spec.maxLimitBytes,
    });
    if (!edited.ok) return { outcome: 'invalid-limit', message: edited.problem };
    limit = edited.limit;
  }
  const at = deps.clock.now().toISOString();
  const edited = request.decision === 'approve' && limit !== proposed.limit;
  const data: TimelineData = {
    decision: edited ? 'edit-limit' : request.decision,
    ...(limit && request.decision === 'approve' ? { limit } : {}),
    ...(edited ? { proposed: proposed.limit ?? null } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
  };
  const applied = deps.runs.transition(incidentId, {
    at,
    step: {
      name: 'approve',
      expect: 'waiting-approval',
      status: request.decision === 'approve' ? 'succeeded' : 'failed',
      finishedAt: at,
      result: { ...gate.result, decision: request.decision, actor: request.actor, at, ...(limit ? { limit } : {}) },
    },
    run: { status: 'active' },
    events: [{ incidentId, at, kind: 'decision', actor: request.actor, step: 'approve', data }],
  });
  if (!applied) return settleApproval(deps, incidentId, request);
  if (request.decision === 'reject') {
    const incident = deps.incidents.getIncident(incidentId)!;
    deps.runner.finish(incident, applied, { verdict: 'rejected', message: `${request.actor} rejected the patch${request.reason ? `: ${request.reason}` : ''}; nothing was changed` });
  }
  return { outcome: 'settled', decision: request.decision, limit };
}
