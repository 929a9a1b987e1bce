import type { Database } from 'better-sqlite3';

const KEEP_MS = 24 * 3600 * 1000;
const PRUNE_EVERY = 500;

/** Requests already handled, so a re-sent request (Slack's X-Slack-Retry-Num) starts nothing twice. */
export class SqliteRequestLog {
  private readonly insert;
  private readonly prune;
  private inserted = 0;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO slack_requests (request_key, received_at) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM slack_requests WHERE received_at < ?');
  }

  /** True the first time a key is seen; false for every repeat, across restarts. */
  firstTime(key: string, now: Date): boolean {
    if (++this.inserted % PRUNE_EVERY === 0) this.prune.run(new Date(now.getTime() - KEEP_MS).toISOString());
    return this.insert.run(key, now.toISOString()).changes === 1;
  }
}
