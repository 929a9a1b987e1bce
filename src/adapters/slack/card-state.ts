import type { Incident } from '../../core/incident.js';
import { currentStep, stepOf, type RunRecord, type Verdict } from '../../core/run.js';

/**
 * Where an incident stands, as an on-call engineer reads it: the card's header, its buttons and
 * `/oom-check status` follow from this one value.
 */
export const CARD_STATES = {
  checking: { emoji: '🟡', words: 'Checking the OOM kill' },
  'needs-approval': { emoji: '🔴', words: 'Needs approval' },
  fixing: { emoji: '🟠', words: 'Fixing' },
  paused: { emoji: '🟠', words: 'Paused, will resume' },
  fixed: { emoji: '🟢', words: 'Fixed' },
  'not-verified': { emoji: '🔴', words: 'Fix did not verify' },
  declined: { emoji: '⚪', words: 'Mitigation declined, still failing' },
  'not-approved': { emoji: '⚪', words: 'Not approved in time, still failing' },
  'rolled-back': { emoji: '⚪', words: 'Rolled back, still failing' },
  'nothing-to-patch': { emoji: '⚪', words: 'Nothing oom-check can patch' },
  'not-oom': { emoji: '⚪', words: 'Not an OOM kill' },
  failed: { emoji: '🔴', words: 'Checklist failed' },
  resolved: { emoji: '✅', words: 'Resolved' },
  superseded: { emoji: '⚪', words: 'Replaced by a new run' },
} as const;
export type CardState = keyof typeof CARD_STATES;

const BY_VERDICT: Record<Verdict, CardState> = {
  fixed: 'fixed',
  'verification-failed': 'not-verified',
  'not-oom': 'not-oom',
  'bare-pod': 'nothing-to-patch',
  'unsupported-owner': 'nothing-to-patch',
  'no-plan': 'nothing-to-patch',
  rejected: 'declined',
  'not-approved': 'not-approved',
  'rolled-back': 'rolled-back',
  failed: 'failed',
};

/** The card state of an incident, from its run and what people did (`resolved`, `superseded` come from the timeline). */
export function cardState(incident: Incident, run: RunRecord | undefined, closedBy: { resolved: boolean; superseded: boolean }): CardState {
  const verdict = run?.status === 'finished' ? run.verdict : null;
  if (incident.status === 'closed') {
    if (closedBy.superseded) return 'superseded';
    if (closedBy.resolved && verdict !== 'fixed') return 'resolved';
    return BY_VERDICT[incident.verdict ?? verdict ?? 'failed'];
  }
  if (verdict) return BY_VERDICT[verdict];
  if (!run) return 'checking';
  if (run.status === 'waiting-approval') return 'needs-approval';
  // A step that failed but did not end the run (the cluster did not answer): it resumes.
  if (currentStep(run)?.status === 'failed') return 'paused';
  return stepOf(run, 'approve').status === 'succeeded' ? 'fixing' : 'checking';
}
