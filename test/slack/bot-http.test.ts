import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { eventCallbackBody, nowSeconds, postToBolt } from '../support/slack/sign-request.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { APPROVER, CHANNEL, GROUPIE, SECRET, startBotHarness, STRANGER, type BotHarness } from './bot-harness.js';

type Workload = { spec: { template: { spec: { initContainers: Array<{ name: string; resources: { limits: { memory: string } } }> } } } };
const initLimit = (h: BotHarness) => (h.sim.getObject('Deployment', 'shop', 'checkout') as unknown as Workload).spec.template.spec.initContainers[0]?.resources.limits.memory;

describe('the Slack bot over HTTP', () => {
  let h: BotHarness;
  afterEach(async () => h.close());

  async function openIncident(): Promise<number> {
    const pod = await h.oomKilledPod('checkout-');
    expect(await h.command(`shop/${pod}`)).toMatchObject({ status: 200 });
    await h.cardShows('oom_approve');
    return h.bot.checklist.incidents.listIncidents()[0]!.id;
  }

  test('/oom-check -> ack -> card -> updates -> Approve -> patched -> card shows fixed', async () => {
    h = await startBotHarness();
    const id = await openIncident();
    const card = await h.card();
    expect(card.args.channel).toBe(CHANNEL);
    expect(h.bot.checklist.incidents.getIncident(id)?.chat).toEqual({ channel: CHANNEL, ts: card.response.ts });
    expect(JSON.stringify((await h.cardShows('Needs approval')).args.blocks)).toContain('from 64Mi to 176Mi');

    expect(await h.click(ACTIONS.approve, id)).toMatchObject({ status: 200 });
    const fixed = await h.cardShows('🟢 Fixed: Deployment shop/checkout');
    expect(fixed.args.ts).toBe(card.response.ts);
    expect(initLimit(h)).toBe('176Mi');
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
    await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === card.response.ts && String(call.args.text).includes('*Fixed*'));
    const thread = h.replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === card.response.ts);
    expect(thread.map((call) => String(call.args.text)).join('\n')).toMatch(/Detect[\s\S]*Image info[\s\S]*Proposal[\s\S]*Approval needed[\s\S]*Approved[\s\S]*Patch[\s\S]*New pod[\s\S]*Health check[\s\S]*Fixed/);
    expect(h.bot.checklist.incidents.timeline(id).find((e) => e.kind === 'decision')?.actor).toBe(`slack:${APPROVER.id}`);
  });

  test('a non-approver is refused, told so and recorded; a user-group member may approve', async () => {
    h = await startBotHarness();
    const id = await openIncident();
    await h.click(ACTIONS.approve, id, STRANGER);
    const refusal = await h.replica.waitForCall('chat.postEphemeral', (call) => call.args.user === STRANGER.id);
    expect(String(refusal.args.text)).toBe(':no_entry: Only @approver or @sre-leads can approve the patch. Ask one of them; your attempt is on the incident\'s timeline.');
    expect(h.bot.checklist.incidents.timeline(id).find((e) => e.kind === 'access.denied')).toMatchObject({ actor: `slack:${STRANGER.id}`, data: { action: 'oom_approve' } });
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);

    await h.click(ACTIONS.approve, id, GROUPIE);
    await h.cardShows('Fixed:');
    await h.click(ACTIONS.approve, id, APPROVER);
    const already = await h.replica.waitForCall('chat.postEphemeral', (call) => call.args.user === APPROVER.id && String(call.args.text).startsWith('Already'));
    expect(String(already.args.text)).toMatch(new RegExp(`Already decided: <@${GROUPIE.id}> approved the patch at \\d\\d:\\d\\d:\\d\\d UTC`));
  });

  test('a bad signature and a stale timestamp get 401 and start nothing', async () => {
    h = await startBotHarness();
    expect((await h.command('status', { secret: 'wrong-secret' })).status).toBe(401);
    expect((await h.command('status', { timestamp: nowSeconds() - 6 * 60 })).status).toBe(401);
    expect((await h.command('help')).status).toBe(200);
  });

  test('a re-sent request (X-Slack-Retry-Num) starts nothing new', async () => {
    h = await startBotHarness();
    const pod = await h.oomKilledPod('checkout-');
    await h.command(`shop/${pod}`, { triggerId: '1111.2222.same' });
    await h.command(`shop/${pod}`, { triggerId: '1111.2222.same', retryNum: 1 });
    await h.cardShows('oom_approve');
    expect(h.bot.checklist.incidents.listIncidents()).toHaveLength(1);
    expect(h.replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === undefined)).toHaveLength(1);
    expect(h.bot.checklist.incidents.timeline(1).filter((e) => e.kind === 'step.started' && e.step === 'detect')).toHaveLength(1);
  });

  test('a 429 from Slack delays the card but loses nothing', async () => {
    h = await startBotHarness();
    h.replica.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const id = await openIncident();
    const attempts = h.replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === undefined);
    expect(attempts.map((call) => call.faulted)).toEqual([true, false]);
    expect(h.bot.checklist.incidents.timeline(id).some((e) => e.kind === 'delivery.failed')).toBe(false);
  });

  test('Edit limit: the modal, 64Gi over the cap and abc refused, 192Mi applied', async () => {
    h = await startBotHarness();
    const id = await openIncident();
    await h.click(ACTIONS.editLimit, id);
    const opened = await h.replica.waitForCall('views.open');
    expect(JSON.stringify(opened.args.view)).toContain('current `limits.memory` *64Mi*, proposed *176Mi*');
    const over = await h.submitLimit(id, '64Gi');
    expect(JSON.parse(over.body)).toEqual({ response_action: 'errors', errors: { limit: '64Gi is above the maximum 4Gi (OOM_CHECK_MAX_MEMORY_LIMIT)' } });
    const junk = await h.submitLimit(id, 'abc');
    expect(JSON.parse(junk.body).errors.limit).toContain('"abc" is not a memory quantity');
    const stranger = await h.submitLimit(id, '192Mi', STRANGER);
    expect(JSON.parse(stranger.body).errors.limit).toBe("Only @approver or @sre-leads can approve a limit; your attempt is on the incident's timeline.");
    expect((await h.submitLimit(id, '192Mi')).status).toBe(200);
    await h.cardShows('Fixed:');
    expect(initLimit(h)).toBe('192Mi');
  });

  test('Export uploads the Markdown postmortem into the thread; thread replies become notes', async () => {
    h = await startBotHarness();
    const id = await openIncident();
    const card = await h.card();
    const ts = String(card.response.ts);
    const note = { type: 'message', channel: CHANNEL, user: APPROVER.id, text: 'looks like the <b>cgo</b> build | again', ts: '1764237700.000200', thread_ts: ts };
    expect((await postToBolt(`${h.bot.url}/slack/events`, eventCallbackBody(note, { event_id: 'Ev0NOTE' }), { secret: SECRET })).status).toBe(200);
    await pollUntil(async () => h.bot.checklist.incidents.timeline(id).find((e) => e.kind === 'note' && e.actor === `slack:${APPROVER.id}`), 'the thread note');
    await h.click(ACTIONS.export, id);
    const complete = await h.replica.waitForCall('files.completeUploadExternal');
    expect(complete.args).toMatchObject({ channel_id: CHANNEL, thread_ts: ts });
    const [upload] = [...h.replica.uploads().values()];
    expect(upload?.content).toMatch(/^# Postmortem: incident 1 — Deployment shop\/checkout/);
    expect(upload?.content).toContain('Note: looks like the \\<b>cgo\\</b> build \\| again');
    expect(h.bot.checklist.incidents.timeline(id).filter((e) => e.kind === 'note').map((e) => e.actor)).toContain(`slack:${APPROVER.id}`);
  });

  test.each([
    ['shop/no-such-pod', 'pods "no-such-pod" not found'],
  ])('/oom-check %s gets an ephemeral explanation', async (text, message) => {
    h = await startBotHarness();
    await h.command(text);
    const reply = await h.replica.waitForCall('chat.postEphemeral');
    expect(String(reply.args.text)).toContain(message);
    expect(h.bot.checklist.incidents.listIncidents()).toEqual([]);
  });

  test('a namespace outside OOM_CHECK_NAMESPACES, help and status answer in the ack', async () => {
    h = await startBotHarness({ env: { OOM_CHECK_NAMESPACES: 'billing' } });
    await h.command('shop/checkout-1');
    expect(String((await h.replica.waitForCall('chat.postEphemeral')).args.text)).toContain('namespace shop is outside OOM_CHECK_NAMESPACES (billing)');
    expect(JSON.parse((await h.command('help')).body).text).toContain('/oom-check &lt;namespace&gt;/&lt;pod&gt;');
    expect(JSON.parse((await h.command('status')).body).text).toBe('No open incidents.');
    expect(JSON.parse((await h.command('resolve 1')).body).text).toContain('Incident #1 does not exist');
    expect(JSON.parse((await h.command('resolve x')).body).text).toContain('`resolve` takes an incident id');
    expect(JSON.parse((await h.command('export nope')).body).text).toContain('`export` takes one incident id');
    expect(JSON.parse((await h.command('Shop/x')).body).text).toContain('`Shop` is not a namespace name');
  });
});
