import type { Database } from 'better-sqlite3';
import { alertKey } from '../../core/alerts/map-alert.js';
import type { AlertStore, StoredAlert } from '../../core/ports.js';

interface AlertRow {
  alert_key: string;
  fingerprint: string;
  status: StoredAlert['status'];
  alertname: string;
  labels: string;
  starts_at: string;
  received_at: string;
}

function prepareStatements(db: Database) {
  return {
    insert: db.prepare(`INSERT OR IGNORE INTO alerts
      (alert_key, fingerprint, status, alertname, labels, annotations, starts_at, ends_at, received_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    unprocessed: db.prepare('SELECT * FROM alerts WHERE processed_at IS NULL ORDER BY received_at, rowid LIMIT ?'),
    countUnprocessed: db.prepare('SELECT count(*) AS n FROM alerts WHERE processed_at IS NULL'),
    mark: db.prepare('UPDATE alerts SET processed_at = ?, outcome = ?, incident_id = ? WHERE alert_key = ? AND processed_at IS NULL'),
    incidentOf: db.prepare(`SELECT incident_id FROM alerts WHERE fingerprint = ? AND status = 'firing' AND incident_id IS NOT NULL
      ORDER BY received_at DESC, rowid DESC LIMIT 1`),
    firing: db.prepare(`SELECT DISTINCT fingerprint FROM alerts f WHERE incident_id = ? AND status = 'firing'
      AND NOT EXISTS (SELECT 1 FROM alerts r WHERE r.fingerprint = f.fingerprint AND r.status = 'resolved'
        AND r.processed_at IS NOT NULL AND r.starts_at = f.starts_at)`),
  };
}

/** AlertStore on the bot's database. */
export class SqliteAlertStore implements AlertStore {
  private readonly sql: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: Database) {
    this.sql = prepareStatements(db);
  }

  insert(alerts: Parameters<AlertStore['insert']>[0], receivedAt: string): number {
    return this.db.transaction(() =>
      alerts.reduce(
        (added, alert) =>
          added +
          this.sql.insert.run(
            alertKey(alert),
            alert.fingerprint,
            alert.status,
            alert.alertname,
            JSON.stringify(alert.labels),
            JSON.stringify(alert.annotations),
            alert.startsAt,
            alert.endsAt,
            receivedAt,
          ).changes,
        0,
      ),
    ).immediate();
  }

  /** Alerts stored and not yet processed: the queue's depth (the partial index answers it). */
  countUnprocessed(): number {
    return (this.sql.countUnprocessed.get() as { n: number }).n;
  }

  unprocessed(limit: number): StoredAlert[] {
    return (this.sql.unprocessed.all(limit) as AlertRow[]).map((row) => ({
      key: row.alert_key,
      fingerprint: row.fingerprint,
      status: row.status,
      alertname: row.alertname,
      labels: JSON.parse(row.labels) as Record<string, string>,
      startsAt: row.starts_at,
      receivedAt: row.received_at,
    }));
  }

  markProcessed(key: string, outcome: { at: string; text: string; incidentId: number | null }): void {
    this.sql.mark.run(outcome.at, outcome.text, outcome.incidentId, key);
  }

  incidentOfFingerprint(fingerprint: string): number | null {
    return (this.sql.incidentOf.get(fingerprint) as { incident_id: number } | undefined)?.incident_id ?? null;
  }

  firingFingerprints(incidentId: number): string[] {
    return (this.sql.firing.all(incidentId) as Array<{ fingerprint: string }>).map((row) => row.fingerprint);
  }
}
