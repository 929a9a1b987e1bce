import type { TimelineData } from './timeline.js';

/**
 * The audit log: one append-only row per command and click, from Slack or the command line,
 * allowed or refused: who (`slack:U123`, `cli:alice`), where (a Slack channel, `cli:<host>`),
 * what (`slack.command.status`, `slack.button.oom_approve`, `cli.run`), on what, and the result.
 */
export const AUDIT_SOURCES = ['slack', 'cli'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

export interface AuditEntry {
  /** Increases with every row: the order of rows at equal times, and a SIEM's resume point. */
  seq: number;
  at: string;
  actor: string;
  source: AuditSource;
  place: string;
  action: string;
  /** What it was about: an incident (`incident:42`), a pod (`shop/checkout-1`), or null. */
  target: string | null;
  /** False when oom-check refused it (not an approver); the result says why. */
  allowed: boolean;
  result: string;
  detail: TimelineData;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'detail'> & { detail?: TimelineData };

/** One row as a JSON line for a SIEM: stable field names, `detail` as an object. */
export function auditJsonLine(entry: AuditEntry): string {
  const { seq, at, actor, source, place, action, target, allowed, result, detail } = entry;
  return JSON.stringify({ seq, at, actor, source, place, action, target, allowed, result, detail });
}

/** One row for a person: `2026-11-27T10:00:00.000Z #7 slack:U1 in C0INC slack.button.oom_approve incident:1 ok: approved`. */
export function auditTextLine(entry: AuditEntry): string {
  const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ');
  return `${entry.at} #${entry.seq} ${oneLine(entry.actor)} in ${oneLine(entry.place)} ${entry.action}${entry.target ? ` ${oneLine(entry.target)}` : ''} ${entry.allowed ? 'ok' : 'REFUSED'}: ${oneLine(entry.result)}`;
}
