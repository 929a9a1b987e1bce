import { renderCard } from '../../../src/adapters/slack/card-blocks.js';
import { buildCardView } from '../../../src/adapters/slack/card-view.js';
import { md } from '../../../src/adapters/slack/mrkdwn.js';
import { renderThreadMessage } from '../../../src/adapters/slack/thread-message.js';
import type { Incident } from '../../../src/core/incident.js';
import { STEP_NAMES, type RunRecord, type StepName, type StepRecord, type StepStatus } from '../../../src/core/run.js';
import type { TimelineEvent } from '../../../src/core/timeline.js';
import { defaultRunbook } from '../../support/default-runbook.js';
import { blockKitProblems } from '../../support/slack/block-kit-limits.js';

const incident: Incident = {
  id: 7,
  dedupeKey: 'c/shop/Deployment/checkout',
  cluster: 'prod',
  namespace: 'shop',
  pod: 'checkout-1',
  owner: { kind: 'Deployment', name: 'checkout' },
  container: null,
  trigger: 'slack',
  status: 'open',
  openedAt: '2026-11-27T10:00:00.000Z',
  closedAt: null,
  verdict: null,
  chat: null,
};
const KILLED_AT = '2026-11-27T09:59:20.000Z';

const RESULTS: Partial<Record<StepName, object>> = {
  detect: { container: 'migrate', containerKind: 'init', limit: '64Mi', restartCount: 4, oomKilledAt: KILLED_AT },
  'image-info': { available: true, endpoint: '8080/debug/image-info', advice: ['strip-symbols'] },
  evidence: { evidence: [{ source: 'oom-kill', kind: 'lower-bound', bytes: 64 * 1024 ** 2, detail: 'OOMKilled at its 64Mi limit' }], problems: [] },
  propose: { limit: '128Mi', previousLimit: '64Mi', rationale: 'no memory evidence: current limit 64Mi x 2 = 128Mi', workload: 'Deployment shop/checkout', container: 'migrate', containerKind: 'init' },
};

function run(statuses: Partial<Record<StepName, StepStatus>>, extra: Partial<RunRecord> = {}, results: Partial<Record<StepName, object>> = {}): RunRecord {
  return {
    incidentId: 7,
    spec: { target: { cluster: 'prod', namespace: 'shop', pod: 'checkout-1' }, runbook: defaultRunbook(), maxLimitBytes: 1 },
    status: 'active',
    verdict: null,
    startedAt: incident.openedAt,
    updatedAt: incident.openedAt,
    claim: null,
    round: 1,
    rounds: [],
    // Each record carries its own step's (partial) result; the map cannot say which step is which.
    steps: STEP_NAMES.map((step) => ({ step, status: statuses[step] ?? 'pending', attempts: 1, startedAt: null, finishedAt: null, result: { ...RESULTS[step], ...results[step] }, error: null }) as StepRecord),
    ...extra,
  };
}

const DONE = { detect: 'succeeded', 'image-info': 'succeeded', evidence: 'succeeded', propose: 'succeeded' } as const;
const event = (kind: TimelineEvent['kind'], data: TimelineEvent['data'], at = '2026-11-27T10:00:05.000Z', actor = 'oom-check', step: string | null = null): TimelineEvent => ({ seq: 1, incidentId: 7, at, kind, actor, step, data });
const detected = event('step.succeeded', { oomKilledAt: KILLED_AT, message: 'killed' }, '2026-11-27T10:00:01.000Z', 'oom-check', 'detect');
const approved = event('decision', { decision: 'approve', limit: '128Mi' }, '2026-11-27T10:00:30.000Z', 'slack:U0APPROVER', 'approve');
const now = new Date('2026-11-27T10:01:05.000Z');

function card(inc: Incident, r: RunRecord | undefined, events: TimelineEvent[]) {
  const rendered = renderCard(buildCardView(inc, r, events, now));
  const blocks = rendered.blocks;
  const header = blocks[0]?.type === 'header' ? blocks[0].text.text : '';
  const buttons = blocks.flatMap((block) => (block.type === 'actions' ? block.elements : [])) as Array<{ action_id: string; style?: string; confirm?: { text: { text: string }; style?: string } }>;
  return { rendered, header, all: JSON.stringify(blocks), buttons, ids: buttons.map((b) => b.action_id) };
}

describe('the incident card, drawn from state', () => {
  test.each([
    ['checking', incident, run({ detect: 'succeeded', 'image-info': 'running' }), [detected], '🟡 Checking the OOM kill: Deployment shop/checkout', ['oom_ack'], /Now: asking the image for its build facts/],
    ['needs approval', incident, run({ ...DONE, approve: 'waiting-approval' }, { status: 'waiting-approval' }), [detected], '🔴 Needs approval: Deployment shop/checkout', ['oom_approve', 'oom_edit_limit', 'oom_reject', 'oom_ack'], /Raise the memory limit of init container `migrate` from 64Mi to 128Mi/],
    ['fixing', incident, run({ ...DONE, approve: 'succeeded', apply: 'succeeded', wait: 'running' }), [detected, approved], '🟠 Fixing: Deployment shop/checkout', ['oom_ack'], /Raising init container `migrate` to 128Mi\* \(from 64Mi\), approved by <@U0APPROVER> at 10:00:30 UTC\.\\nNow: waiting for a new pod to initialize/],
    [
      'fixed',
      { ...incident, status: 'closed' as const, verdict: 'fixed' as const, closedAt: '2026-11-27T10:02:40.000Z' },
      run({ ...DONE, approve: 'succeeded', apply: 'succeeded', wait: 'succeeded', health: 'succeeded' }, { status: 'finished', verdict: 'fixed' }, { wait: { pod: 'checkout-2' } }),
      [detected, approved, event('incident.mitigated', {}, '2026-11-27T10:02:12.000Z')],
      '🟢 Fixed: Deployment shop/checkout',
      ['oom_export'],
      /init container `migrate` now runs with 128Mi\* \(was 64Mi\): the new pod `checkout-2` initialized/,
    ],
    [
      'not verified',
      incident,
      run({ ...DONE, approve: 'succeeded', apply: 'succeeded', wait: 'succeeded', health: 'failed' }, { status: 'finished', verdict: 'verification-failed' }),
      [detected, approved, event('step.failed', { message: 'pod checkout-2 8080/healthz did not answer 2xx within 10 s (last: HTTP 500)' }, '2026-11-27T10:00:50.000Z', 'oom-check', 'health')],
      '🔴 Fix did not verify: Deployment shop/checkout',
      ['oom_rollback', 'oom_resolve', 'oom_ack', 'oom_export'],
      /Patched to 128Mi, but the fix did not verify:\* pod checkout-2 8080\/healthz did not answer 2xx/,
    ],
    [
      'declined',
      incident,
      run({ ...DONE, approve: 'failed' }, { status: 'finished', verdict: 'rejected' }),
      [detected, event('decision', { decision: 'reject' }, '2026-11-27T10:00:40.000Z', 'slack:U0APPROVER', 'approve')],
      '⚪ Mitigation declined, still failing: Deployment shop/checkout',
      ['oom_resolve', 'oom_ack', 'oom_export'],
      /Nothing was changed:\* <@U0APPROVER> declined raising init container `migrate` to 128Mi at 10:00:40 UTC\. Deployment shop\/checkout still fails\.\\n\*Next:\* run the checklist again \(`\/oom-check shop\/checkout-1`\)/,
    ],
    [
      'rolled back',
      incident,
      run({ ...DONE, approve: 'succeeded', apply: 'succeeded', wait: 'succeeded', health: 'failed' }, { status: 'finished', verdict: 'rolled-back' }),
      [detected, approved, event('patch.rolled-back', { before: { 'limits.memory': '128Mi' }, after: { 'limits.memory': '64Mi' } }, '2026-11-27T10:01:00.000Z', 'slack:U0APPROVER', 'apply')],
      '⚪ Rolled back, still failing: Deployment shop/checkout',
      ['oom_resolve', 'oom_ack', 'oom_export'],
      /Rolled back to 64Mi\* by <@U0APPROVER> at 10:01:00 UTC: the OOM kill will return/,
    ],
    [
      'resolved',
      { ...incident, status: 'closed' as const, verdict: 'rejected' as const, closedAt: '2026-11-27T10:01:00.000Z' },
      run({ ...DONE, approve: 'failed' }, { status: 'finished', verdict: 'rejected' }),
      [detected, event('decision', { decision: 'resolve', reason: 'limit set in git' }, '2026-11-27T10:01:00.000Z', 'slack:U0APPROVER')],
      '✅ Resolved: Deployment shop/checkout',
      ['oom_export'],
      /Resolved\* by <@U0APPROVER> at 10:01:00 UTC: limit set in git\./,
    ],
  ])('%s: header, buttons and body', (_name, inc, r, events, header, ids, body) => {
    const c = card(inc, r, events);
    expect(c.header).toBe(header);
    expect(c.ids).toEqual(ids);
    expect(c.all).toMatch(body);
    expect(c.rendered.text.text).toBe(`Incident 7: ${header}`);
    expect(blockKitProblems({ text: c.rendered.text.text, blocks: c.rendered.blocks })).toEqual([]);
    // Nothing from an earlier state: no "waiting" after the gate, no proposal once decided.
    if (!['checking', 'needs approval'].includes(_name)) expect(c.all).not.toMatch(/waiting for an approver|Raise the memory limit|Proposed patch|Approve patch/);
  });

  test('needs approval: what changes, what approving does, why, where it fits, who reverts it, which step', () => {
    const r = run({ ...DONE, approve: 'waiting-approval' }, { status: 'waiting-approval', round: 2 }, {
      propose: {
        rolls: 2,
        round: 2,
        maxSteps: 3,
        previousLimit: '128Mi',
        limit: '240Mi',
        schedule: { fits: true, fitsNodes: 3, totalNodes: 4, problems: [] },
        owner: { tool: 'Argo CD', source: 'application shop-checkout', revertsLiveEdits: true, followUp: 'Change the source: set limits.memory 240Mi in deploy/checkout.yaml.' },
      },
    });
    const c = card(incident, r, [detected]);
    expect(c.header).toBe('🔴 Needs approval (step 2 of 3): Deployment shop/checkout');
    const section = c.rendered.blocks.find((block) => block.type === 'section');
    expect(JSON.parse(JSON.stringify(section)).text.text).toBe(
      [
        '*Raise the memory limit of init container `migrate` from 128Mi to 240Mi*',
        'Approving patches Deployment shop/checkout and rolls its 2 pods.',
        '*Why:* it was OOMKilled again at 128Mi, so it needs more, and nothing measured how much: the limit is raised by 20 %, at least 100Mi, as the Vertical Pod Autoscaler does after an OOM kill.',
        ':white_check_mark: Fits on 3 of 4 nodes.',
        ':warning: *Temporary mitigation:* Argo CD (application shop-checkout) will revert it at its next sync. Change the source: set limits.memory 240Mi in deploy/checkout.yaml.',
        ':arrow_up: Step 2 of 3: the last limit was OOMKilled too.',
      ].join('\n'),
    );
    // The decision comes before the buttons, the buttons before the progress line.
    expect(c.rendered.blocks.map((block) => block.type)).toEqual(['header', 'context', 'context', 'section', 'actions', 'context']);
    const [approve, , reject] = c.buttons;
    expect(approve).toMatchObject({ style: 'primary', confirm: { style: 'primary', text: { text: 'Patch Deployment shop/checkout: limits.memory of init container migrate 128Mi -> 240Mi. This rolls its 2 pods now.' } } });
    expect(reject).toMatchObject({ style: 'danger', confirm: { style: 'danger', text: { text: expect.stringContaining('Nothing will change: Deployment shop/checkout stays broken') } } });
  });

  test('a proposal that will not schedule says so before anyone approves', () => {
    const r = run({ ...DONE, approve: 'waiting-approval' }, { status: 'waiting-approval' }, { propose: { schedule: { fits: false, fitsNodes: 0, totalNodes: 3, problems: ['every node has less than 240Mi allocatable'] } } });
    expect(card(incident, r, [detected]).all).toContain(':warning: *Will not schedule:* it fits on 0 of 3 nodes (every node has less than 240Mi allocatable).');
  });

  test('a quick downgrade on offer gets its own button, confirmed with what is swapped and checked', () => {
    const slim = `registry.example.com/shop/migrate-slim@sha256:${'6'.repeat(64)}`;
    const downgrade = { container: 'migrate', fromImage: 'registry.example.com/shop/migrate:1', image: slim, sha256: `sha256:${'6'.repeat(64)}`, maxBytes: 12_000_000, probe: { container: 'app', command: ['/usr/bin/checker'], initialDelaySeconds: 1 } };
    const r = run({ ...DONE, approve: 'waiting-approval' }, { status: 'waiting-approval' }, { propose: { downgrade } });
    const drawn = card(incident, r, [detected]);
    expect(drawn.ids).toEqual(['oom_approve', 'oom_edit_limit', 'oom_downgrade', 'oom_reject', 'oom_ack']);
    expect(drawn.buttons[2]).toMatchObject({ confirm: { text: { text: 'Swap init container migrate of Deployment shop/checkout to migrate-slim@sha256:666666666666…, adding an exec readinessProbe to app; the limit stays. Rolled back unless the new pod runs exactly that digest within 12 MB.' } } });
    expect(blockKitProblems({ text: drawn.rendered.text.text, blocks: drawn.rendered.blocks })).toEqual([]);
  });

  test('Roll back confirms in danger style that the OOM kill comes back', () => {
    const r = run({ ...DONE, approve: 'succeeded', apply: 'succeeded', wait: 'succeeded', health: 'failed' }, { status: 'finished', verdict: 'verification-failed' });
    const [rollback] = card(incident, r, [detected, approved]).buttons;
    expect(rollback).toMatchObject({ style: 'danger', confirm: { style: 'danger', text: { text: 'Restore limits.memory 64Mi on Deployment shop/checkout. Its pods roll again and the OOM kill of init container migrate will come back.' } } });
  });

  test('the clock counts from the kill, live while anything waits, and warns past the budget', () => {
    const waiting = run({ ...DONE, approve: 'waiting-approval' }, { status: 'waiting-approval' });
    expect(card(incident, waiting, [detected]).all).toContain(':stopwatch: *1:45* since the OOM kill · budget 3:00');
    const late = renderCard(buildCardView(incident, waiting, [detected], new Date('2026-11-27T10:02:30.000Z')));
    expect(JSON.stringify(late.blocks)).toContain(':warning: *3:10* since the OOM kill: over the 3:00 budget');
    // Before detect has seen the kill's time, the clock counts from detection.
    expect(card(incident, run({ detect: 'running' }, {}, { detect: { oomKilledAt: undefined } }), []).all).toContain('*1:05* since detection');
    const fixed = card(
      { ...incident, status: 'closed', verdict: 'fixed', closedAt: '2026-11-27T10:02:40.000Z' },
      run({ ...DONE, approve: 'succeeded', apply: 'succeeded', wait: 'succeeded', health: 'succeeded' }, { status: 'finished', verdict: 'fixed' }),
      [detected, event('incident.mitigated', {}, '2026-11-27T10:02:12.000Z')],
    );
    expect(fixed.all).toContain('fixed *2:52* after the OOM kill · budget 3:00 met');
    const declined = card(incident, run({ ...DONE, approve: 'failed' }, { status: 'finished', verdict: 'rejected' }), [detected]);
    expect(declined.all).toContain('OOMKilled at 09:59:20 UTC, still failing');
  });

  test('a step that could not do its work is marked ⚠, never ✅', () => {
    const r = run({ ...DONE, approve: 'waiting-approval' }, { status: 'waiting-approval' }, { 'image-info': { available: false, problem: 'HTTP 503', advice: [] } });
    expect(card(incident, r, [detected]).all).toContain(':warning: Image info');
  });

  test('text from the cluster is escaped and long text is cut with a pointer to the export', () => {
    const long = `<script>alert(1)</script> & ${'x'.repeat(5000)}`;
    const c = card(incident, run({ detect: 'failed' }, { status: 'finished', verdict: 'failed' }), [event('step.failed', { message: long })]);
    const texts = c.rendered.blocks.flatMap((block) => ('text' in block && block.text && typeof block.text !== 'string' ? [block.text.text] : []));
    const body = texts.find((text) => text.includes('script'))!;
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;');
    expect(body).toMatch(/… \(truncated: the full text is in `\/oom-check export 7`\)$/);
    expect(blockKitProblems(c.rendered)).toEqual([]);
    expect(renderCard(buildCardView({ ...incident, namespace: 'a<!channel>' }, undefined, [], now)).text.text).toBe('Incident 7: 🟡 Checking the OOM kill: Deployment a&lt;!channel&gt;/checkout');
  });
});

describe('thread messages', () => {
  const base = { incidentId: 7, elapsedMs: 1, budgetMs: 180000, verdict: null };
  const context = { approvers: md`<@U0APPROVER>` };

  test('one message per step, with no sentence twice; none for a step starting', () => {
    expect(renderThreadMessage({ ...base, step: 'detect', status: 'running', message: 'detect started', findings: [] }, context)).toBeNull();
    const summary = 'init container `migrate` was OOMKilled (exit 137) at its 64Mi memory limit; 4 restarts';
    const detect = renderThreadMessage({ ...base, step: 'detect', status: 'succeeded', message: summary, findings: [{ title: 'initContainer migrate OOMKilled', severity: 'critical', detail: summary }] }, context);
    expect(JSON.stringify(detect?.blocks)).toBe(JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: *Detect:* ${summary}` } }]));
    const proposal = renderThreadMessage({
      ...base,
      step: 'propose',
      status: 'succeeded',
      message: '64Mi -> 128Mi',
      findings: [{ title: 'Proposed', severity: 'info', diff: { before: { 'limits.memory': '64Mi' }, after: { 'limits.memory': '128Mi' } } }],
    }, context);
    expect(JSON.stringify(proposal?.blocks)).toContain('- limits.memory: 64Mi\\n+ limits.memory: 128Mi');
  });

  test('build advice is a short list with the flags in code; the long form stays in the postmortem', () => {
    const advice = ['Strip symbols and debug info: -ldflags="-s -w" (the symbol table is 31% of the text section (advised above 10%): -s drops ...)', 'Build a static binary without cgo: CGO_ENABLED=0 -tags netgo (cgo is enabled)'];
    const message = renderThreadMessage({ ...base, step: 'image-info', status: 'succeeded', message: 'go1.21.5, cgo on', findings: [{ title: 'Build advice from image-info', severity: 'warning', detail: 'go1.21.5, cgo on', advice }] }, context);
    expect(JSON.parse(JSON.stringify(message?.blocks))[0].text.text).toBe(':white_check_mark: *Image info:* go1.21.5, cgo on\n:warning: Build advice from image-info\n• Strip symbols and debug info: `-ldflags="-s -w"`\n• Build a static binary without cgo: `CGO_ENABLED=0 -tags netgo`');
  });

  test('the approval prompt mentions the approvers; decisions and ends name who', () => {
    const prompt = renderThreadMessage({ ...base, step: 'approve', status: 'waiting-approval', message: 'waiting', findings: [] }, context);
    expect(prompt).toMatchObject({ urgent: true, text: { text: expect.stringMatching(/^<@U0APPROVER> :red_circle: \*Approval needed:\*/) } });
    expect(renderThreadMessage({ ...base, step: 'approve', status: 'succeeded', message: 'approved 128Mi', findings: [], actor: 'slack:U0APPROVER' }, context)?.text.text).toBe(':+1: *Approved*, by <@U0APPROVER>: approved 128Mi.');
    const rejected = renderThreadMessage({ ...base, step: null, status: 'finished', message: 'the patch was rejected; nothing was changed', findings: [], verdict: 'rejected', actor: 'slack:U0APPROVER' }, context);
    expect(rejected?.text.text).toMatch(/^⚪ \*Mitigation declined, still failing\*, by <@U0APPROVER>: the patch was rejected; nothing was changed\. Next: run the checklist again/);
    const rolled = renderThreadMessage({ ...base, step: null, status: 'finished', message: 'limits.memory restored to 64Mi on Deployment shop/checkout', findings: [], verdict: 'rolled-back', actor: 'slack:U0APPROVER' }, context);
    expect(rolled?.text.text).toMatch(/^⚪ \*Rolled back, still failing\*, by <@U0APPROVER>: limits\.memory restored to 64Mi/);
    expect(renderThreadMessage({ ...base, step: null, status: 'resolved', message: 'resolved', findings: [], verdict: 'rejected', actor: 'slack:U0APPROVER' }, context)?.text.text).toBe('✅ *Resolved*, by <@U0APPROVER>: resolved.');
  });

  test('the notification text beside the blocks is escaped like the blocks', () => {
    const message = 'go1.21.5 <!channel> <https://evil.example|click> & more';
    const thread = renderThreadMessage({ ...base, step: 'image-info', status: 'succeeded', message, findings: [{ title: message, severity: 'info' }] }, context);
    expect(thread?.text.text).toBe(':white_check_mark: *Image info:* go1.21.5 &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more');
    expect(JSON.stringify(thread?.blocks)).not.toContain('<!channel>');
  });
});
