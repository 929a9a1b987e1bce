import type { Verdict } from '../core/run.js';

/** The `oom-check` exit codes; the README's table lists the same. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotFound: 3,
  VerificationFailed: 4,
  NothingToPatch: 5,
  NotApproved: 6,
  ClusterUnavailable: 7,
  /** Another oom-check process holds the run now; the message says which and until when. */
  RunHeldElsewhere: 8,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** How `oom-check run` ends for each verdict. */
export const VERDICT_EXIT_CODES: Record<Verdict, ExitCode> = {
  fixed: ExitCode.Ok,
  'verification-failed': ExitCode.VerificationFailed,
  'rolled-back': ExitCode.VerificationFailed,
  'not-oom': ExitCode.NothingToPatch,
  'bare-pod': ExitCode.NothingToPatch,
  'unsupported-owner': ExitCode.NothingToPatch,
  'no-plan': ExitCode.NothingToPatch,
  rejected: ExitCode.NotApproved,
  'not-approved': ExitCode.NotApproved,
  failed: ExitCode.Failure,
};
