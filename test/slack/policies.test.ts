/**
 * Self-heal policies end to end: the bot over the Kubernetes API simulator and the Slack replica,
 * a policies file in OOM_CHECK_POLICIES, `/oom-check shop/<pod>` signed as Slack signs it. A
 * policy approves inside its bounds (the card says so, the patch rolls) and refuses at each bound
 * (the approval waits for a person, the refusal is on the timeline with the bounds it checked).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyBound } from '../../src/core/rules/judge-policy.js';
import type { TimelineEvent } from '../../src/core/timeline.js';
import { startBotHarness, type BotHarness } from './bot-harness.js';

const HOUR = 3_600_000;

interface Case {
  bounds?: string;
  denied?: string;
  select?: string;
  freeze?: string;
  /** Earlier automatic fixes of shop/checkout, this long ago. */
  fixesAgoMs?: number[];
}

function policyYaml(c: Case): string {
  return `apiVersion: oom-check/v1
kind: Policies
deniedNamespaces: [${c.denied ?? 'kube-system'}]
policies:
  - name: web
    select: ${c.select ?? '{ namespaces: [shop], labelSelector: "app=checkout" }'}
    bounds: ${c.bounds ?? '{ maxLimit: 1Gi, maxFactor: 3, maxFixes: 3, window: 24h, cooldown: 30m }'}
    freezeWindows: ${c.freeze ?? '[{ cron: "0 0 1 1 *", duration: 1h, reason: new year }]'}
`;
}

describe('self-heal policies over the simulator and the Slack replica', () => {
  let h: BotHarness;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-policies-'));
  });
  afterEach(async () => h.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The bot with the policy, earlier automatic fixes on the timeline, and `/oom-check` run on the OOMKilled pod. */
  async function runWith(c: Case): Promise<{ id: number; timeline: () => TimelineEvent[] }> {
    const file = join(dir, `policies-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, policyYaml(c));
    h = await startBotHarness({ env: { OOM_CHECK_POLICIES: file } });
    const { incidents, clusters } = h.bot.checklist;
    for (const ago of c.fixesAgoMs ?? []) {
      const at = new Date(Date.now() - ago).toISOString();
      const { incident } = incidents.openIncident({ cluster: clusters.defaultName, namespace: 'shop', pod: 'checkout-earlier', owner: { kind: 'Deployment', name: 'checkout' }, container: 'migrate', trigger: 'cli', openedAt: at, actor: 'cli:earlier' });
      incidents.append({ incidentId: incident.id, at, kind: 'decision', actor: 'policy:web', step: 'approve', data: { decision: 'approve', limit: '128Mi', automatic: true } });
      incidents.closeIncident(incident.id, { at, verdict: 'fixed', actor: 'oom-check' });
    }
    const pod = await h.oomKilledPod('checkout-');
    expect((await h.command(`shop/${pod}`)).status).toBe(200);
    await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 15_000);
    const id = incidents.listIncidents({ status: 'open' })[0]!.id;
    return { id, timeline: () => incidents.timeline(id) };
  }

  test('inside every bound: approved by the policy, patched, and the card says "approved by policy web (2 of 3 today)"', async () => {
    const { timeline } = await runWith({ fixesAgoMs: [2 * HOUR] });
    const fixed = await h.cardShows('Fixed: Deployment shop/checkout', 30_000);
    expect(JSON.stringify(fixed.args.blocks)).toContain('Approved by policy *web* (2 of 3 today).');
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
    const decision = timeline().find((event) => event.kind === 'decision')!;
    expect(decision).toMatchObject({ actor: 'policy:web', step: 'approve', data: { decision: 'approve', limit: '176Mi', automatic: true, policy: 'web', fixNumber: 2, maxFixes: 3, windowSeconds: 86_400 } });
    expect((decision.data.checks as Array<{ bound: string; ok: boolean; value: unknown }>).map((check) => [check.bound, check.ok, check.value])).toEqual([
      ['deniedNamespace', true, 'shop'],
      ['maxLimit', true, '176Mi'],
      ['maxFactor', true, 2.75],
      ['maxFixes', true, 1],
      ['cooldown', true, expect.any(Number)],
      ['freezeWindow', true, null],
    ]);
    // Nobody was asked: no approval prompt mentioned the approvers.
    expect(h.replica.calls('chat.postMessage').filter((call) => String(call.args.text).includes('<@U0APPROVER>'))).toEqual([]);
  }, 60_000);

  test.each<[PolicyBound, Case]>([
    ['maxLimit', { bounds: '{ maxLimit: 128Mi, maxFactor: 3, maxFixes: 3, window: 24h, cooldown: 30m }' }],
    ['maxFactor', { bounds: '{ maxLimit: 1Gi, maxFactor: 2, maxFixes: 3, window: 24h, cooldown: 30m }' }],
    ['maxFixes', { bounds: '{ maxLimit: 1Gi, maxFactor: 3, maxFixes: 2, window: 24h, cooldown: 30m }', fixesAgoMs: [5 * HOUR, 3 * HOUR] }],
    ['cooldown', { bounds: '{ maxLimit: 1Gi, maxFactor: 3, maxFixes: 3, window: 24h, cooldown: 30m }', fixesAgoMs: [5 * 60_000] }],
    ['freezeWindow', { freeze: '[{ cron: "* * * * *", duration: 1m, reason: always frozen }]' }],
    ['deniedNamespace', { denied: 'shop', select: '{ labelSelector: "app=checkout" }' }],
  ])('refused at %s: the approval waits for a person, the refusal is on the timeline', async (bound, c) => {
    const { timeline } = await runWith(c);
    await h.cardShows('oom_approve');
    expect(h.bot.checklist.runs.getRun(1 + (c.fixesAgoMs?.length ?? 0))?.status).toBe('waiting-approval');
    const refused = timeline().filter((event) => event.kind === 'policy.refused');
    expect(refused).toEqual([expect.objectContaining({ actor: 'policy:web', step: 'approve', data: expect.objectContaining({ policy: 'web', refusedBy: [bound] }) })]);
    const check = (refused[0]!.data.checks as Array<{ bound: string; ok: boolean }>).find((each) => each.bound === bound);
    expect(check?.ok).toBe(false);
    expect(timeline().filter((event) => event.kind === 'decision')).toEqual([]);
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
    // The approvers are asked as without a policy.
    await h.replica.waitForCall('chat.postMessage', (call) => String(call.args.text).includes('<@U0APPROVER>'), 15_000);
  }, 60_000);

  test('a workload no policy selects: nothing automatic and no policy row', async () => {
    const { timeline } = await runWith({ select: '{ namespaces: [shop], labelSelector: "app=cart" }' });
    await h.cardShows('oom_approve');
    expect(timeline().filter((event) => event.actor.startsWith('policy:'))).toEqual([]);
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  }, 60_000);
});
