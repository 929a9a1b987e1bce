/**
 * What the checklist knows about how much memory a container needs, source by source. A kill at
 * the limit only proves a lower bound (it needed more than it had); a run that completed, or a
 * process measured from the outside before it died, shows a measured peak. The proposal says
 * which kind it rests on.
 */
export const EVIDENCE_SOURCES = ['prometheus', 'go-runtime', 'cgroup', 'kernel', 'rss-sample', 'oom-kill'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export type EvidenceKind = 'measured-peak' | 'lower-bound';

// A type, not an interface: it is stored as JSON, and only type aliases fit JSON's index signature.
export type Evidence = {
  source: EvidenceSource;
  kind: EvidenceKind;
  /** The memory the source saw, in bytes. */
  bytes: number;
  /** One plain sentence: where the number comes from (shown on the card and in the postmortem). */
  detail: string;
  /** When the source saw it (ISO), if it says. */
  at?: string;
};
