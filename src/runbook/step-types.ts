import type { Finding } from '../core/finding.js';
import type { Incident } from '../core/incident.js';
import type { Clock, Cluster } from '../core/ports.js';
import type { RunRecord, StepName, Verdict } from '../core/run.js';
import type { TimelineData, TimelineKind } from '../core/timeline.js';
import type { Runbook } from './runbook-schema.js';

export interface StepContext {
  incident: Incident;
  run: RunRecord;
  runbook: Runbook;
  cluster: Cluster;
  clock: Clock;
  /** Aborted when the step's timeout passes or the runner stops. */
  signal: AbortSignal;
  /** What an earlier step recorded; `{}` if it recorded nothing. */
  resultOf(step: StepName): TimelineData;
  /** This step's result as a previous, interrupted attempt left it; `{}` on a first attempt. */
  previous: TimelineData;
  /** Persists part of the result before the step acts, so an interrupted attempt can be re-checked. */
  checkpoint(result: TimelineData): void;
}

/** Extra timeline rows a step asks for beside its own (e.g. `patch.applied`). */
export interface StepEvent {
  kind: TimelineKind;
  actor?: string;
  data: TimelineData;
}

interface OutcomeBase {
  message: string;
  result?: TimelineData;
  /** Facts for the step's own timeline row (the postmortem reads `oomKilledAt` there). */
  timeline?: TimelineData;
  findings?: Finding[];
  events?: StepEvent[];
}

export type StepOutcome =
  | (OutcomeBase & { status: 'succeeded' | 'skipped' })
  | (OutcomeBase & { status: 'waiting-approval' })
  /** Ends the run here with a verdict; the step itself succeeded or failed. */
  | (OutcomeBase & { status: 'finished'; verdict: Verdict; stepStatus: 'succeeded' | 'failed' });

export type Step = (context: StepContext) => Promise<StepOutcome>;

/** Typed view of a JSON result this project wrote itself. */
export function resultAs<T>(data: TimelineData): Partial<T> {
  return data as Partial<T>;
}

/** A step stopped by shutdown: the run stays open and the step runs again after a restart. */
export class StepInterrupted extends Error {
  override readonly name = 'StepInterrupted';
}

/** The run ends "verification-failed": the patch is in, but the fix did not hold. */
export function verificationFailed(title: string, message: string, advice: string): StepOutcome {
  return { status: 'finished', verdict: 'verification-failed', stepStatus: 'failed', message, findings: [{ title, severity: 'critical', detail: message, advice: [advice] }] };
}
