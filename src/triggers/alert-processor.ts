import { setImmediate } from 'node:timers/promises';
import { mapAlert, type MapAlertOptions } from '../core/alerts/map-alert.js';
import { isClusterError } from '../core/cluster-error.js';
import { unknownCluster } from '../core/clusters.js';
import { isOomCheckError } from '../core/errors.js';
import type { AlertStore, StoredAlert } from '../core/ports.js';
import { startIncident } from '../runbook/start-incident.js';
import type { TriggerDeps } from './trigger-deps.js';

const BATCH = 200;
const RETRY_MS = 5_000;
export const ALERTMANAGER_ACTOR = 'alertmanager';

export interface AlertProcessorDeps extends TriggerDeps {
  alerts: AlertStore;
  mapping: MapAlertOptions;
}

/**
 * Turns persisted alerts into incidents, in arrival order. Firing alerts open an incident or join
 * their workload's; resolved ones are written to its timeline and close it once nothing fires and
 * its run has ended. Each alert is processed once: its row records what became of it.
 */
export class AlertProcessor {
  private running: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: AlertProcessorDeps) {}

  /** Processes everything pending; calls while a drain runs make it go round once more. */
  drain(): Promise<void> {
    if (this.stopped) return this.running ?? Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** No alert is started after this: the rest stay stored and are processed after the next start (the database may close). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
  }

  /**
   * Alerts in arrival order. When a cluster does not answer, its alerts (that one and the later
   * ones, in order) wait for a later try; the other clusters' alerts go on being processed.
   */
  private async loop(): Promise<void> {
    do {
      this.again = false;
      const waiting = new Set<string>();
      const heldBack = new Set<string>();
      const next = () => this.deps.alerts.unprocessed(BATCH + heldBack.size).filter((alert) => !heldBack.has(alert.key));
      for (let batch = next(); batch.length > 0; batch = next()) {
        for (const alert of batch) {
          // Let webhooks in between alerts: answering Alertmanager fast matters more than this backlog.
          await setImmediate();
          if (this.stopped) return;
          if (!(await this.process(alert, waiting))) heldBack.add(alert.key);
        }
      }
      if (waiting.size > 0) {
        this.retry = setTimeout(() => void this.drain(), RETRY_MS);
        this.retry.unref();
        return;
      }
    } while (this.again);
  }

  /** False when the alert must wait for its cluster to answer again (its cluster is then in `waiting`). */
  private async process(alert: StoredAlert, waiting: Set<string>): Promise<boolean> {
    const at = this.deps.clock.now().toISOString();
    const done = (text: string, incidentId: number | null) => this.deps.alerts.markProcessed(alert.key, { at, text, incidentId });
    const mapping = mapAlert(alert, this.deps.mapping);
    if (mapping.action === 'skip') {
      done(`skipped: ${mapping.reason}`, null);
      return true;
    }
    // The cluster label's value (or none): alerts of a cluster that did not answer keep their order behind it.
    const holdKey = mapping.cluster ?? '';
    if (waiting.has(holdKey)) return false;
    const details = { message: alert.alertname, fingerprint: alert.fingerprint, pod: mapping.pod, container: mapping.container, startsAt: alert.startsAt };
    if (alert.status === 'resolved') {
      this.resolve(alert, details, done);
      return true;
    }
    const cluster = this.clusterOf(mapping.cluster);
    if ('problem' in cluster) {
      // Kept with its labels and this outcome: nothing is acted on in a cluster the bot does not know.
      this.deps.log.error({ alert: alert.key, fingerprint: alert.fingerprint, problem: cluster.problem }, 'an alert for a cluster this bot does not serve');
      done(`not handled: ${cluster.problem}`, null);
      return true;
    }
    try {
      const { incident, created } = await startIncident(this.deps, {
        cluster: cluster.name,
        namespace: mapping.namespace,
        pod: mapping.pod,
        trigger: 'alertmanager',
        actor: ALERTMANAGER_ACTOR,
        runbook: this.deps.runbook,
        maxLimitBytes: this.deps.maxLimitBytes,
        allowedNamespaces: this.deps.mapping.allowedNamespaces,
      });
      this.deps.incidents.append({ incidentId: incident.id, at, kind: 'alert.firing', actor: ALERTMANAGER_ACTOR, data: details });
      done(`${created ? 'opened' : 'joined'} incident ${incident.id}`, incident.id);
      this.deps.onIncident(incident.id, created);
      return true;
    } catch (error) {
      if (isClusterError(error) && error.retryable) {
        this.deps.log.warn({ err: error, alert: alert.key, cluster: cluster.name }, 'the cluster did not answer; its alerts wait for the next try, the other clusters\' go on');
        waiting.add(holdKey);
        return false;
      }
      if (!isClusterError(error) && !isOomCheckError(error)) throw error;
      done(`skipped: ${error.message}`, null);
      return true;
    }
  }

  /**
   * The cluster an alert is about: its cluster label's value; without the label, the one cluster
   * when the bot serves only one. With several, an alert without the label is not guessed at.
   */
  private clusterOf(label: string | null): { name: string } | { problem: string } {
    const { clusters } = this.deps;
    const labelName = this.deps.mapping.labels.cluster;
    if (label === null) {
      if (clusters.names().length === 1) return { name: clusters.defaultName };
      return { problem: `the alert has no cluster label (${labelName ?? 'cluster'}) and this bot serves several clusters (${clusters.names().join(', ')}): add the label in Prometheus (external_labels), or set OOM_CHECK_ALERT_LABELS=cluster=<label>` };
    }
    return clusters.has(label) ? { name: label } : { problem: unknownCluster(label, clusters.names()).message };
  }

  private resolve(alert: StoredAlert, details: Record<string, string | null>, done: (text: string, incidentId: number | null) => void): void {
    const incidentId = this.deps.alerts.incidentOfFingerprint(alert.fingerprint);
    if (incidentId === null) {
      done('skipped: resolved, but no incident had this alert', null);
      return;
    }
    const at = this.deps.clock.now().toISOString();
    this.deps.incidents.append({ incidentId, at, kind: 'alert.resolved', actor: ALERTMANAGER_ACTOR, data: details });
    done(`resolved in incident ${incidentId}`, incidentId);
    this.deps.lifecycle.closeIfDone(incidentId, { actor: ALERTMANAGER_ACTOR, summary: 'its alerts resolved after the run ended' });
    this.deps.onIncident(incidentId, false);
  }
}
