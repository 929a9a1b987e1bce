import type { Incident } from '../../../src/core/incident.js';
import type { TimelineData, TimelineEvent } from '../../../src/core/timeline.js';

export const HOSTILE = 'cells | split\nnew line `code` <script>alert("x")</script> [link](http://evil) **bold** _it_ # head';

const base: Incident = {
  id: 42,
  dedupeKey: 'prod-eu/shop/Deployment/checkout',
  cluster: 'prod-eu',
  namespace: 'shop',
  pod: 'checkout-7d9f8-abcde',
  owner: { kind: 'Deployment', name: 'checkout' },
  container: 'migrate',
  trigger: 'slack',
  status: 'closed',
  openedAt: '2026-11-27T10:00:00.000Z',
  closedAt: '2026-11-27T10:02:40.000Z',
  verdict: 'fixed',
  chat: { channel: 'C0INCIDENTS', ts: '1764237600.000100' },
};

function timeline(rows: Array<[string, TimelineEvent['kind'], string, string | null, TimelineData?]>): TimelineEvent[] {
  return rows.map(([time, kind, actor, step, data], index) => ({
    seq: index + 1,
    incidentId: base.id,
    at: `2026-11-27T${time}.000Z`,
    kind,
    actor,
    step,
    data: data ?? {},
  }));
}

/** The seed's case end to end: fixed within the budget, with a hostile note from a user. */
export const fixedIncident = {
  incident: base,
  events: timeline([
    ['10:00:00', 'incident.opened', 'slack:U01ONCALL', null, { trigger: 'slack', pod: base.pod, container: 'migrate', budgetSeconds: 180 }],
    ['10:00:01', 'step.started', 'oom-check', 'detect', {}],
    ['10:00:01', 'finding', 'oom-check', 'detect', {
      title: 'initContainer migrate OOMKilled',
      detail: 'exit 137, limit 64Mi, 4 restarts',
      oomKilledAt: '2026-11-27T09:59:20.000Z',
    }],
    ['10:00:01', 'step.succeeded', 'oom-check', 'detect', { elapsedMs: 310 }],
    ['10:00:03', 'finding', 'oom-check', 'image-info', {
      title: 'Go binary built with cgo and full symbol table',
      detail: 'go1.21.5, cgo on, symtab ratio 0.31',
      advice: ['Build with CGO_ENABLED=0 -tags netgo', 'Strip symbols with -ldflags="-s -w"'],
    }],
    ['10:00:04', 'step.waiting', 'oom-check', 'approve', { message: 'limit 64Mi -> 128Mi awaits approval' }],
    ['10:00:50', 'note', 'slack:U02SRE', null, { text: HOSTILE }],
    ['10:01:05', 'decision', 'slack:U01ONCALL', 'approve', { decision: 'approve', limit: '128Mi' }],
    ['10:01:07', 'patch.applied', 'slack:U01ONCALL', 'apply', {
      workload: 'Deployment shop/checkout',
      container: 'migrate',
      before: { 'limits.memory': '64Mi', 'requests.memory': '32Mi' },
      after: { 'limits.memory': '128Mi', 'requests.memory': '32Mi' },
    }],
    ['10:02:10', 'step.succeeded', 'oom-check', 'wait', { message: 'pod checkout-5c6d-xyz Initialized' }],
    ['10:02:12', 'incident.mitigated', 'oom-check', 'health', { message: '/healthz answered 200' }],
    ['10:02:40', 'incident.closed', 'oom-check', null, { verdict: 'fixed', summary: 'limit raised to 128Mi and verified' }],
  ]),
};

/** Still open, no decision yet, with a rejected patch attempt by someone who may not approve. */
export const openIncident = {
  incident: { ...base, id: 7, status: 'open' as const, closedAt: null, verdict: null, chat: null, trigger: 'alertmanager' as const },
  events: timeline([
    ['10:00:00', 'incident.opened', 'alertmanager', null, { trigger: 'alertmanager', pod: base.pod, container: null }],
    ['10:00:00', 'alert.firing', 'alertmanager', null, { message: 'KubeContainerOOMKilled', fingerprint: '3b1a2c4d5e6f7a8b' }],
    ['10:03:30', 'access.denied', `slack:${HOSTILE}`, 'approve', { message: 'not an approver' }],
  ]).map((event) => ({ ...event, incidentId: 7 })),
};

const Mi = 1024 ** 2;

/**
 * The seed's case as the runner records it, with every step's rows and the rss-peak samples (taken
 * while a restarted container climbed towards its 64Mi limit): what the postmortem chart can show
 * at most. Killed at 09:59:20, detected at 10:00:00, verified at 10:02:06 (2:46 after the kill).
 */
export const seedIncident = {
  incident: { ...base, id: 43, closedAt: '2026-11-27T10:02:30.000Z' },
  events: timeline([
    ['10:00:00', 'incident.opened', 'slack:U01ONCALL', null, { trigger: 'slack', pod: base.pod, container: null, budgetSeconds: 180 }],
    ['10:00:00', 'step.started', 'oom-check', 'detect', { attempt: 1 }],
    ['10:00:01', 'finding', 'oom-check', 'detect', { title: 'initContainer migrate OOMKilled', severity: 'critical', detail: 'exit 137 (OOMKilled) at limit 64Mi, 4 restarts' }],
    ['10:00:01', 'step.succeeded', 'oom-check', 'detect', {
      container: 'migrate', limit: '64Mi', restartCount: 4, oomKilledAt: '2026-11-27T09:59:20.000Z', message: 'initContainer migrate OOMKilled at limit 64Mi',
    }],
    ['10:00:01', 'step.started', 'oom-check', 'image-info', { attempt: 1 }],
    ['10:00:03', 'finding', 'oom-check', 'image-info', {
      title: 'Go binary built with cgo and full symbol table',
      detail: 'go1.21.5, cgo on, symtab ratio 0.31',
      advice: ['Build with CGO_ENABLED=0 -tags netgo', 'Strip symbols with -ldflags="-s -w"'],
    }],
    ['10:00:03', 'step.succeeded', 'oom-check', 'image-info', { message: 'image-info answered' }],
    ['10:00:03', 'step.started', 'oom-check', 'rss-peak', { attempt: 1 }],
    ['10:00:06', 'step.succeeded', 'oom-check', 'rss-peak', {
      message: 'RSS peak 63Mi over 12 samples 250 ms apart',
      peakBytes: 63 * Mi,
      samples: [12, 19, 27, 34, 40, 46, 51, 55, 58, 61, 62, 63].map((size) => size * Mi),
      intervalMs: 250,
    }],
    ['10:00:06', 'step.started', 'oom-check', 'propose', { attempt: 1 }],
    ['10:00:06', 'step.succeeded', 'oom-check', 'propose', { message: '64Mi -> 128Mi: peak 63Mi is above 85 % of 64Mi' }],
    ['10:00:06', 'step.started', 'oom-check', 'approve', { attempt: 1 }],
    ['10:00:07', 'step.waiting', 'oom-check', 'approve', { message: 'limit 64Mi -> 128Mi awaits approval' }],
    ['10:01:05', 'decision', 'slack:U01ONCALL', 'approve', { decision: 'approve', limit: '128Mi' }],
    ['10:01:05', 'step.succeeded', 'oom-check', 'approve', { message: 'approved by U01ONCALL' }],
    ['10:01:05', 'step.started', 'oom-check', 'apply', { attempt: 1 }],
    ['10:01:06', 'patch.intent', 'slack:U01ONCALL', 'apply', {
      workload: 'Deployment shop/checkout', container: 'migrate', before: { 'limits.memory': '64Mi' }, after: { 'limits.memory': '128Mi' },
    }],
    ['10:01:07', 'patch.applied', 'slack:U01ONCALL', 'apply', {
      workload: 'Deployment shop/checkout', container: 'migrate', before: { 'limits.memory': '64Mi' }, after: { 'limits.memory': '128Mi' }, dryRunFirst: true,
    }],
    ['10:01:07', 'step.succeeded', 'oom-check', 'apply', { message: 'patched Deployment shop/checkout: limits.memory 64Mi -> 128Mi' }],
    ['10:01:07', 'step.started', 'oom-check', 'wait', { attempt: 1 }],
    ['10:02:05', 'step.succeeded', 'oom-check', 'wait', { message: 'new pod checkout-5c6d-xyz is Initialized' }],
    ['10:02:05', 'step.started', 'oom-check', 'health', { attempt: 1 }],
    ['10:02:06', 'step.succeeded', 'oom-check', 'health', { message: 'http://10.0.3.7:8080/healthz answered 200' }],
    ['10:02:06', 'incident.mitigated', 'oom-check', null, { message: 'fixed and verified' }],
    ['10:02:30', 'incident.closed', 'oom-check', null, { verdict: 'fixed', summary: 'limit raised to 128Mi and verified' }],
  ]).map((event) => ({ ...event, incidentId: 43 })),
};
