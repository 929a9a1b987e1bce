/**
 * The audit log over Slack: every /oom-check command and every button press, allowed or refused,
 * sent as Slack sends them (signed requests to the bot's HTTP receiver), is one append-only row
 * with who, where, what and the result.
 */
import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import type { AuditEntry } from '../../src/core/audit.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { APPROVER, CHANNEL, startBotHarness, STRANGER, type BotHarness } from './bot-harness.js';

describe('the audit log of Slack commands and clicks', () => {
  let h: BotHarness;
  afterEach(async () => h.close());

  const rows = () => h.bot.checklist.audit.list();
  const rowFor = (action: string, test: (entry: AuditEntry) => boolean = () => true) =>
    pollUntil(async () => rows().find((entry) => entry.action === action && test(entry)), `an audit row for ${action}`);

  test('a row for each command and each kind of click, allowed or refused', async () => {
    h = await startBotHarness();
    const pod = await h.oomKilledPod('checkout-');
    await h.command('help');
    await h.command('status');
    await h.command('what is this');
    await h.command(`shop/${pod}`);
    await h.cardShows('oom_approve');
    await h.command('export 1');
    await h.command('export 42');
    await h.command('resolve 1 done', { user: STRANGER.id });
    await h.click(ACTIONS.approve, 1, STRANGER);
    await h.submitLimit(1, '192Mi', STRANGER);
    await h.click('oom_unknown', 1);
    await h.click(ACTIONS.approve, 1);
    await h.cardShows('Fixed: Deployment shop/checkout', 30_000);
    await h.click(ACTIONS.approve, 1);
    await h.click(ACTIONS.export, 1);

    const slack = { source: 'slack', place: CHANNEL };
    expect(await rowFor('slack.command.help')).toMatchObject({ ...slack, actor: `slack:${APPROVER.id}`, target: null, allowed: true, result: 'answered with the usage', detail: { text: 'help' } });
    expect(await rowFor('slack.command.status')).toMatchObject({ ...slack, allowed: true, result: expect.stringMatching(/^listed \d open incidents?$/) });
    expect(await rowFor('slack.command.invalid')).toMatchObject({ ...slack, result: expect.stringMatching(/^invalid: /) });
    expect(await rowFor('slack.command.run')).toMatchObject({ ...slack, target: `shop/${pod}`, allowed: true, result: 'incident #1 opened for Deployment shop/checkout' });
    expect(await rowFor('slack.command.export', (entry) => entry.target === 'incident:1')).toMatchObject({ ...slack, result: 'exported the postmortem into the thread' });
    expect(await rowFor('slack.command.export', (entry) => entry.target === 'incident:42')).toMatchObject({ result: 'not found' });
    expect(await rowFor('slack.command.resolve')).toMatchObject({ ...slack, actor: `slack:${STRANGER.id}`, target: 'incident:1', allowed: false, result: 'refused: not one of the approvers' });
    expect(await rowFor('slack.button.oom_approve', (entry) => !entry.allowed)).toMatchObject({ ...slack, actor: `slack:${STRANGER.id}`, target: 'incident:1', result: 'refused: not one of the approvers' });
    expect(await rowFor('slack.modal.oom_edit_limit')).toMatchObject({ ...slack, actor: `slack:${STRANGER.id}`, allowed: false, detail: { value: '192Mi' } });
    expect(await rowFor('slack.button.oom_unknown')).toMatchObject({ ...slack, allowed: false, result: 'ignored: the click names no known action or incident id' });
    expect(await rowFor('slack.button.oom_approve', (entry) => entry.result === 'approved 176Mi')).toMatchObject({ ...slack, actor: `slack:${APPROVER.id}`, allowed: true });
    expect(await rowFor('slack.button.oom_approve', (entry) => entry.result.startsWith('already decided'))).toMatchObject({ result: `already decided: approve by slack:${APPROVER.id}` });
    expect(await rowFor('slack.button.oom_export')).toMatchObject({ ...slack, result: 'exported the postmortem into the thread' });
    // One row per request, in order.
    expect(rows().map((entry) => entry.seq)).toEqual([...rows().keys()].map((index) => index + 1));
  }, 60_000);

  test('the table is append-only: the database refuses to change or remove a row', async () => {
    h = await startBotHarness();
    await h.command('help');
    await rowFor('slack.command.help');
    const db = h.bot.checklist.db;
    expect(() => db.prepare("UPDATE audit_log SET result = 'nothing happened'").run()).toThrow('audit_log is append-only: rows cannot be updated');
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow('audit_log is append-only: rows cannot be deleted');
    expect(rows()).toHaveLength(1);
  }, 30_000);
});
