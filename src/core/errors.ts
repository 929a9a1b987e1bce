/** Stable error codes: front ends map them to exit codes and messages, tests match on them. */
export const ErrorCode = {
  ConfigInvalid: 'config_invalid',
  UsageInvalid: 'usage_invalid',
  MigrationFileInvalid: 'migration_file_invalid',
  MigrationChecksumMismatch: 'migration_checksum_mismatch',
  DatabaseNewerThanCode: 'database_newer_than_code',
  /** A read-only open found pending migrations (or none at all): `oom-check migrate` first. */
  DatabaseNeedsMigration: 'database_needs_migration',
  DatabaseNotFound: 'database_not_found',
  /** Not an SQLite file, damaged, a folder, under a file, an I/O error: the file itself is the problem. */
  DatabaseUnusable: 'database_unusable',
  DatabaseReadOnly: 'database_read_only',
  /** Still locked by another process after the busy timeout. */
  DatabaseBusy: 'database_busy',
  /** A file oom-check was asked to write (`--out`, the demo's folder) could not be written. */
  OutputUnwritable: 'output_unwritable',
  /** oom-check will not write there: it would destroy the database or files it did not make. */
  OutputRefused: 'output_refused',
  /** No space left on the device holding the database or an output file. */
  StorageFull: 'storage_full',
  IncidentNotFound: 'incident_not_found',
  IncidentInvalid: 'incident_invalid',
  TimelineEventInvalid: 'timeline_event_invalid',
  RunbookInvalid: 'runbook_invalid',
  /** The self-heal policies file (OOM_CHECK_POLICIES) does not parse or breaks a rule. */
  PoliciesInvalid: 'policies_invalid',
  TargetInvalid: 'target_invalid',
  /** A run's stored state does not parse: the database was edited or written by a broken release. */
  RunStateInvalid: 'run_state_invalid',
  /** Another oom-check process holds the run; the message names it and until when. */
  RunClaimed: 'run_claimed',
  /** A cluster name (an alert's label, `--cluster`, a stored run) that OOM_CHECK_CLUSTERS does not list. */
  ClusterUnknown: 'cluster_unknown',
  /** Another oom-check process holds the cluster's Lease: this one stands by and does not act there. */
  NotLeader: 'not_leader',
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
