/**
 * Pictures of the Slack experience for the README: `npm run docs:cards`. Runs the bot against the
 * simulator and the Slack replica through the four runs (fixed; health failing, then
 * rolled back and resolved; image-info missing; rejected), takes the card as Slack held it at each
 * state (the recorded chat.update) with the thread replies sent until then, renders them with the
 * small Block Kit renderer, and screenshots them with Debian's headless Chromium (screenshot-html.ts)
 * at desktop width and at a 375 px phone width into docs/slack/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import type { Clock } from '../../src/core/ports.js';
import { packageRoot } from '../../src/paths.js';
import { APPROVER, GROUPIE, startBotHarness, STRANGER, type BotHarness, type BotHarnessOptions } from '../slack/bot-harness.js';
import { defaultRunbook } from './default-runbook.js';
import type { RecordedCall, StoredMessage } from './slack/slack-replica.js';
import { screenshotHtml } from './screenshot-html.js';
import { renderSlackHtml, type SlackNames } from './slack/render-slack-html.js';

const OUT = join(packageRoot, 'docs', 'slack');
const WIDTHS = { desktop: 760, phone: 375 } as const;
const NAMES: SlackNames = {
  users: { [APPROVER.id]: APPROVER.username, [GROUPIE.id]: GROUPIE.username, [STRANGER.id]: STRANGER.username },
  groups: { S0APPROVERS: 'sre-leads' },
  channels: { C0INCIDENT: 'incidents' },
};
const work = mkdtempSync(join(tmpdir(), 'oom-check-pictures-'));

const header = (call: RecordedCall) => String(((call.args.blocks ?? []) as Array<{ text?: { text?: string } }>)[0]?.text?.text ?? '');

/** The card as the update `call` left it, and the thread replies sent so far. */
function snapshot(h: BotHarness, call: RecordedCall): { card: StoredMessage; thread: StoredMessage[] } {
  const posted = h.replica.calls('chat.postMessage').find((c) => c.args.thread_ts === undefined && !c.faulted)!;
  const ts = String(posted.response.ts);
  // The replica's ts count from a fixed epoch; the picture shows when each call was made.
  const asMessage = (c: RecordedCall, threadTs?: string): StoredMessage => ({
    type: 'message',
    channel: String(c.args.channel),
    ts: `${Math.floor(c.at.getTime() / 1000)}.000000`,
    user: 'UBOT',
    bot_id: 'BBOT',
    app_id: 'A0001',
    team: 'T0001',
    text: String(c.args.text ?? ''),
    ...(c.args.blocks ? { blocks: c.args.blocks } : {}),
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  const thread = h.replica.calls('chat.postMessage').filter((c) => c.args.thread_ts === ts && !c.faulted);
  return { card: { ...asMessage(posted), blocks: call.args.blocks, text: String(call.args.text ?? ''), ...(call.method === 'chat.update' ? { edited: { user: 'UBOT', ts } } : {}) }, thread: thread.map((c) => asMessage(c, ts)) };
}

function screenshot(html: string, name: string, width: number): void {
  const file = join(OUT, `${name}.png`);
  const size = screenshotHtml(html, file, { width, selector: '.page', padding: 24, workDir: work });
  console.log(`wrote ${file} (${size.width}x${size.height})`);
}

/** Pages to screenshot once the bot has stopped: Chromium must not starve the bot's event loop mid-run. */
const pages: Array<{ html: string; name: string; width: number }> = [];

function picture(h: BotHarness, call: RecordedCall, name: string, options: { caption: string; threadLimit?: number; confirms?: boolean; phone?: boolean }): void {
  const { card, thread } = snapshot(h, call);
  const html = renderSlackHtml(card, thread, NAMES, { caption: options.caption, threadLimit: options.threadLimit ?? 3, showConfirms: options.confirms ?? false });
  pages.push({ html, name: `${name}-desktop`, width: WIDTHS.desktop });
  if (options.phone !== false) pages.push({ html, name: `${name}-phone`, width: WIDTHS.phone });
}

/**
 * The simulator's checklist takes under a second, so on the system clock every card would read
 * "0:00". The bot's clock runs this far ahead of the kill instead, as a person would find it.
 */
const AHEAD_MS = 95_000;
const aheadClock: Clock = { now: () => new Date(Date.now() + AHEAD_MS), sleep: (ms, signal) => systemClock.sleep(ms, signal) };

async function session(options: BotHarnessOptions, prefix: string, scene: (h: BotHarness, id: number) => Promise<void>): Promise<void> {
  const h = await startBotHarness({ clock: aheadClock, ...options });
  try {
    const pod = await h.oomKilledPod(prefix);
    await h.command(`shop/${pod}`);
    await h.cardShows('oom_approve');
    await scene(h, h.bot.checklist.incidents.listIncidents()[0]!.id);
  } finally {
    await h.close();
  }
}

/** A click, again once if the keep-alive connection went stale while Chromium took its pictures. */
async function click(h: BotHarness, action: string, id: number): Promise<void> {
  try {
    await h.click(action, id);
  } catch {
    await h.click(action, id);
  }
}

const cardWith = (h: BotHarness, title: string) => h.replica.waitForCall('chat.update', (call) => header(call).startsWith(title), 20_000);
const lastCardWith = (h: BotHarness, title: string) => h.replica.calls('chat.update').filter((call) => header(call).startsWith(title)).at(-1)!;

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const runbook = join(work, 'runbook.yaml');
  writeFileSync(runbook, stringify(defaultRunbook((r) => {
    r.steps.health.timeoutSeconds = 1;
  })));

  await session({}, 'checkout-', async (h, id) => {
    const checking = h.replica.calls('chat.update').find((call) => header(call).startsWith('🟡'));
    if (checking) picture(h, checking, '1-checking', { caption: 'Checking the kill (first seconds)' });
    await cardWith(h, '🔴 Needs approval');
    await h.replica.waitForCall('chat.postMessage', (call) => String(call.args.text).includes('Approval needed'));
    const waiting = lastCardWith(h, '🔴 Needs approval');
    picture(h, waiting, '2-needs-approval', { caption: 'Needs approval: the decision first, the approvers pinged in the thread', threadLimit: 6 });
    picture(h, waiting, '2-needs-approval-confirm', { caption: 'Approve and Reject ask first, in plain words', threadLimit: 0, confirms: true, phone: false });
    await click(h, ACTIONS.approve, id);
    const fixing = await cardWith(h, '🟠 Fixing').catch(() => null);
    if (fixing) picture(h, fixing, '3-fixing', { caption: 'Fixing: approved, rolling out' });
    await cardWith(h, '🟢 Fixed');
    await h.replica.waitForCall('chat.postMessage', (call) => String(call.args.text).includes('*Fixed*'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    picture(h, lastCardWith(h, '🟢 Fixed'), '4-fixed', { caption: 'Fixed: the whole thread reads in one screen', threadLimit: 12 });
  });

  await session({ scenario: 'health-failing', env: { OOM_CHECK_RUNBOOK: runbook } }, 'inventory-', async (h, id) => {
    await click(h, ACTIONS.approve, id);
    await cardWith(h, '🔴 Fix did not verify');
    await new Promise((resolve) => setTimeout(resolve, 300));
    picture(h, lastCardWith(h, '🔴 Fix did not verify'), '5-not-verified', { caption: 'Health failing: the fix did not verify; Roll back asks first, in danger style', confirms: true });
    await click(h, ACTIONS.rollback, id);
    await cardWith(h, '⚪ Rolled back');
    await new Promise((resolve) => setTimeout(resolve, 300));
    picture(h, lastCardWith(h, '⚪ Rolled back'), '6-rolled-back', { caption: 'Rolled back: still failing, still open, with the next step' });
    await click(h, ACTIONS.resolve, id);
    await cardWith(h, '✅ Resolved');
    await new Promise((resolve) => setTimeout(resolve, 300));
    picture(h, lastCardWith(h, '✅ Resolved'), '7-resolved', { caption: 'Resolved by a person' });
  });

  await session({ scenario: 'image-info-missing' }, 'reports-', async (h) => {
    await cardWith(h, '🔴 Needs approval');
    await new Promise((resolve) => setTimeout(resolve, 300));
    picture(h, lastCardWith(h, '🔴 Needs approval'), '8-image-info-missing', { caption: 'Image info missing: a step that could not do its work says so', threadLimit: 5 });
  });

  await session({}, 'checkout-', async (h, id) => {
    await click(h, ACTIONS.reject, id);
    await cardWith(h, '⚪ Mitigation declined');
    await new Promise((resolve) => setTimeout(resolve, 300));
    picture(h, lastCardWith(h, '⚪ Mitigation declined'), '9-declined', { caption: 'Rejected: mitigation declined, the incident stays open with the next step' });
  });

  for (const page of pages) screenshot(page.html, page.name, page.width);
}

main().then(
  () => rmSync(work, { recursive: true, force: true }),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
