import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import { AUDIT_SOURCES, type AuditEntry, type NewAuditEntry } from '../../core/audit.js';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import type { AuditLog } from '../../core/ports.js';
import type { TimelineData } from '../../core/timeline.js';
import { writing } from './writing.js';

const rowSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  source: z.enum(AUDIT_SOURCES),
  place: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  allowed: z.union([z.literal(0), z.literal(1)]),
  result: z.string(),
  detail: z.string(),
});

function parseRow(row: unknown): AuditEntry {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw new OomCheckError(ErrorCode.RunStateInvalid, `an audit_log row is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { allowed, detail, ...rest } = parsed.data;
  return { ...rest, allowed: allowed === 1, detail: JSON.parse(detail) as TimelineData };
}

/** The audit log in the `audit_log` table (migration 0008), whose triggers refuse UPDATE and DELETE. */
export class SqliteAuditLog implements AuditLog {
  private readonly insert: Statement;
  private readonly select: Statement<[since: string, afterSeq: number]>;

  constructor(db: Database) {
    this.insert = db.prepare(
      'INSERT INTO audit_log (at, actor, source, place, action, target, allowed, result, detail) VALUES (@at, @actor, @source, @place, @action, @target, @allowed, @result, @detail) RETURNING *',
    );
    this.select = db.prepare('SELECT * FROM audit_log WHERE at >= ? AND seq > ? ORDER BY seq');
  }

  record(entry: NewAuditEntry): AuditEntry {
    const row = writing(() =>
      this.insert.get({ ...entry, target: entry.target ?? null, allowed: entry.allowed ? 1 : 0, detail: JSON.stringify(entry.detail ?? {}) }),
    );
    return parseRow(row);
  }

  list(filter: { since?: string; afterSeq?: number } = {}): AuditEntry[] {
    return this.select.all(filter.since ?? '', filter.afterSeq ?? 0).map(parseRow);
  }
}
