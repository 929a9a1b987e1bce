/** Who is pinged, in order, while an approval waits: the approvers again, then on-call. */
export const ESCALATION_LEVELS = ['approvers', 'oncall'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export interface EscalationInput {
  /** When the approval began waiting (ms). */
  waitingSince: number;
  now: number;
  /** After how long each level is pinged; null: never. */
  afterMs: Readonly<Record<EscalationLevel, number | null>>;
  /** When the approval expires (ms): a level due at or after it never comes. */
  expiresAt: number;
  /** Levels already pinged for this wait. */
  done: ReadonlySet<EscalationLevel>;
}

/** The levels due now (not yet pinged), and when the next one falls due, if any. */
export function dueEscalations(input: EscalationInput): { due: EscalationLevel[]; nextAt: number | null } {
  const due: EscalationLevel[] = [];
  let nextAt: number | null = null;
  for (const level of ESCALATION_LEVELS) {
    const after = input.afterMs[level];
    if (after === null || input.done.has(level)) continue;
    const at = input.waitingSince + after;
    if (at >= input.expiresAt) continue;
    if (at <= input.now) due.push(level);
    else nextAt = nextAt === null ? at : Math.min(nextAt, at);
  }
  return { due, nextAt };
}
