import type { Database, Statement } from 'better-sqlite3';
import type { PolicyHistory } from '../../core/ports.js';

/**
 * A workload's automatic fixes are the `decision` rows a policy wrote (actor `policy:<name>`) on
 * its incidents, whichever incident: the timeline is the record, so no second count can drift.
 */
export class SqlitePolicyHistory implements PolicyHistory {
  private readonly query: Statement<[since: string, workloadKey: string], { at: string }>;

  constructor(db: Database) {
    this.query = db.prepare(`
      SELECT t.at FROM timeline_events t JOIN incidents i ON i.id = t.incident_id
      WHERE t.kind = 'decision' AND t.at >= ? AND t.actor LIKE 'policy:%' AND i.dedupe_key = ?
        AND json_extract(t.data, '$.decision') = 'approve'
      ORDER BY t.at`);
  }

  automaticFixes(workloadKey: string, since: string): string[] {
    return this.query.all(since, workloadKey).map((row) => row.at);
  }
}
