import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { webhookRoute } from './adapters/alertmanager/webhook-route.js';
import { startSchedules } from './adapters/cron/schedules.js';
import { clusterLeases } from './adapters/k8s/cluster-leases.js';
import { connectClusters } from './adapters/k8s/connect-clusters.js';
import { Pacer } from './adapters/slack/pacer.js';
import { escalationSchedule } from './adapters/slack/escalate-approvals.js';
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
import { ErrorCode, isOomCheckError } from './core/errors.js';
import type { Clock, Cluster, IncidentListener, Leadership, Logger } from './core/ports.js';
import type { RunObserver } from './core/run.js';
import { createLogger } from './create-logger.js';
import { loadRunbook } from './runbook/load-runbook.js';
import { botRequestListener, startingServer, type BotHttpServer, type Readiness } from './server/bot-server.js';
import { BotMetrics } from './server/bot-metrics.js';
import { metricsIncidentListener, metricsRunObserver } from './server/bot-metrics-feed.js';
import { chartOnClose } from './adapters/slack/chart-on-close.js';
import { meterSlackCalls } from './adapters/slack/meter-slack-calls.js';
import { AlertProcessor } from './triggers/alert-processor.js';
import { onSchedule } from './runbook/on-schedule.js';
import { checklistSteps } from './runbook/checklist-steps.js';
import { outsideSources } from './adapters/outside-sources.js';
import { OomWatch } from './triggers/oom-watch.js';
import { sweep } from './triggers/sweep.js';
import type { Leaders } from './runbook/leaders.js';
import { processOwner, wireChecklist, type WiredChecklist } from './wire-checklist.js';

/** A write the bot makes waits this long for another process's lock, then gives up and retries later. */
const BOT_BUSY_TIMEOUT_MS = 250;

export interface BotOptions {
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  log?: Logger;
  /** Another cluster than the kubeconfig's (an in-memory one for storm benchmarks and tests); no Lease is taken for it. */
  cluster?: Cluster;
  /** How long shutdown lets running steps reach a persisted state before aborting them. */
  drainMs?: number;
  /** serve's server, already listening on the config's address (listenEarly); by default start-up makes and listens its own. */
  server?: BotHttpServer;
}

export interface Bot {
  url: string;
  checklist: WiredChecklist;
  alerts: SqliteAlertStore;
  /** The bot's metrics (GET /metrics renders them). */
  metrics: BotMetrics;
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
  const config = loadConfig(options.env, ['store', 'server', 'slack', 'cluster', 'lease', 'runbook', 'log', 'alertmanager', 'schedule', 'prometheus', 'registry', 'policies', 'escalation']);
  const log = options.log ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  const runbook = loadRunbook(config.runbook.path);
  const connected = options.cluster ? [] : connectClusters(config.cluster);
  const identity = processOwner();
  const late: { context?: SlackContext; onLeading?: (cluster: string) => void } = {};
  // One Lease per cluster (OOM_CHECK_LEASE): a second `serve` stands by and takes over when this one dies.
  const leaders: Leaders | null =
    connected.length > 0 && config.lease.enabled
      ? clusterLeases(connected, config.lease, { identity, requestMs: config.cluster.timeouts.requestMs, clock, log, onChange: (cluster, leading) => leading && late.onLeading?.(cluster) })
      : null;
  const leadership: Leadership | undefined = leaders ?? undefined;
  const observers: RunObserver[] = [];
  const incidentListeners: IncidentListener[] = [];
  const checklist = wireChecklist({
    dbPath: config.store.dbPath,
    cluster: options.cluster ?? connected.map((entry) => entry.cluster),
    ...(leadership ? { leadership } : {}),
    owner: identity,
    clock,
    log,
    observers,
    incidentListeners,
    busyTimeoutMs: BOT_BUSY_TIMEOUT_MS,
    steps: checklistSteps(outsideSources(config)),
    policies: config.policies.file,
  });
  const { alerts } = checklist;
  const requestLog = new SqliteRequestLog(checklist.db);
  const metrics = new BotMetrics({ approvalsWaiting: () => checklist.runs.countWaitingApprovals(), alertQueueDepth: () => alerts.countUnprocessed() });
  observers.push(metricsRunObserver({ ...checklist, metrics }));
  incidentListeners.push(metricsIncidentListener(metrics));
  const work = new Set<Promise<unknown>>();
  const background = (what: string, task: () => Promise<unknown>) => {
    const running = task().catch((error: unknown) => {
      // A run another process acts on (it holds the cluster's Lease, or the run's claim) is left to it: not a failure.
      if (isOomCheckError(error, ErrorCode.NotLeader) || isOomCheckError(error, ErrorCode.RunClaimed)) log.info({ what, reason: error.message }, 'left to the process that acts on it');
      else log.error({ err: error, what }, 'background work failed');
    });
    work.add(running);
    void running.finally(() => work.delete(running));
  };

  // The Slack app's listeners need the context, and the context needs the app's client.
  const slack = createSlackApp({ ...config.slack, log, clock, firstTime: (key) => requestLog.firstTime(key, clock.now()) }, () => late.context!);
  // Every call the bot makes goes through this client (cards, threads, uploads, the directory), counted.
  const client = meterSlackCalls(slack.app.client, (method, outcome) => metrics.slackCalls.inc({ method, outcome }));
  // Slack's limits are in real seconds, whatever clock the bot's schedules follow (a test's manual one).
  const pacer = new Pacer(systemClock, { scale: config.slack.rateScale });
  const outbound = new SlackOutbound(client, pacer);
  const approvers = new Approvers(config.slack.approvers, slackDirectory(client, pacer), log, () => clock.now().getTime());
  const storms = config.slack.storm
    ? new StormDesk({ storms: new SqliteStormStore(checklist.db), incidents: checklist.incidents, runs: checklist.runs, clock, log, slack: outbound, defaultChannel: config.slack.channel, settings: config.slack.storm, approvers: () => approvers.mentions() })
    : undefined;
  const messenger = new IncidentMessenger({ slack: outbound, incidents: checklist.incidents, runs: checklist.runs, clock, log, defaultChannel: config.slack.channel, ...(storms ? { storms } : {}) });
  late.context = { ...checklist, slack: outbound, messenger, approvers, log, runbook, maxLimitBytes: config.runbook.maxMemoryLimitBytes, allowedNamespaces: config.cluster.namespaces, background };
  observers.push(slackRunObserver({ runs: checklist.runs, messenger, approvers }));
  incidentListeners.push(chartOnClose({ incidents: checklist.incidents, messenger, background }));

  const readiness = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    try {
      checklist.db.prepare('SELECT 1').get();
      checks.database = 'ok';
    } catch (error) {
      checks.database = (error as Error).message;
    }
    // Each cluster on its own: one down is reported, and the bot stays ready while another answers.
    const clusters = checklist.clusters.all();
    const pings = await Promise.all(clusters.map((cluster) => cluster.ping().then(() => 'ok', (error: unknown) => (error as Error).message)));
    clusters.forEach((cluster, index) => {
      checks[`cluster/${cluster.name}`] = pings[index]!;
      if (leaders) checks[`lease/${cluster.name}`] = leaders.leads(cluster.name) ? 'leader' : `standby: ${leaders.describe(cluster.name)} acts`;
    });
    return { ready: checks.database === 'ok' && pings.includes('ok'), checks };
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
  // The cluster label picks among OOM_CHECK_CLUSTERS; with the one cluster of the kubeconfig it is not read (as before clusters were named).
  const labels = { ...config.alertmanager.labels, cluster: config.cluster.clusters === null ? null : config.alertmanager.labels.cluster };
  const processor = new AlertProcessor({ ...triggered, alerts, mapping: { alertNames: config.alertmanager.alertNames, labels, allowedNamespaces: config.cluster.namespaces } });
  const drainAlerts = () => background('process alerts', () => processor.drain());
  if (!config.slack.channel && (config.alertmanager.enabled || config.schedule.sweep)) {
    log.warn({}, 'SLACK_CHANNEL is unset: cards for incidents from Alertmanager or the sweep have no channel to go to');
  }
  if (!config.alertmanager.enabled) log.warn({}, 'the Alertmanager webhook is off: set ALERTMANAGER_BEARER_TOKEN or ALERTMANAGER_BASIC_AUTH, or ALERTMANAGER_INSECURE=true');
  const routes = {
    'POST /webhooks/alertmanager': webhookRoute({
      ...config.alertmanager,
      alerts,
      clock,
      log,
      onDelivery: (outcome, count) => {
        metrics.webhookDeliveries.inc({ outcome });
        if (count > 0) metrics.alertsReceived.inc(count);
      },
      onAccepted: drainAlerts,
    }),
    'GET /metrics': async (_req: IncomingMessage, res: ServerResponse) => {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
    },
  };
  const http = options.server ?? startingServer();
  http.handle(botRequestListener({ log, slack: slack.requestListener, readiness, routes }));
  const { server } = http;
  if (!server.listening) {
    server.listen(config.server.port, config.server.host);
    await once(server, 'listening');
  }
  await slack.start();
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
  log.info({ url, socketMode: config.slack.socketMode, clusters: checklist.clusters.names(), identity }, 'oom-check is serving');
  const stopping = new AbortController();
  const resumeLed = () =>
    checklist.runner.resumeAll().then((runs) => {
      for (const run of runs) void messenger.refreshCard(run.incidentId);
      return runs;
    });
  // The first election round decides which clusters' runs this process resumes; a standby resumes them when it takes over.
  const electing = leaders ? leaders.start(stopping.signal) : Promise.resolve({ running: Promise.resolve() });
  const resumed = electing.then(() => {
    late.onLeading = (cluster) => background(`take over ${cluster}`, resumeLed);
    return resumeLed();
  });
  drainAlerts();
  // Expiry, escalation, orphaned runs, the cards' live clock and storms follow the store on the bot's clock; cron keeps the sweep.
  const escalation = config.escalation.enabled ? [escalationSchedule(() => late.context!, { approvers: config.slack.approvers, oncallGroup: config.escalation.oncallGroup, remindAfterMs: config.escalation.remindAfterMs })] : [];
  const ownSchedules = [checklist.lifecycle.expirySchedule(), ...escalation, checklist.runner.orphanSchedule(), messenger.clockSchedule(), ...(storms ? [storms.schedule()] : [])].map((work) => onSchedule(clock, log, stopping.signal, work));
  const onRelist = (_reason: string, cause: string, cluster: string) => metrics.watchRestarts.inc({ cluster, reason: cause });
  const watching = config.schedule.watch ? new OomWatch({ ...triggered, onRelist }).run(stopping.signal) : Promise.resolve();
  const schedules = startSchedules(
    [
      ...(config.schedule.sweep ? [{ name: 'sweep', schedule: config.schedule.sweep, run: () => sweep(triggered) }] : []),
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
      await (await electing).running;
      // Nothing writes any more: the Leases are given up, and a standby takes over at its next try.
      await leaders?.release();
      await Promise.race([messenger.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await slack.stop();
      server.closeAllConnections();
      await closed;
      await checklist.close();
      log.info({}, 'oom-check stopped');
    },
  };
}
