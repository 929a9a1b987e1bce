/** Stable error codes: front ends map them to exit codes and messages, tests match on them. */
export const ErrorCode = {
  ConfigInvalid: 'config_invalid',
  UsageInvalid: 'usage_invalid',
  MigrationFileInvalid: 'migration_file_invalid',
  MigrationChecksumMismatch: 'migration_checksum_mismatch',
  DatabaseNewerThanCode: 'database_newer_than_code',
  IncidentNotFound: 'incident_not_found',
  IncidentInvalid: 'incident_invalid',
  TimelineEventInvalid: 'timeline_event_invalid',
  RunbookInvalid: 'runbook_invalid',
  TargetInvalid: 'target_invalid',
  /** A run's stored state does not parse: the database was edited or written by a broken release. */
  RunStateInvalid: 'run_state_invalid',
  /** Another oom-check process holds the run; the message names it and until when. */
  RunClaimed: 'run_claimed',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error whose message already says what to do; safe to show to a user as it is. */
export class OomCheckError extends Error {
  override readonly name = 'OomCheckError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isOomCheckError(error: unknown, code?: ErrorCode): error is OomCheckError {
  return error instanceof OomCheckError && (code === undefined || error.code === code);
}
