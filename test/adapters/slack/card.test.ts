import { renderCard } from '../../../src/adapters/slack/card-blocks.js';
import { buildCardView } from '../../../src/adapters/slack/card-view.js';
import { renderThreadMessage } from '../../../src/adapters/slack/thread-message.js';
import type { Incident } from '../../../src/core/incident.js';
import { STEP_NAMES, type RunRecord, type StepRecord, type StepStatus } from '../../../src/core/run.js';
import type { TimelineEvent } from '../../../src/core/timeline.js';
import { defaultRunbook } from '../../support/default-runbook.js';

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

function run(statuses: Partial<Record<(typeof STEP_NAMES)[number], StepStatus>>, extra: Partial<RunRecord> = {}): RunRecord {
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
    steps: STEP_NAMES.map((step) => ({
      step,
      status: statuses[step] ?? 'pending',
      attempts: 1,
      startedAt: null,
      finishedAt: null,
      result: step === 'propose' ? { limit: '128Mi', previousLimit: '64Mi', rationale: 'no memory evidence: current limit 64Mi x 2 = 128Mi' } : step === 'detect' ? { container: 'migrate' } : {},
      error: null,
    }) as StepRecord),
    ...extra,
  };
}

const event = (kind: TimelineEvent['kind'], data: TimelineEvent['data'], at = '2026-11-27T10:00:05.000Z', actor = 'oom-check'): TimelineEvent => ({ seq: 1, incidentId: 7, at, kind, actor, step: kind === 'decision' ? 'approve' : null, data });
const now = new Date('2026-11-27T10:01:05.000Z');
const actionIds = (card: ReturnType<typeof renderCard>) =>
  card.blocks.flatMap((block) => (block.type === 'actions' ? block.elements.map((element) => ('action_id' in element ? element.action_id : '')) : []));

describe('the incident card', () => {
  test('waiting for approval: the proposal, the budget clock and Approve / Edit / Reject / Export', () => {
    const card = renderCard(buildCardView(incident, run({ detect: 'succeeded', propose: 'succeeded', approve: 'waiting-approval' }), [event('step.waiting', { message: 'waiting for an approver', budgetMs: 180000 })], now));
    expect(card.text.text).toBe('Incident 7: Waiting for approval: Deployment shop/checkout');
    expect(JSON.stringify(card.blocks)).toContain('1:05 of 3:00');
    expect(JSON.stringify(card.blocks)).toContain('64Mi → *128Mi*');
    expect(actionIds(card)).toEqual(['oom_approve', 'oom_edit_limit', 'oom_reject', 'oom_export']);
  });

  test('after a fix that did not verify: who approved, and Roll back with a confirmation', () => {
    const view = buildCardView(
      incident,
      run({ detect: 'succeeded', propose: 'succeeded', approve: 'succeeded', apply: 'succeeded', wait: 'succeeded', health: 'failed' }, { status: 'finished', verdict: 'verification-failed' }),
      [event('decision', { decision: 'approve' }, '2026-11-27T10:00:30.000Z', 'slack:U0APPROVER')],
      now,
    );
    const card = renderCard(view);
    expect(actionIds(card)).toEqual(['oom_rollback', 'oom_export']);
    expect(JSON.stringify(card.blocks)).toContain('approve by <@U0APPROVER> at 10:00:30 UTC');
  });

  test('text from the cluster is escaped and long text is cut with a pointer to the export', () => {
    const long = `<script>alert(1)</script> & ${'x'.repeat(5000)}`;
    const card = renderCard(buildCardView(incident, run({ detect: 'failed' }), [event('step.failed', { message: long })], now));
    const texts = card.blocks.flatMap((block) => ('text' in block && block.text && typeof block.text !== 'string' ? [block.text.text] : []));
    expect(texts.every((text) => text.length <= 3000)).toBe(true);
    const quoted = texts.find((text) => text.startsWith('> '))!;
    expect(quoted).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;');
    expect(quoted).toMatch(/… \(truncated: the full text is in `\/oom-check export 7`\)$/);
    expect(card.blocks.length).toBeLessThanOrEqual(50);
  });

  test('thread messages carry findings and results, not every step start', () => {
    const base = { incidentId: 7, elapsedMs: 1, budgetMs: 180000, verdict: null };
    expect(renderThreadMessage({ ...base, step: 'detect', status: 'running', message: 'detect started', findings: [] })).toBeNull();
    const proposal = renderThreadMessage({
      ...base,
      step: 'propose',
      status: 'succeeded',
      message: '64Mi -> 128Mi',
      findings: [{ title: 'Proposed', severity: 'info', diff: { before: { 'limits.memory': '64Mi' }, after: { 'limits.memory': '128Mi' } } }],
    });
    expect(JSON.stringify(proposal?.blocks)).toContain('- limits.memory: 64Mi\\n+ limits.memory: 128Mi');
    expect(renderThreadMessage({ ...base, step: null, status: 'finished', message: 'fix applied and verified', findings: [], verdict: 'fixed' })?.text.text).toContain('fix applied and verified');
  });

  test('the notification text beside the blocks is escaped like the blocks', () => {
    const message = 'go1.21.5 <!channel> <https://evil.example|click> & more';
    const thread = renderThreadMessage({ incidentId: 7, elapsedMs: 1, budgetMs: 180000, verdict: null, step: 'image-info', status: 'succeeded', message, findings: [{ title: message, severity: 'info' }] });
    expect(thread?.text.text).toBe('image-info: go1.21.5 &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more');
    expect(JSON.stringify(thread?.blocks)).not.toContain('<!channel>');
    const card = renderCard(buildCardView({ ...incident, namespace: 'a<!channel>' }, undefined, [], now));
    expect(card.text.text).toBe('Incident 7: OOMKilled: Deployment a&lt;!channel&gt;/checkout');
  });
});
