import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { webhookRoute } from './adapters/alertmanager/webhook-route.js';
import { startSchedules } from './adapters/cron/schedules.js';
import { KubeCluster } from './adapters/k8s/kube-cluster.js';
import { loadKubeConfig } from './adapters/k8s/load-kube-config.js';
import { Pacer } from './adapters/slack/pacer.js';
import { remindApprovers } from './adapters/slack/remind-approvers.js';
import type { SqliteAlertStore } from './adapters/sqlite/sqlite-alert-store.js';
import { Approvers } from './adapters/slack/approvers.js';
import { IncidentMessenger } from './adapters/slack/incident-messenger.js';
import { StormDesk } from './adapters/slack/storm-desk.js';
import { SqliteStormStore } from './adapters/sqlite/sqlite-storm-store.js';
import { createSlackApp } from './adapters/slack/slack-app.js';
import { SlackOutbound } from './adapters/slack/slack-outbound.js';
import type { SlackContext } from './adapters/slack/slack-context.js';
import { slackDirectory } from './adapters/slack/slack-directory.js';
import { slackRunObserver } from './adapters/slack/slack-run-observer.js';
import { SqliteRequestLog } from './adapters/sqlite/sqlite-request-log.js';
import { loadConfig } from './config.js';
import { systemClock } from './adapters/clock/system-clock.js';
import type { Clock, Cluster, Logger } from './core/ports.js';
import type { RunObserver } from './core/run.js';
import { createLogger } from './create-logger.js';
import { loadRunbook } from './runbook/load-runbook.js';
import { createBotServer, type Readiness } from './server/bot-server.js';
import { Metrics } from './server/metrics.js';
import { AlertProcessor } from './triggers/alert-processor.js';
import { onSchedule } from './runbook/on-schedule.js';
import { checklistSteps } from './runbook/checklist-steps.js';
import { outsideSources } from './adapters/outside-sources.js';
import { OomWatch } from './triggers/oom-watch.js';
import { sweep } from './triggers/sweep.js';
import { wireChecklist, type WiredChecklist } from './wire-checklist.js';

/** A write the bot makes waits this long for another process's lock, then gives up and retries later. */
const BOT_BUSY_TIMEOUT_MS = 250;

export interface BotOptions {
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  log?: Logger;
  /** Another cluster than the kubeconfig's (an in-memory one for storm benchmarks and tests). */
  cluster?: Cluster;
  /** How long shutdown lets running steps reach a persisted state before aborting them. */
  drainMs?: number;
}

export interface Bot {
  url: string;
  checklist: WiredChecklist;
  alerts: SqliteAlertStore;
  metrics: Metrics;
  /** Resolves when the alerts persisted so far have been processed. */
  processAlerts(): Promise<void>;
  /** Resolves when every open run was resumed at start (as far as each could go). */
  resumed: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * The composition root of `oom-check serve`: config -> migrations -> cluster -> Slack -> HTTP
 * server (Slack events, the Alertmanager webhook, health, metrics) -> schedules; then the open
 * runs are resumed and the alerts left unprocessed are processed.
 */
export async function startBot(options: BotOptions): Promise<Bot> {
  const config = loadConfig(options.env, ['store', 'server', 'slack', 'cluster', 'runbook', 'log', 'alertmanager', 'schedule', 'prometheus', 'registry']);
  const log = options.log ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  const runbook = loadRunbook(config.runbook.path);
  const cluster = options.cluster ?? new KubeCluster(loadKubeConfig({ kubeconfig: config.cluster.kubeconfig, context: config.cluster.context }), config.cluster.timeouts);
  const observers: RunObserver[] = [];
  const late: { context?: SlackContext } = {};
  const checklist = wireChecklist({ dbPath: config.store.dbPath, cluster, clock, log, observers, busyTimeoutMs: BOT_BUSY_TIMEOUT_MS, steps: checklistSteps(outsideSources(config)) });
  const { alerts } = checklist;
  const requestLog = new SqliteRequestLog(checklist.db);
  const metrics = new Metrics();
  const work = new Set<Promise<unknown>>();
  const background = (what: string, task: () => Promise<unknown>) => {
    const running = task().catch((error: unknown) => log.error({ err: error, what }, 'background work failed'));
    work.add(running);
    void running.finally(() => work.delete(running));
  };

  // The Slack app's listeners need the context, and the context needs the app's client.
  const slack = createSlackApp({ ...config.slack, log, clock, firstTime: (key) => requestLog.firstTime(key, clock.now()) }, () => late.context!);
  const client = slack.app.client;
  const pacer = new Pacer(clock, { scale: config.slack.rateScale });
  const outbound = new SlackOutbound(client, pacer);
  const approvers = new Approvers(config.slack.approvers, slackDirectory(client, pacer), log, () => clock.now().getTime());
  const storms = config.slack.storm
    ? new StormDesk({ storms: new SqliteStormStore(checklist.db), incidents: checklist.incidents, runs: checklist.runs, clock, log, slack: outbound, defaultChannel: config.slack.channel, settings: config.slack.storm, approvers: () => approvers.mentions() })
    : undefined;
  const messenger = new IncidentMessenger({ slack: outbound, incidents: checklist.incidents, runs: checklist.runs, clock, log, defaultChannel: config.slack.channel, ...(storms ? { storms } : {}) });
  late.context = { ...checklist, slack: outbound, messenger, approvers, log, runbook, maxLimitBytes: config.runbook.maxMemoryLimitBytes, allowedNamespaces: config.cluster.namespaces, background };
  observers.push(slackRunObserver({ runs: checklist.runs, messenger, approvers }));

  const readiness = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    try {
      checklist.db.prepare('SELECT 1').get();
      checks.database = 'ok';
    } catch (error) {
      checks.database = (error as Error).message;
    }
    checks.cluster = await checklist.cluster.ping().then(() => 'ok', (error: unknown) => (error as Error).message);
    return { ready: Object.values(checks).every((check) => check === 'ok'), checks };
  };
  const triggered = {
    ...checklist,
    log,
    runbook,
    maxLimitBytes: config.runbook.maxMemoryLimitBytes,
    allowedNamespaces: config.cluster.namespaces,
    onIncident: (incidentId: number, created: boolean) => {
      void messenger.refreshCard(incidentId);
      if (created) background(`advance ${incidentId}`, () => checklist.runner.advance(incidentId));
    },
  };
  const processor = new AlertProcessor({ ...triggered, alerts, mapping: { alertNames: config.alertmanager.alertNames, labels: config.alertmanager.labels, allowedNamespaces: config.cluster.namespaces } });
  const drainAlerts = () => background('process alerts', () => processor.drain());
  if (!config.slack.channel && (config.alertmanager.enabled || config.schedule.sweep)) {
    log.warn({}, 'SLACK_CHANNEL is unset: cards for incidents from Alertmanager or the sweep have no channel to go to');
  }
  if (!config.alertmanager.enabled) log.warn({}, 'the Alertmanager webhook is off: set ALERTMANAGER_BEARER_TOKEN or ALERTMANAGER_BASIC_AUTH, or ALERTMANAGER_INSECURE=true');
  const routes = {
    'POST /webhooks/alertmanager': webhookRoute({ ...config.alertmanager, alerts, clock, log, metrics, onAccepted: drainAlerts }),
    'GET /metrics': (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
    },
  };
  const server = createBotServer({ log, slack: slack.requestListener, readiness, routes });
  server.listen(config.server.port, config.server.host);
  await once(server, 'listening');
  await slack.start();
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
  log.info({ url, socketMode: config.slack.socketMode, cluster: checklist.cluster.name }, 'oom-check is serving');
  const resumed = checklist.runner.resumeAll().then((runs) => {
    for (const run of runs) void messenger.refreshCard(run.incidentId);
    return runs;
  });
  drainAlerts();
  // Expiry, orphaned runs and the cards' live clock follow the store on the bot's clock; cron keeps the sweep and reminders.
  const stopping = new AbortController();
  const ownSchedules = [checklist.lifecycle.expirySchedule(), checklist.runner.orphanSchedule(), messenger.clockSchedule(), ...(storms ? [storms.schedule()] : [])].map((work) => onSchedule(clock, log, stopping.signal, work));
  const watching = config.schedule.watch ? new OomWatch(triggered).run(stopping.signal) : Promise.resolve();
  const schedules = startSchedules(
    [
      ...(config.schedule.sweep ? [{ name: 'sweep', schedule: config.schedule.sweep, run: () => sweep(triggered) }] : []),
      ...(config.schedule.remindAfterMs
        ? [{ name: 'remind-approvers', schedule: config.schedule.remindAfterMs < 60_000 ? '* * * * * *' : '* * * * *', run: () => remindApprovers(late.context!, config.slack.approvers, config.schedule.remindAfterMs!) }]
        : []),
    ],
    log,
  );

  return {
    url,
    checklist,
    alerts,
    metrics,
    processAlerts: () => processor.drain(),
    resumed,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await schedules.stop();
      stopping.abort();
      await Promise.all([...ownSchedules, watching]);
      processor.stop();
      // Reads and waits stop at once and resume after a restart; a patch in flight finishes first.
      checklist.runner.stop();
      const drained = Promise.allSettled([...work, checklist.runner.idle(), resumed]);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 10_000).unref())]);
      await Promise.race([messenger.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await slack.stop();
      server.closeAllConnections();
      await closed;
      await checklist.close();
      log.info({}, 'oom-check stopped');
    },
  };
}
