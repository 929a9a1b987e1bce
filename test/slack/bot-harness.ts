import { oomKilledPod } from '../support/sim-pods.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { loadKubeConfig } from '../../src/adapters/k8s/load-kube-config.js';
import type { Clock, Cluster, Logger } from '../../src/core/ports.js';
import type { Scenario } from '../../src/sim/scenario-schema.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { startBot, type Bot } from '../../src/start-bot.js';
import { blockActionPayload, viewSubmissionPayload } from '../support/slack/payloads.js';
import { blockActionBody, postToBolt, slashCommandBody, viewSubmissionBody } from '../support/slack/sign-request.js';
import { startSlackReplica, type RecordedCall, type SlackReplica } from '../support/slack/slack-replica.js';

export const SECRET = 'test-signing-secret-0123456789abcdef';
export const APPROVER = { id: 'U0APPROVER', username: 'approver' };
export const GROUPIE = { id: 'U0GROUPIE', username: 'groupie' };
export const STRANGER = { id: 'U0STRANGER', username: 'stranger' };
export const CHANNEL = 'C0INCIDENT';

export interface BotHarness {
  sim: Simulator;
  replica: SlackReplica;
  bot: Bot;
  dir: string;
  env: NodeJS.ProcessEnv;
  command(text: string, options?: { user?: string; triggerId?: string; retryNum?: number; timestamp?: number; secret?: string }): Promise<{ status: number; body: string }>;
  click(actionId: string, incidentId: number, user?: { id: string; username: string }): Promise<{ status: number; body: string }>;
  /** Submits the Edit limit modal; `incidentId` is its private_metadata (a string sends it as it is). */
  submitLimit(incidentId: number | string, value: string, user?: { id: string; username: string }): Promise<{ status: number; body: string }>;
  /** The card message once posted: the first chat.postMessage without thread_ts. */
  card(): Promise<RecordedCall>;
  /** A chat.update of the card whose blocks contain `text`. */
  cardShows(text: string, timeoutMs?: number): Promise<RecordedCall>;
  oomKilledPod(prefix: string): Promise<string>;
  /** Stops the bot and starts a new one (a new process's wiring) on the same database, simulator and Slack replica. */
  restart(whileDown?: () => Promise<void>): Promise<Bot>;
  close(): Promise<void>;
}

/** The bot's environment in a test: its database and kubeconfig in `dir`, Slack at the replica, loopback only. */
export function botEnv(dir: string, slackApiUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    OOM_CHECK_DB_PATH: join(dir, 'oom-check.db'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    OOM_CHECK_SWEEP_SCHEDULE: 'off',
    // Tests open incidents through the trigger they test; the watch has tests of its own.
    OOM_CHECK_WATCH: 'off',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slackApiUrl,
    SLACK_APPROVERS: APPROVER.id,
    // Slack's limits ten times faster: these tests are about what the bot says, not its pacing
    // (pacer.test, the storm tests and bench:storm are); a test on a manual clock moves it.
    SLACK_RATE_SCALE: '10',
    ...extra,
  };
}

export interface BotHarnessOptions {
  scenario?: string | Scenario;
  timeScale?: number;
  env?: NodeJS.ProcessEnv;
  /** The bot's clock (default the system's). */
  clock?: Clock;
  /** The bot's logger (default silent). */
  log?: Logger;
  /** Wraps the bot's cluster (the simulator through client-node) to make it answer as a test needs. */
  cluster?: (real: Cluster) => Cluster;
  /** Puts something (a fault proxy) between the bot and the simulator: given the simulator's URL, the URL the bot's kubeconfig names. */
  kubeServer?: (simUrl: string) => Promise<string>;
}

export async function startBotHarness(options: BotHarnessOptions = {}): Promise<BotHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-bot-'));
  const sim = await startSimulator({ scenario: options.scenario ?? 'seed-oom', timeScale: options.timeScale ?? 0.001 });
  const server = options.kubeServer ? await options.kubeServer(sim.url) : sim.url;
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml().replaceAll(sim.url, server));
  const replica = await startSlackReplica();
  replica.setUsergroupMembers('S0APPROVERS', [GROUPIE.id], 'sre-leads');
  for (const user of [APPROVER, GROUPIE, STRANGER]) replica.setUser(user.id, { name: user.username, real_name: user.username, profile: { display_name: user.username, real_name: user.username } });
  const env = botEnv(dir, replica.apiUrl, { SLACK_APPROVERS: `${APPROVER.id},S0APPROVERS`, ...options.env });
  const cluster = options.cluster ? { cluster: options.cluster(new KubeCluster(loadKubeConfig({ kubeconfig: env.KUBECONFIG!, context: null }))) } : {};
  const boot = () => startBot({ env, log: options.log ?? pino({ level: 'silent' }), ...(options.clock ? { clock: options.clock } : {}), ...cluster });
  let bot = await boot();
  let events = `${bot.url}/slack/events`;
  const post = (body: string, extra: { retryNum?: number; timestamp?: number; secret?: string } = {}) =>
    postToBolt(events, body, { secret: extra.secret ?? SECRET, ...(extra.retryNum !== undefined ? { retryNum: extra.retryNum } : {}), ...(extra.timestamp !== undefined ? { timestamp: extra.timestamp } : {}) });
  const isCard = (call: RecordedCall) => call.args.thread_ts === undefined;
  const harness: BotHarness = {
    sim,
    replica,
    bot,
    dir,
    env,
    command: (text, o = {}) =>
      post(slashCommandBody({ text, user_id: o.user ?? APPROVER.id, channel_id: CHANNEL, ...(o.triggerId ? { trigger_id: o.triggerId } : {}) }), o),
    click: async (actionId, incidentId, user = APPROVER) => {
      const card = await harness.card();
      return post(blockActionBody(blockActionPayload({ actions: [{ action_id: actionId, value: String(incidentId) }], user, message: { ts: String(card.response.ts) } })));
    },
    submitLimit: (incidentId, value, user = APPROVER) =>
      post(viewSubmissionBody(viewSubmissionPayload({ callback_id: 'oom_edit_limit_modal', private_metadata: String(incidentId), user, values: { limit: { value: { type: 'plain_text_input', value } } } }))),
    card: () => replica.waitForCall('chat.postMessage', isCard, 15_000),
    cardShows: (text, timeoutMs = 15_000) => replica.waitForCall('chat.update', (call) => JSON.stringify(call.args.blocks ?? '').includes(text), timeoutMs),
    oomKilledPod: (prefix) => oomKilledPod(sim, 'shop', prefix),
    restart: async (whileDown) => {
      await bot.stop();
      await whileDown?.();
      bot = await boot();
      harness.bot = bot;
      events = `${bot.url}/slack/events`;
      return bot;
    },
    close: async () => {
      await bot.stop();
      await replica.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
