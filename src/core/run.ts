import type { Evidence } from './evidence.js';
import type { Finding } from './finding.js';
import type { Runbook } from './runbook-schema.js';
import type { StoredResult } from './step-results.js';

/** The seed's checklist, in its order. The runbook sets each step's parameters, not the order. */
export const STEP_NAMES = ['detect', 'image-info', 'evidence', 'propose', 'approve', 'apply', 'wait', 'health'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/**
 * The steps of a round: when the patched pod is OOMKilled again, the run escalates and these run
 * again with what the kill taught (at most the runbook's `propose.maxSteps` rounds).
 */
export const ROUND_STEPS = ['propose', 'approve', 'apply', 'wait', 'health'] as const satisfies readonly StepName[];

export const STEP_STATUSES = ['pending', 'running', 'waiting-approval', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type RunStatus = 'active' | 'waiting-approval' | 'finished';

/** How a run ended, in plain words (the CLI maps each to an exit code). */
export const VERDICTS = {
  fixed: 'fixed and verified',
  'verification-failed': 'patched, but the fix did not verify',
  'not-oom': 'not an OOM kill',
  'bare-pod': 'nothing to patch: the pod has no owner workload',
  'unsupported-owner': 'nothing to patch: oom-check cannot patch this kind of workload',
  'no-plan': 'no higher memory limit can be proposed',
  rejected: 'mitigation declined: nothing was changed and the workload still fails',
  'not-approved': 'nobody approved in time: nothing was changed and the workload still fails',
  'rolled-back': 'rolled back: the old limit is back, and so is the OOM kill',
  failed: 'the checklist failed',
} as const;
export type Verdict = keyof typeof VERDICTS;

export interface RunTarget {
  cluster: string;
  namespace: string;
  pod: string;
}

export interface StepRecordOf<N extends StepName> {
  step: N;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  result: StoredResult<N>;
  error: string | null;
}

/** One step's record; `step` tells which result it holds. */
export type StepRecord = { [N in StepName]: StepRecordOf<N> }[StepName];

/** What a run was started with, kept with it so a resumed run uses the same parameters. */
export interface RunSpec {
  target: RunTarget;
  runbook: Runbook;
  maxLimitBytes: number;
}

/** The process advancing a run now; another process leaves the run alone until `until` passes. */
export interface RunClaim {
  owner: string;
  until: string;
}

export interface RunRecord {
  incidentId: number;
  spec: RunSpec;
  status: RunStatus;
  verdict: Verdict | null;
  startedAt: string;
  updatedAt: string;
  claim: RunClaim | null;
  /** 1 for the first proposal; one more for each escalation. */
  round: number;
  /** The rounds before this one, oldest first, with their round steps as they ended. */
  rounds: RoundRecord[];
  steps: StepRecord[];
}

export interface RoundRecord {
  round: number;
  endedAt: string;
  steps: StepRecord[];
}

/** The record of one step of a run (or of one of its past rounds), typed by its name. */
export function stepOf<N extends StepName>(holder: { steps: readonly StepRecord[] }, name: N): StepRecordOf<N> {
  const record = holder.steps.find((step) => step.step === name);
  if (!record) throw new Error(`no step ${name} in this run`);
  // The store builds each record with its own step's result type; find() cannot narrow a union by a generic.
  return record as StepRecordOf<N>;
}

/** The kills that ended the run's past rounds: each proved the container needs more than that limit. */
export function escalations(run: RunRecord): Evidence[] {
  return run.rounds.flatMap((round) => {
    const kill = stepOf(round, 'wait').result.escalation;
    return kill ? [kill] : [];
  });
}

/** The first step not yet done (succeeded or skipped), or undefined when all are. */
export function currentStep(run: RunRecord): StepRecord | undefined {
  return run.steps.find((step) => step.status !== 'succeeded' && step.status !== 'skipped');
}

export function isVerdict(text: string): text is Verdict {
  return Object.hasOwn(VERDICTS, text);
}

/** Progress a front end renders: the CLI as lines, Slack as the incident card. */
export interface RunUpdate {
  incidentId: number;
  step: StepName | null;
  /** A step's status; `finished` when the run ended (or was rolled back); `resolved` when a person closed the incident. */
  status: StepStatus | 'finished' | 'resolved';
  message: string;
  /** The person who caused it (a decision, a rollback, a resolution), e.g. `slack:U123`; absent for the checklist's own steps. */
  actor?: string;
  elapsedMs: number;
  budgetMs: number;
  findings: Finding[];
  verdict: Verdict | null;
}

export interface RunObserver {
  onUpdate(update: RunUpdate): void;
}

/**
 * Verdicts after which the workload is still failing and a person has to act: the incident stays
 * open (with the next step on its card) until someone resolves it. "verification-failed" keeps a
 * patch in place and rollback on offer; the others changed nothing, or undid what was changed.
 */
const STILL_FAILING: ReadonlySet<Verdict> = new Set<Verdict>(['verification-failed', 'rejected', 'not-approved', 'rolled-back']);

/** THE close rule's verdict half: whether a run that ended so closes its incident by itself. */
export function closesIncident(verdict: Verdict): boolean {
  return !STILL_FAILING.has(verdict);
}

/**
 * Still failing, and no patch of oom-check's in place (declined, expired or rolled back): running
 * the checklist again on the workload replaces the incident with a new one.
 */
export function mayRunAgain(verdict: Verdict): boolean {
  return STILL_FAILING.has(verdict) && verdict !== 'verification-failed';
}
