/**
 * Bad and hostile input over real HTTP (signed requests to the Bolt receiver, the local Slack
 * replica, the simulator): requests from the future, text Slack would read as markup, modal
 * submissions the bot never opened, names the API server chokes on.
 */
import { ManualClock } from '../fakes/manual-clock.js';
import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import type { Cluster } from '../../src/core/ports.js';
import { blockActionPayload } from '../support/slack/payloads.js';
import { blockActionBody, postToBolt } from '../support/slack/sign-request.js';
import { APPROVER, SECRET, startBotHarness, STRANGER, type BotHarness } from './bot-harness.js';
import { captureLog } from './capture-log.js';
import { isSafeMrkdwn, mrkdwnTexts } from './mrkdwn-checks.js';

const MENTION = '<!channel> <https://evil.example|click>';

/**
 * The seed's cluster, except that the pod's image-info endpoint answers (a real crash-looping init
 * container would not) with a Go version carrying Slack markup.
 */
function hostileImageInfo(real: Cluster): Cluster {
  const info = { layers: [{ digest: `sha256:${'a'.repeat(64)}`, size: 7_340_032 }], go: { version: `go1.21.5 ${MENTION}`, cgo_enabled: true }, binary: { size: 144_703_488, symtab_ratio: 0.31 } };
  return new Proxy(real, {
    get: (target, key, receiver) =>
      key === 'proxyGet'
        ? async (...args: Parameters<Cluster['proxyGet']>) => (args[3] === '/debug/image-info' ? { status: 200, body: JSON.stringify(info) } : target.proxyGet(...args))
        : Reflect.get(target, key, receiver),
  });
}

/** Every mrkdwn text the bot sent to the replica that is not escaped. */
function unescapedTexts(h: BotHarness): string[] {
  return h.replica.calls().flatMap((call) => mrkdwnTexts(call.args).filter((text) => !isSafeMrkdwn(text)));
}

describe('hostile input over HTTP', () => {
  let h: BotHarness;
  afterEach(async () => h.close());

  async function openIncident(): Promise<number> {
    const pod = await h.oomKilledPod('checkout-');
    expect(await h.command(`shop/${pod}`)).toMatchObject({ status: 200 });
    await h.cardShows('oom_approve');
    return h.bot.checklist.incidents.listIncidents()[0]!.id;
  }

  test('cluster text with Slack markup is escaped in every text the bot sends, the thread fallback included', async () => {
    h = await startBotHarness({ cluster: hostileImageInfo });
    await openIncident();
    const thread = await h.replica.waitForCall('chat.postMessage', (call) => String(call.args.text).includes('*Image info:*'));
    expect(thread.args.text).toContain('go1.21.5 &lt;!channel&gt; &lt;https://evil.example|click&gt;');
    expect(JSON.stringify(thread.args.blocks)).toContain('&lt;!channel&gt;');
    expect(unescapedTexts(h)).toEqual([]);
  });

  test('a request timestamped more than 5 minutes from the bot clock, either way, gets 401 and a logged reason', async () => {
    // Stands still unless the test moves it, so the skews logged are exact.
    const clock = new ManualClock(Date.now());
    const captured = captureLog('warn');
    h = await startBotHarness({ clock, log: captured.log });
    const botNow = () => Math.floor(clock.now().getTime() / 1000);

    expect((await h.command('help', { timestamp: botNow() + 10 * 60 })).status).toBe(401);
    expect(captured.warnings().at(-1)?.msg).toMatch(/X-Slack-Request-Timestamp is 600 s in the future/);
    expect((await h.command('help', { timestamp: botNow() + 4 * 60 })).status).toBe(200);
    expect((await h.command('help', { timestamp: botNow() - 4 * 60 })).status).toBe(200);
    expect((await h.command('help', { timestamp: botNow() - 6 * 60 })).status).toBe(401);
    expect(captured.warnings().at(-1)?.msg).toMatch(/X-Slack-Request-Timestamp is 360 s in the past/);

    // The bot's clock decides, not the machine's: an hour ahead, a request signed at the machine's time is stale.
    const machineTime = botNow();
    await clock.advance(60 * 60 * 1000);
    expect((await h.command('help', { timestamp: machineTime })).status).toBe(401);
    expect(captured.warnings().at(-1)?.msg).toMatch(/X-Slack-Request-Timestamp is 3600 s in the past/);
    expect((await h.command('help', { timestamp: botNow() })).status).toBe(200);
    expect(h.bot.checklist.incidents.listIncidents()).toEqual([]);
  });

  test.each([
    ['not a number', 'abc'],
    ['an unknown incident', '999'],
    ['empty', ''],
  ])('an Edit limit submission whose incident id is %s is acknowledged with an error on the input', async (_what, metadata) => {
    h = await startBotHarness();
    const answer = await h.submitLimit(metadata, '192Mi');
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as { response_action: string; errors: { limit: string } };
    expect(body.response_action).toBe('errors');
    expect(body.errors.limit).toMatch(/does not belong to an incident oom-check knows/);
    expect(isSafeMrkdwn(body.errors.limit)).toBe(true);
  });

  test('a non-approver submitting Edit limit is refused and the attempt is an access.denied row', async () => {
    h = await startBotHarness();
    const id = await openIncident();
    const answer = await h.submitLimit(id, '192Mi', STRANGER);
    expect(JSON.parse(answer.body).errors.limit).toContain('Only @approver or @sre-leads can approve a limit');
    expect(h.bot.checklist.incidents.timeline(id).filter((event) => event.kind === 'access.denied')).toEqual([
      expect.objectContaining({ actor: `slack:${STRANGER.id}`, data: expect.objectContaining({ action: ACTIONS.editLimit }) }),
    ]);
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
    expect(h.bot.checklist.runs.getRun(id)?.steps.find((step) => step.step === 'approve')?.status).toBe('waiting-approval');
  });

  test.each(['abc', '1e3', '999', ''])('a button click whose value is %p starts nothing and is answered', async (value) => {
    h = await startBotHarness();
    const id = await openIncident();
    const card = await h.card();
    // The command's author already has the link to the card; nothing else may be said.
    await h.replica.waitForCall('chat.postEphemeral', (call) => String(call.args.text).startsWith('Incident #'));
    const answered = h.replica.calls('chat.postEphemeral').length;
    const payload = blockActionPayload({ actions: [{ action_id: ACTIONS.approve, value }], user: APPROVER, message: { ts: String(card.response.ts) } });
    expect((await postToBolt(`${h.bot.url}/slack/events`, blockActionBody(payload), { secret: SECRET })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.bot.checklist.runs.getRun(id)?.steps.find((step) => step.step === 'approve')?.status).toBe('waiting-approval');
    expect(h.replica.calls('chat.postEphemeral')).toHaveLength(answered);
  });

  test.each([
    ['<!channel>', '`&lt;!channel&gt;`'],
    ['-<!channel>', '`-&lt;!channel&gt;`'],
    ['shop/<!channel>', '`&lt;!channel&gt;`'],
    ['<!channel> -n shop', '`&lt;!channel&gt;`'],
    ['a&b', '`a&amp;b`'],
  ])('/oom-check %s answers at once, the user text escaped exactly once', async (text, echoed) => {
    h = await startBotHarness();
    const answer = await h.command(text, { user: APPROVER.id });
    const reply = JSON.parse(answer.body) as { text: string };
    expect(reply.text).toContain(echoed);
    expect(reply.text).not.toContain('&amp;lt;');
    expect(isSafeMrkdwn(reply.text)).toBe(true);
    expect(h.sim.requests().filter((request) => request.path.includes('channel') || request.path.includes('a&b'))).toEqual([]);
    expect(h.bot.checklist.incidents.listIncidents()).toEqual([]);
  });

  test('a 40,000-character pod name is refused by the parser, shortened in the answer, and never reaches the API server', async () => {
    h = await startBotHarness();
    const before = h.sim.requests().length;
    const answer = await h.command('a'.repeat(40_000));
    const reply = JSON.parse(answer.body) as { text: string };
    expect(reply.text).toMatch(/is not a pod name/);
    expect(reply.text).toContain(`\`${'a'.repeat(60)}…\``);
    expect(reply.text.length).toBeLessThan(1000);
    // Refused in the ack: no work was started after it that could still ask the cluster.
    expect(h.sim.requests().slice(before).filter((request) => request.path.includes('aaaa'))).toEqual([]);
    expect(h.replica.calls('chat.postEphemeral')).toEqual([]);
  });
});
