/** Kubernetes API failures, by what the user should do about them rather than by HTTP status. */
export const ClusterErrorCode = {
  NotFound: 'NotFound',
  Forbidden: 'Forbidden',
  Conflict: 'Conflict',
  Invalid: 'Invalid',
  Timeout: 'Timeout',
  Unreachable: 'Unreachable',
  Unexpected: 'Unexpected',
  /** A write refused before it was sent: this process does not hold the cluster's Lease (now). */
  NotLeader: 'NotLeader',
} as const;

export type ClusterErrorCode = (typeof ClusterErrorCode)[keyof typeof ClusterErrorCode];

/** Worth trying again later: the cluster may answer then. */
const RETRYABLE: ReadonlySet<ClusterErrorCode> = new Set(['Timeout', 'Unreachable', 'Conflict', 'Unexpected', 'NotLeader']);

export class ClusterError extends Error {
  override readonly name = 'ClusterError';

  constructor(
    readonly code: ClusterErrorCode,
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isClusterError(error: unknown, code?: ClusterErrorCode): error is ClusterError {
  return error instanceof ClusterError && (code === undefined || error.code === code);
}
