/**
 * Ports for optional evidence from outside the cluster: the memory history Prometheus kept, and
 * the facts a registry knows about an image. Both sources are optional, so every method either
 * answers or rejects with an EvidenceError; the checklist records the error as a finding and goes
 * on without that evidence. (Kept apart from ports.ts while issue #11 is in progress.)
 */

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface MemoryHistoryQuery {
  namespace: string;
  /** The workload whose pods (past and present) are searched, by the names their controller gives them. */
  owner: { kind: WorkloadKind; name: string };
  /** The container's name; init containers are measured like any other. */
  container: string;
  /** How far back from `at` to look. */
  windowSeconds: number;
  /** The end of the window (usually now, from the Clock). */
  at: Date;
}

export interface MemoryPeak {
  /** The highest working set seen in the window, in bytes. */
  bytes: number;
  /** The pod it was seen in. */
  pod: string;
  /** When it was seen (ISO 8601): the latest sample at that peak. */
  at: string;
  /** How many pod series of that container the peak was taken over. */
  series: number;
}

/** The memory a workload's container used in the past, as a metrics store remembers it. */
export interface MemoryHistory {
  /** The peak working set in the window, or null when the store has no sample of that container there. */
  peakWorkingSet(query: MemoryHistoryQuery): Promise<MemoryPeak | null>;
}

export interface ImageLayer {
  digest: string;
  /** Compressed, as pulled. */
  size: number;
}

export interface ImageDescription {
  /** The reference as resolved: registry host, repository, and the tag and/or digest asked for. */
  reference: string;
  /** Digest of the manifest the reference resolves to (the index for a multi-platform image): the one to pin. */
  digest: string;
  /** Config plus layers, compressed, as pulled for `platform`. */
  sizeBytes: number;
  layers: ImageLayer[];
  labels: Record<string, string>;
  created: string | null;
  /** e.g. "go1.22.3", from a label, the config's environment or its history; null when they do not say. */
  goVersion: string | null;
  /** os/architecture[/variant] of the image described, e.g. linux/amd64. */
  platform: string;
}

/** What an image registry says about an image, without pulling its layers. */
export interface ImageFacts {
  describe(image: string): Promise<ImageDescription>;
}

/** Failures of an evidence source, by what the user should do about them rather than by HTTP status. */
export const EvidenceErrorCode = {
  /** The caller's input cannot be asked about (an invalid image reference, an empty container name). */
  InvalidInput: 'InvalidInput',
  /** 401/403: the credentials are missing, wrong or not allowed. */
  Unauthorized: 'Unauthorized',
  /** The source refused the question itself (Prometheus: bad_data, execution). */
  BadQuery: 'BadQuery',
  /** The registry does not know the image, tag or digest. */
  NotFound: 'NotFound',
  /** The source answered something oom-check does not handle (a media type, no linux/amd64 image). */
  Unsupported: 'Unsupported',
  /** No answer within the deadline. */
  Timeout: 'Timeout',
  /** Connection refused, name not resolved, TLS failure. */
  Unreachable: 'Unreachable',
  /** 5xx or 429: the source is there but cannot answer now. */
  ServerError: 'ServerError',
  /** The answer is malformed, too large, or does not match its digest. */
  BadResponse: 'BadResponse',
} as const;

export type EvidenceErrorCode = (typeof EvidenceErrorCode)[keyof typeof EvidenceErrorCode];

const RETRYABLE: ReadonlySet<EvidenceErrorCode> = new Set(['Timeout', 'Unreachable', 'ServerError']);

/** An evidence source's failure; the message says what to check and is safe to show (no secrets). */
export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';

  constructor(
    readonly source: 'prometheus' | 'registry',
    readonly code: EvidenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth asking again later: the source may answer then. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isEvidenceError(error: unknown, code?: EvidenceErrorCode): error is EvidenceError {
  return error instanceof EvidenceError && (code === undefined || error.code === code);
}
