/**
 * The budget drives escalation, on a clock the test moves: while an approval waits, the approvers
 * are pinged again at 60 s and the on-call group at 120 s (a timeline row and a thread message
 * each), and the approval expires at the budget (180 s) whether reminders are on or off, and
 * after a restart (a new bot's wiring over the same database file).
 */
import { ManualClock } from '../fakes/manual-clock.js';
import { pollUntil } from '../sim/helpers/poll.js';
import type { RecordedCall } from '../support/slack/slack-replica.js';
import { startBotHarness, type BotHarness } from './bot-harness.js';

describe('escalation and expiry on the bot clock', () => {
  let h: BotHarness;
  let clock: ManualClock;
  afterEach(async () => h.close());

  /** The bot, a run waiting for approval; returns when the gate opened (ms on the bot clock). */
  async function waiting(env: NodeJS.ProcessEnv): Promise<number> {
    clock = new ManualClock(Date.now());
    h = await startBotHarness({ clock, env });
    const pod = await h.oomKilledPod('checkout-');
    await h.command(`shop/${pod}`, { timestamp: Math.floor(clock.now().getTime() / 1000) });
    await h.cardShows('oom_approve');
    const gate = h.bot.checklist.runs.getRun(1)!.steps.find((step) => step.step === 'approve')!;
    expect(gate.status).toBe('waiting-approval');
    return Date.parse(gate.startedAt!);
  }

  const escalations = () => h.bot.checklist.incidents.timeline(1).filter((event) => event.kind === 'escalation');
  const threadSays = (text: string) => (call: RecordedCall) => call.args.thread_ts !== undefined && String(call.args.text).includes(text);
  /** Moves the bot clock to `ms` after the gate opened. */
  const at = async (since: number, ms: number) => clock.advance(since + ms - clock.now().getTime());

  test('approvers at 60 s, on-call at 120 s, each a row and a thread message; expiry at 180 s', async () => {
    const since = await waiting({ SLACK_ONCALL_GROUP: 'S0ONCALL' });
    await at(since, 59_000);
    expect(escalations()).toEqual([]);
    await at(since, 60_000);
    await pollUntil(async () => escalations().length === 1 || undefined, 'the approvers escalation row');
    expect(escalations()[0]).toMatchObject({ at: new Date(since + 60_000).toISOString(), actor: 'oom-check', step: 'approve', data: { level: 'approvers', pinged: ['U0APPROVER', 'S0APPROVERS'], waitedSeconds: 60 } });
    const reminder = await h.replica.waitForCall('chat.postMessage', threadSays('has waited 1:00'));
    expect(String(reminder.args.text)).toBe('<@U0APPROVER> <!subteam^S0APPROVERS> incident #1 has waited 1:00 for an approval: approve, edit or reject the patch on the card.');

    await at(since, 119_000);
    expect(escalations()).toHaveLength(1);
    await at(since, 120_000);
    await pollUntil(async () => escalations().length === 2 || undefined, 'the on-call escalation row');
    expect(escalations()[1]).toMatchObject({ at: new Date(since + 120_000).toISOString(), data: { level: 'oncall', pinged: ['S0ONCALL'], waitedSeconds: 120 } });
    const oncall = await h.replica.waitForCall('chat.postMessage', threadSays('on-call'));
    expect(String(oncall.args.text)).toMatch(/^<!subteam\^S0ONCALL> on-call: incident #1 has waited 2:00 for an approval .* it expires at 3:00\./);

    await at(since, 179_000);
    expect(h.bot.checklist.runs.getRun(1)?.status).toBe('waiting-approval');
    await at(since, 180_000);
    expect(h.bot.checklist.runs.getRun(1)).toMatchObject({ status: 'finished', verdict: 'not-approved' });
    await h.cardShows('Not approved in time, still failing');
    // Nothing more after the wait ended: two pings in all.
    await at(since, 600_000);
    expect(escalations()).toHaveLength(2);
  }, 60_000);

  test('reminders off (OOM_CHECK_REMIND_AFTER=off): nobody is pinged again, and the approval still expires at the budget', async () => {
    const since = await waiting({ OOM_CHECK_REMIND_AFTER: 'off', SLACK_ONCALL_GROUP: 'S0ONCALL' });
    await at(since, 179_000);
    expect(h.bot.checklist.runs.getRun(1)?.status).toBe('waiting-approval');
    await at(since, 180_000);
    expect(h.bot.checklist.runs.getRun(1)).toMatchObject({ status: 'finished', verdict: 'not-approved' });
    expect(h.bot.checklist.incidents.timeline(1).find((event) => event.kind === 'step.failed' && event.step === 'approve')?.data).toMatchObject({ message: 'nobody approved within 180 s; nothing was patched' });
    expect(escalations()).toEqual([]);
    expect(h.replica.calls('chat.postMessage').filter(threadSays('has waited'))).toEqual([]);
  }, 60_000);

  test('after a restart: a ping already sent is not sent again, the next comes on time, and expiry fires', async () => {
    const since = await waiting({ SLACK_ONCALL_GROUP: 'S0ONCALL' });
    await at(since, 60_000);
    await pollUntil(async () => escalations().length === 1 || undefined, 'the approvers escalation row');
    await at(since, 90_000);
    // Down past the on-call time: the new process finds it due in the store and sends only that one.
    await h.restart(() => at(since, 130_000));
    await pollUntil(async () => escalations().length === 2 || undefined, 'the on-call row after the restart');
    expect(escalations().map((event) => event.data.level)).toEqual(['approvers', 'oncall']);
    expect(h.replica.calls('chat.postMessage').filter(threadSays('has waited 1:00'))).toHaveLength(1);
    await at(since, 180_000);
    expect(h.bot.checklist.runs.getRun(1)).toMatchObject({ status: 'finished', verdict: 'not-approved' });
  }, 60_000);

  test('a restart after the deadline: the new process expires the approval at once', async () => {
    const since = await waiting({ OOM_CHECK_REMIND_AFTER: 'off' });
    await h.restart(() => at(since, 600_000)); // the bot was down for ten minutes
    await pollUntil(async () => h.bot.checklist.runs.getRun(1)?.status === 'finished' || undefined, 'expiry after the restart');
    expect(h.bot.checklist.runs.getRun(1)?.verdict).toBe('not-approved');
  }, 60_000);
});
