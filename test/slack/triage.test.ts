import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { renderPostmortemMarkdown } from '../../src/core/postmortem/render-markdown.js';
import { captureIo } from '../cli/capture-io.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { APPROVER, GROUPIE, startBotHarness, STRANGER, type BotHarness } from './bot-harness.js';

describe('severity and ownership from Slack and the command line', () => {
  let h: BotHarness;
  afterEach(async () => h.close());

  test('P1 from the impact on the card; overridden from Slack and the CLI; "I\'m on it" and assign make an owner; the postmortem names severity, owner and TTA', async () => {
    h = await startBotHarness();
    const pod = await h.oomKilledPod('checkout-');
    await h.command(`shop/${pod}`);
    const approval = await h.cardShows('oom_approve');
    const id = h.bot.checklist.incidents.listIncidents()[0]!.id;
    const blocks = JSON.stringify(approval.args.blocks);
    expect(blocks).toContain('*P1* no available replica (0 of 1)');
    expect(blocks).toContain('no owner yet');
    expect(blocks).toContain(ACTIONS.acknowledge);

    // From Slack: anyone may set it; the change is a timeline row by them and shows on the card.
    await h.command(`severity ${id} p2`, { user: STRANGER.id });
    await h.cardShows(`*P2* was P1 (set by <@${STRANGER.id}>)`);
    expect(h.bot.checklist.incidents.timeline(id).filter((e) => e.kind === 'severity.set').map((e) => [e.actor, e.data.severity])).toEqual([
      ['oom-check', 'P1'],
      [`slack:${STRANGER.id}`, 'P2'],
    ]);
    expect((await h.command(`severity ${id} P9`)).body).toContain('`severity` takes an incident id and P1, P2, P3 or P4');

    // "I'm on it" by the stranger: the first acknowledgement, the one TTA counts to.
    await h.click(ACTIONS.acknowledge, id, STRANGER);
    const owned = await h.cardShows(`owner <@${STRANGER.id}> (TTA `);
    expect(JSON.stringify(owned.args.blocks)).not.toContain(ACTIONS.acknowledge);
    await h.replica.waitForCall('chat.postMessage', (call) => String(call.args.text).startsWith(`:wave: <@${STRANGER.id}> is on it: acknowledged `));
    // Assigned on to a groupie: the owner changes, the acknowledgement time stays the first one.
    await h.command(`assign ${id} <@${GROUPIE.id}|groupie>`);
    await h.cardShows(`owner <@${GROUPIE.id}>`);
    expect((await h.command(`assign ${id} @alice`)).body).toContain('`assign` takes an incident id and a person');

    // From the command line, on the bot's database.
    const io = captureIo(h.env);
    expect(await runCli(['severity', String(id), 'P3'], io)).toBe(ExitCode.Ok);
    expect(io.out()).toBe(`incident ${id} is now P3 (was P2)\n`);
    const bad = captureIo(h.env);
    await expect(runCli(['severity', String(id), 'urgent'], bad)).resolves.toBe(ExitCode.Usage);

    const owners = await pollUntil(async () => {
      const rows = h.bot.checklist.incidents.timeline(id).filter((e) => e.kind === 'owner.set');
      return rows.length === 2 ? rows : undefined;
    }, 'two owner rows');
    expect(owners.map((e) => [e.actor, e.data.owner])).toEqual([
      [`slack:${STRANGER.id}`, `slack:${STRANGER.id}`],
      [`slack:${APPROVER.id}`, `slack:${GROUPIE.id}`],
    ]);
    const markdown = renderPostmortemMarkdown(h.bot.checklist.incidents.getIncident(id)!, h.bot.checklist.incidents.timeline(id));
    expect(markdown).toMatch(/- \*\*Severity:\*\* P3 — was P2 \(set by cli:\S+ at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)/);
    const tta = /- \*\*Owner:\*\* slack:U0GROUPIE, acknowledged at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC: TTA (\d+):(\d\d) from the OOM kill/.exec(markdown);
    expect(tta).not.toBeNull();
    expect(tta![1]).toBe(`${owners[0]!.at.slice(0, 10)} ${owners[0]!.at.slice(11, 19)}`);
  }, 60_000);
});
