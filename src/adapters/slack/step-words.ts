import type { StepName, StepRecord } from '../../core/run.js';

/** The checklist's steps in plain words, for the card's progress line and the thread. */
export const STEP_LABELS: Record<StepName, string> = {
  detect: 'Detect',
  'image-info': 'Image info',
  evidence: 'Memory evidence',
  propose: 'Proposal',
  approve: 'Approval',
  apply: 'Patch',
  wait: 'New pod',
  health: 'Health check',
};

/** What a running step is doing, as "Now: …" on the card. */
export const STEP_DOING: Record<StepName, string> = {
  detect: 'reading the pod and its events',
  'image-info': "asking the image for its build facts",
  evidence: 'gathering memory evidence',
  propose: 'working out the new limit',
  approve: 'waiting for an approver',
  apply: 'patching the workload (server dry-run first)',
  wait: 'waiting for a new pod to initialize',
  health: "checking the new pod's health endpoint",
};

/**
 * Why a step that "succeeded" could not do its work, or null: image-info that got no answer,
 * evidence that no source gave. Such a step is shown with ⚠, never ✅.
 */
export function stepShortfall(record: StepRecord): string | null {
  if (record.status !== 'succeeded') return null;
  if (record.step === 'image-info' && record.result.available === false) {
    return `${record.result.endpoint ? `${record.result.endpoint}: ` : ''}${record.result.problem ?? 'no answer'}`;
  }
  if (record.step === 'evidence' && record.result.evidence?.length === 0) return 'no source measured the memory';
  return null;
}

/** A message on one line: an HTTP body's trailing newline must not leave a ")" on a line of its own. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
