/**
 * The card an on-call engineer reads, over real HTTP (signed requests to Bolt, the Slack replica,
 * the simulator), for the runs the issue walked through: fixed, health failing then rolled back,
 * image-info missing, rejected after a reminder; and the clock moving while an approval waits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { blockKitProblems } from '../support/slack/block-kit-limits.js';
import type { RecordedCall } from '../support/slack/slack-replica.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { APPROVER, CHANNEL, startBotHarness, STRANGER, type BotHarness, type BotHarnessOptions } from './bot-harness.js';
import { isSafeMrkdwn, mrkdwnTexts } from './mrkdwn-checks.js';

type Block = { type: string; text?: { text: string }; elements?: Array<{ action_id?: string; style?: string; confirm?: { style?: string; text: { text: string } }; text?: { text: string } }> };
const blocksOf = (call: RecordedCall) => (call.args.blocks ?? []) as Block[];
const header = (call: RecordedCall) => blocksOf(call)[0]?.text?.text ?? '';
const buttons = (call: RecordedCall) => blocksOf(call).flatMap((block) => (block.type === 'actions' ? (block.elements ?? []) : []));
const actionIds = (call: RecordedCall) => buttons(call).map((button) => button.action_id);
const cardText = (call: RecordedCall) => JSON.stringify(call.args.blocks);
/** What a stale card would still say after a decision. */
const STALE = /waiting for an approver|Needs approval|Raise the memory limit|Approve patch|Proposed patch/;

describe('the incident card over HTTP, state by state', () => {
  let h: BotHarness;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-card-states-'));
  });
  afterEach(async () => h.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The bot with a runbook whose health check gives up after 1 s (the health-failing scenario never answers 2xx). */
  async function start(options: BotHarnessOptions = {}): Promise<BotHarness> {
    h = await startBotHarness(options);
    return h;
  }

  function runbookEnv(dir: string): NodeJS.ProcessEnv {
    const file = join(dir, 'runbook.yaml');
    writeFileSync(file, stringify(defaultRunbook((runbook) => {
      runbook.steps.health.timeoutSeconds = 1;
      runbook.steps.wait.timeoutSeconds = 20;
    })));
    return { OOM_CHECK_RUNBOOK: file };
  }

  async function run(prefix: string): Promise<{ id: number; card: RecordedCall; ack: string }> {
    const pod = await h.oomKilledPod(prefix);
    const ack = await h.command(`shop/${pod}`);
    expect(ack.status).toBe(200);
    await h.cardShows('oom_approve');
    return { id: h.bot.checklist.incidents.listIncidents()[0]!.id, card: await h.card(), ack: ack.body };
  }

  /** The newest card update (the card as Slack shows it now) once its header says `title`. */
  const cardWith = (title: string) => h.replica.waitForCall('chat.update', (call) => header(call).startsWith(title), 15_000);
  const thread = (card: RecordedCall) => h.replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === card.response.ts && !call.faulted);
  const updatesAfter = (at: number) => h.replica.calls('chat.update').filter((call) => call.at.getTime() > at);

  function expectWithinSlackLimits(): void {
    const sent = [...h.replica.calls('chat.postMessage'), ...h.replica.calls('chat.update')];
    expect(sent.flatMap((call) => blockKitProblems(call.args))).toEqual([]);
    expect(h.replica.calls().flatMap((call) => mrkdwnTexts(call.args).filter((text) => !isSafeMrkdwn(text)))).toEqual([]);
  }

  test('fixed: the author gets a link, the approvers are pinged at once, Approve confirms, and the card ends green with nothing stale', async () => {
    await start();
    const { id, card, ack } = await run('checkout-');
    expect(JSON.parse(ack)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/^:mag: Checking `shop\/checkout-[a-z0-9-]+`… a link to the incident's card follows here\.$/) });
    const linked = await h.replica.waitForCall('chat.postEphemeral', (call) => String(call.args.text).startsWith('Incident #1'));
    expect(linked.args.text).toBe(`Incident #1 for Deployment shop/checkout: <https://oom-check-test.slack.com/archives/${CHANNEL}/p${String(card.response.ts).replace('.', '')}|its card>. The approvers are mentioned in its thread when their decision is needed.`);

    // Needs approval: the decision, its three buttons, and confirmations in plain words.
    const waiting = await cardWith('🔴 Needs approval: Deployment shop/checkout');
    expect(actionIds(waiting)).toEqual([ACTIONS.approve, ACTIONS.editLimit, ACTIONS.reject, ACTIONS.acknowledge]);
    const [approve, , reject] = buttons(waiting);
    expect(approve?.confirm?.text.text).toMatch(/^Patch Deployment shop\/checkout: limits\.memory of init container migrate 64Mi -> 176Mi\. /);
    expect(reject).toMatchObject({ style: 'danger', confirm: { style: 'danger', text: { text: expect.stringContaining('stays broken') } } });
    expect(cardText(waiting)).toContain('*Raise the memory limit of init container `migrate` from 64Mi to 176Mi*');

    // The approvers, users and groups, are mentioned in the thread within a second of the gate.
    const gate = h.bot.checklist.incidents.timeline(id).find((e) => e.kind === 'step.waiting' && e.step === 'approve')!;
    const ping = await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === card.response.ts && String(call.args.text).includes('Approval needed'));
    expect(String(ping.args.text)).toMatch(new RegExp(`^<@${APPROVER.id}> <!subteam\\^S0APPROVERS> :red_circle: \\*Approval needed:\\* raise \`migrate\` from 64Mi to 176Mi on Deployment shop/checkout`));
    expect(ping.at.getTime() - Date.parse(gate.at)).toBeLessThan(1000);

    const decidedAt = Date.now();
    await h.click(ACTIONS.approve, id);
    const fixed = await cardWith('🟢 Fixed: Deployment shop/checkout');
    expect(actionIds(fixed)).toEqual([ACTIONS.export]);
    expect(cardText(fixed)).toMatch(/init container `migrate` now runs with 176Mi\* \(was 64Mi\): the new pod `checkout-[a-z0-9-]+` initialized/);
    expect(cardText(fixed)).toMatch(/pod `checkout-[a-z0-9-]+` \(replaced `checkout-[a-z0-9-]+`\)/);
    expect(updatesAfter(decidedAt).filter((call) => STALE.test(cardText(call)))).toEqual([]);
    await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === card.response.ts && String(call.args.text).includes('*Fixed*'));
    // One message per step: no step speaks twice.
    const heads = thread(card).map((call) => /^\S+ \*([A-Za-z ]+)[:*]/.exec(String(call.args.text))?.[1]);
    expect(heads.filter((head, index) => head && heads.indexOf(head) !== index)).toEqual([]);
    expect(thread(card).map((call) => String(call.args.text)).join('\n')).toContain(`:+1: *Approved*, by <@${APPROVER.id}>: approved 176Mi.`);
    expect(h.bot.checklist.incidents.getIncident(id)?.status).toBe('closed');
    expectWithinSlackLimits();
  });

  test('health failing: the fix does not verify, Roll back confirms in danger style, the incident stays open until resolved', async () => {
    await start({ scenario: 'health-failing', env: runbookEnv(dir) });
    const { id, card } = await run('inventory-');
    await h.click(ACTIONS.approve, id);
    const failed = await cardWith('🔴 Fix did not verify: Deployment shop/inventory');
    expect(actionIds(failed)).toEqual([ACTIONS.rollback, ACTIONS.resolve, ACTIONS.acknowledge, ACTIONS.export]);
    const [rollback] = buttons(failed);
    expect(rollback).toMatchObject({ style: 'danger', confirm: { style: 'danger', text: { text: expect.stringMatching(/^Restore limits\.memory \d+Mi on Deployment shop\/inventory\. Its pods roll again and the OOM kill of init container \S+ will come back\.$/) } } });
    expect(cardText(failed)).toMatch(/\*Next:\* roll back to \d+Mi \(the OOM kill will return\)/);

    await h.click(ACTIONS.rollback, id);
    const rolled = await cardWith('⚪ Rolled back, still failing: Deployment shop/inventory');
    expect(actionIds(rolled)).toEqual([ACTIONS.resolve, ACTIONS.acknowledge, ACTIONS.export]);
    expect(cardText(rolled)).toContain('*Next:* run the checklist again (`/oom-check shop/inventory-');
    const line = await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === card.response.ts && String(call.args.text).includes('Rolled back'));
    expect(String(line.args.text)).toMatch(new RegExp(`^⚪ \\*Rolled back, still failing\\*, by <@${APPROVER.id}>: limits\\.memory restored to \\d+Mi on Deployment shop/inventory\\. Next:`));
    expect(h.bot.checklist.incidents.getIncident(id)?.status).toBe('open');

    // Resolve: approvers only, named in the refusal; then the card says who, and the incident closes.
    await h.click(ACTIONS.resolve, id, STRANGER);
    const refused = await h.replica.waitForCall('chat.postEphemeral', (call) => call.args.user === STRANGER.id);
    expect(refused.args.text).toBe(":no_entry: Only @approver or @sre-leads can resolve the incident. Ask one of them; your attempt is on the incident's timeline.");
    expect(h.bot.checklist.incidents.getIncident(id)?.status).toBe('open');
    await h.click(ACTIONS.resolve, id);
    const resolved = await cardWith('✅ Resolved: Deployment shop/inventory');
    expect(actionIds(resolved)).toEqual([ACTIONS.export]);
    expect(h.bot.checklist.incidents.getIncident(id)).toMatchObject({ status: 'closed', verdict: 'rolled-back' });
    expect(h.bot.checklist.incidents.timeline(id).filter((e) => e.kind === 'decision').map((e) => e.data.decision)).toEqual(['approve', 'rollback', 'resolve']);
    expectWithinSlackLimits();
  });

  test('image-info missing: the step that could not do its work says so with ⚠, never ✅', async () => {
    await start({ scenario: 'image-info-missing' });
    const { card } = await run('reports-');
    const waiting = await cardWith('🔴 Needs approval');
    expect(cardText(waiting)).toContain(':warning: Image info');
    const line = thread(card).find((call) => String(call.args.text).includes('Image info'))!;
    expect(String(line.args.text)).toMatch(/^:warning: \*Image info\* could not do its work \(8080\/debug\/image-info: .+\); the checklist goes on without it\.$/);
    expect(thread(card).filter((call) => String(call.args.text).includes('image-info unavailable'))).toEqual([]);
    expectWithinSlackLimits();
  });

  test('rejected after a reminder: Reject confirms, the incident stays open as declined with the next step, the export is plain Markdown', async () => {
    await start({ env: { OOM_CHECK_REMIND_AFTER: '1s' } });
    const { id, card } = await run('checkout-');
    await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === card.response.ts && String(call.args.text).includes('has waited'), 10_000);
    const status = JSON.parse((await h.command('status')).body).text as string;
    expect(status).toMatch(/^\*Open incidents\*\n• #1 🔴 Needs approval: Deployment shop\/checkout \(:stopwatch: \*\d+:\d\d\* since the OOM kill · budget 3:00\)$/);

    const decidedAt = Date.now();
    await h.click(ACTIONS.reject, id);
    const declined = await cardWith('⚪ Mitigation declined, still failing: Deployment shop/checkout');
    expect(actionIds(declined)).toEqual([ACTIONS.resolve, ACTIONS.acknowledge, ACTIONS.export]);
    expect(cardText(declined)).toMatch(new RegExp(`Nothing was changed:\\* <@${APPROVER.id}> declined raising init container \`migrate\` to 176Mi at \\d\\d:\\d\\d:\\d\\d UTC`));
    expect(cardText(declined)).toContain('pick the limit with *Edit limit*');
    expect(updatesAfter(decidedAt).filter((call) => STALE.test(cardText(call)))).toEqual([]);
    const line = await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === card.response.ts && String(call.args.text).includes('Mitigation declined'));
    expect(String(line.args.text)).toBe(`⚪ *Mitigation declined, still failing*, by <@${APPROVER.id}>: the patch was rejected; nothing was changed. Next: run the checklist again (Edit limit picks another limit), or resolve the incident once the workload runs.`);
    expect(h.bot.checklist.incidents.getIncident(id)?.status).toBe('open');

    await h.click(ACTIONS.export, id);
    await h.replica.waitForCall('files.completeUploadExternal');
    const [upload] = [...h.replica.uploads().values()];
    expect(upload?.content).toContain('64Mi -> 176Mi');
    expect(upload?.content).not.toMatch(/&(?:amp|lt|gt|quot|#\d+);/);
    expectWithinSlackLimits();
  });

  test('the clock moves while an approval waits, every 15 s of the bot clock, counted from the kill', async () => {
    // A minute ahead of the wall: the simulator stamps the kill on the wall clock, after this test began.
    const clock = new ManualClock(Date.now() + 60_000);
    // An approval that may wait past the budget (by default it expires at the budget).
    const file = join(dir, 'runbook-long-wait.yaml');
    writeFileSync(file, stringify(defaultRunbook((runbook) => {
      runbook.steps.approve.timeoutSeconds = 900;
    })));
    await start({ clock, env: { OOM_CHECK_RUNBOOK: file } });
    const pod = await h.oomKilledPod('checkout-');
    await h.command(`shop/${pod}`, { timestamp: Math.floor(clock.now().getTime() / 1000) });
    // Slack calls are paced in real time (Slack's limits), so the bot's clock stays where it is meanwhile.
    await cardWith('🔴 Needs approval');
    // ...and until what was still queued has gone: no update for a while.
    for (let count = -1; count !== h.replica.calls('chat.update').length; ) {
      count = h.replica.calls('chat.update').length;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const seconds = (call: RecordedCall) => {
      const [, m, s] = /\*(\d+):(\d\d)\* since the OOM kill/.exec(cardText(call)) ?? [];
      return Number(m) * 60 + Number(s);
    };
    const before = h.replica.calls('chat.update').length;
    const first = h.replica.calls('chat.update').at(-1)!;
    // Counted from the kill detect saw, not from the incident's opening.
    const killedAt = h.bot.checklist.incidents.timeline(1).map((e) => e.data.oomKilledAt).find((at): at is string => typeof at === 'string')!;
    expect(seconds(first)).toBe(Math.floor((clock.now().getTime() - Date.parse(killedAt)) / 1000));
    await clock.advance(14_000);
    expect(h.replica.calls('chat.update').length).toBe(before);
    await clock.advance(1_000);
    const ticked = await h.replica.waitForCall('chat.update', (call) => seconds(call) >= seconds(first) + 15);
    expect(seconds(ticked)).toBe(seconds(first) + 15);
    expect(header(ticked)).toBe('🔴 Needs approval: Deployment shop/checkout');
    await clock.advance(15_000);
    const again = await h.replica.waitForCall('chat.update', (call) => seconds(call) >= seconds(first) + 30);
    expect(seconds(again)).toBe(seconds(first) + 30);
    // Past the 3-minute budget the clock turns to a warning.
    await clock.advance(180_000);
    await h.replica.waitForCall('chat.update', (call) => cardText(call).includes('over the 3:00 budget'));
  });
});

