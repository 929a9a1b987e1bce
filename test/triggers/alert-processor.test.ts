import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import pino from 'pino';
import type { SqliteAlertStore } from '../../src/adapters/sqlite/sqlite-alert-store.js';
import type { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import type { SqliteRunStore } from '../../src/adapters/sqlite/sqlite-run-store.js';
import { DEFAULT_ALERT_LABELS } from '../../src/core/alerts/map-alert.js';
import { parseWebhook, type WebhookPayload } from '../../src/core/alerts/parse-webhook.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { runbooksDir } from '../../src/paths.js';
import { loadRunbook } from '../../src/runbook/load-runbook.js';
import { wireChecklist } from '../../src/wire-checklist.js';
import { AlertProcessor } from '../../src/triggers/alert-processor.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';
import { loadFixture, type PayloadFixture } from '../support/alertmanager/load-fixture.js';

function fixture(name: PayloadFixture): WebhookPayload {
  const parsed = parseWebhook(loadFixture(name));
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.payload;
}

describe('AlertProcessor on real Alertmanager payloads', () => {
  let cluster: FakeCluster;
  let incidents: SqliteIncidentStore;
  let runs: SqliteRunStore;
  let alerts: SqliteAlertStore;
  let processor: AlertProcessor;
  let notified: Array<[number, boolean]>;
  let db: Database;

  beforeEach(() => {
    cluster = new FakeCluster().add(
      oomKilledPod('shop', 'checkout-7d9f8b6c5-x2k4q', 'checkout', 'checkout'),
      ...['h7x2m', 'k9p4z', 't3n8q'].map((suffix) => oomKilledPod('shop', `web-5f6d7c8b9-${suffix}`, 'web', 'web')),
    );
    const checklist = wireChecklist({ dbPath: ':memory:', cluster, clock: systemClock, log: pino({ level: 'silent' }) });
    ({ db, incidents, runs, alerts } = checklist);
    notified = [];
    processor = new AlertProcessor({
      ...checklist,
      runbook: loadRunbook(join(runbooksDir, 'oom-initcontainer.yaml')),
      maxLimitBytes: 4 * 1024 ** 3,
      mapping: { alertNames: ['KubeInitContainerOOMKilled', 'KubeContainerOOMKilled'], labels: DEFAULT_ALERT_LABELS, allowedNamespaces: [] },
      onIncident: (id, created) => notified.push([id, created]),
    });
  });
  afterEach(() => incidents.close());

  const deliver = (payload: WebhookPayload) => alerts.insert(payload.alerts.map((alert) => ({ ...alert, alertname: alert.labels.alertname ?? '' })), systemClock.now().toISOString());
  const kinds = (id: number) => incidents.timeline(id).map((event) => event.kind);

  test('a firing alert opens an incident for the pod\'s workload, with an alert.firing row', async () => {
    expect(deliver(fixture('firing-single'))).toBe(1);
    await processor.drain();
    const [incident] = incidents.listIncidents();
    expect(incident).toMatchObject({ trigger: 'alertmanager', namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2k4q', owner: { kind: 'Deployment', name: 'checkout' } });
    expect(kinds(incident!.id)).toEqual(['incident.opened', 'note', 'severity.set', 'alert.firing']);
    expect(incidents.timeline(incident!.id).at(-1)?.data).toMatchObject({ message: 'KubeContainerOOMKilled', fingerprint: 'f8f14f9b718efc88', container: 'checkout' });
    expect(notified).toEqual([[incident!.id, true]]);
    expect(alerts.unprocessed(10)).toEqual([]);
  });

  test('three pods of one workload join one incident: one checklist, the pods listed', async () => {
    deliver(fixture('firing-grouped-3-pods'));
    await processor.drain();
    const open = incidents.listIncidents();
    expect(open).toHaveLength(1);
    expect(runs.listUnfinishedRuns()).toHaveLength(1);
    expect(kinds(open[0]!.id).filter((kind) => kind === 'alert.firing')).toHaveLength(3);
    expect(notified).toEqual([[open[0]!.id, true], [open[0]!.id, false], [open[0]!.id, false]]);
  });

  test('a duplicate delivery changes nothing', async () => {
    deliver(fixture('firing-grouped-3-pods'));
    await processor.drain();
    const before = incidents.timeline(1).length;
    expect(deliver(fixture('firing-grouped-3-pods'))).toBe(0);
    await processor.drain();
    expect(incidents.timeline(1)).toHaveLength(before);
    expect(incidents.listIncidents()).toHaveLength(1);
  });

  test('alerts outside the allow-list of names are recorded and skipped with the reason', async () => {
    deliver(fixture('firing-same-pod-3-containers'));
    await processor.drain();
    expect(incidents.listIncidents()).toEqual([]);
    const outcomes = db.prepare('SELECT outcome FROM alerts ORDER BY rowid').all() as Array<{ outcome: string }>;
    expect(outcomes.map((row) => row.outcome)).toEqual(Array(3).fill('skipped: alert name "KubePodCrashLooping" is not in the allow-list (KubeInitContainerOOMKilled, KubeContainerOOMKilled)'));
  });

  test('resolutions are timeline rows; the incident closes once they are all in and its run has ended', async () => {
    deliver(fixture('firing-grouped-3-pods'));
    await processor.drain();
    const resolved = fixture('resolved-grouped-3-pods');
    alerts.insert([{ ...resolved.alerts[0]!, alertname: 'KubeContainerOOMKilled' }], systemClock.now().toISOString());
    await processor.drain();
    expect(kinds(1).filter((kind) => kind === 'alert.resolved')).toHaveLength(1);
    runs.transition(1, { at: systemClock.now().toISOString(), run: { status: 'finished', verdict: 'fixed' } });
    expect(incidents.getIncident(1)?.status).toBe('open');
    deliver(resolved);
    await processor.drain();
    expect(kinds(1).filter((kind) => kind === 'alert.resolved')).toHaveLength(3);
    expect(incidents.getIncident(1)).toMatchObject({ status: 'closed', verdict: 'fixed' });
  });

  test('a pod that no longer exists is skipped with the reason; an unreachable cluster keeps the alert for later', async () => {
    cluster.pods.delete('shop/checkout-7d9f8b6c5-x2k4q');
    deliver(fixture('firing-single'));
    await processor.drain();
    expect(incidents.listIncidents()).toEqual([]);
    cluster.down = true;
    deliver(fixture('firing-grouped-3-pods'));
    await processor.drain();
    expect(alerts.unprocessed(10)).toHaveLength(3);
    cluster.down = false;
    await processor.drain();
    processor.stop();
    expect(alerts.unprocessed(10)).toEqual([]);
    expect(incidents.listIncidents()).toHaveLength(1);
  });

  test('once stopped (the bot shutting down, its database about to close), no alert is started: they wait for the next start', async () => {
    processor.stop();
    deliver(fixture('firing-single'));
    await processor.drain();
    expect(alerts.unprocessed(10)).toHaveLength(1);
    expect(incidents.listIncidents()).toEqual([]);
  });
});
