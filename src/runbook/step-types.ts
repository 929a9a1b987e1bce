import type { Evidence } from '../core/evidence.js';
import type { Finding } from '../core/finding.js';
import type { Incident } from '../core/incident.js';
import type { Clock, Cluster, Logger } from '../core/ports.js';
import type { RunRecord, StepName, Verdict } from '../core/run.js';
import type { Runbook } from '../core/runbook-schema.js';
import type { ResultData, StepResults, StoredResult } from '../core/step-results.js';
import type { TimelineData, TimelineKind } from '../core/timeline.js';

export interface StepContext<N extends StepName = StepName> {
  incident: Incident;
  run: RunRecord;
  runbook: Runbook;
  cluster: Cluster;
  clock: Clock;
  log: Logger;
  /** Aborted when the step's timeout passes, the runner stops, or another process took the run. */
  signal: AbortSignal;
  /** What an earlier step recorded, possibly partial (a skipped step recorded nothing). */
  resultOf<S extends StepName>(step: S): StoredResult<S>;
  /** The whole result of an earlier step the checklist needs finished (detect before propose...). */
  required<S extends StepName>(step: S): StepResults[S];
  /** This step's result as a previous, interrupted attempt left it; `{}` on a first attempt. */
  previous: StoredResult<N>;
  /**
   * Persists part of the result (and timeline rows) before the step acts, fenced by this process's
   * claim on the run, so an interrupted attempt can be re-checked. Throws when the claim was lost.
   */
  checkpoint(result: ResultData, events?: readonly StepEvent[]): void;
}

/** Extra timeline rows a step asks for beside its own (e.g. `patch.applied`). */
export interface StepEvent {
  kind: TimelineKind;
  actor?: string;
  data: TimelineData;
}

interface OutcomeBase {
  message: string;
  result?: ResultData;
  /** Facts for the step's own timeline row (the postmortem reads `oomKilledAt` there). */
  timeline?: TimelineData;
  findings?: Finding[];
  events?: StepEvent[];
}

export type StepOutcome =
  | (OutcomeBase & { status: 'succeeded' | 'skipped' })
  | (OutcomeBase & { status: 'waiting-approval' })
  /** Ends the run here with a verdict; the step itself succeeded or failed. */
  | (OutcomeBase & { status: 'finished'; verdict: Verdict; stepStatus: 'succeeded' | 'failed'; rollBack?: boolean })
  /**
   * The fix was too small: the patched pod was OOMKilled again. The runner starts the next round
   * (propose again with `evidence`, approve, apply...) or, past the runbook's rounds, ends the run.
   */
  | (OutcomeBase & { status: 'escalate'; evidence: Evidence });

export type Step<N extends StepName = StepName> = (context: StepContext<N>) => Promise<StepOutcome>;

/** A step stopped by shutdown: the run stays open and the step runs again after a restart. */
export class StepInterrupted extends Error {
  override readonly name = 'StepInterrupted';
}

/**
 * The run ends "verification-failed": the patch is in, but the fix did not hold. With `rollBack`
 * (a quick downgrade that is not what was approved) the runner rolls it back at once.
 */
export function verificationFailed(title: string, message: string, advice: string, rollBack = false): StepOutcome {
  const findings = [{ title, severity: 'critical' as const, detail: message, advice: [advice] }];
  return { status: 'finished', verdict: 'verification-failed', stepStatus: 'failed', message, findings, ...(rollBack ? { rollBack, result: { rollBack } } : {}) };
}
