import { ErrorCode, type OomCheckError } from '../../src/core/errors.js';
import type { NewIncident } from '../../src/core/incident.js';
import type { IncidentStore } from '../../src/core/ports.js';

export const T0 = '2026-11-27T10:00:00.000Z';

export function newIncident(overrides: Partial<NewIncident> = {}): NewIncident {
  return {
    cluster: 'prod-eu',
    namespace: 'shop',
    pod: 'checkout-7d9f8-abcde',
    owner: { kind: 'Deployment', name: 'checkout' },
    container: 'migrate',
    trigger: 'slack',
    openedAt: T0,
    actor: 'slack:U01APPROVER',
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as OomCheckError).code;
  }
  return undefined;
}

/** One suite for every IncidentStore: the SQLite adapter and the in-memory fake must agree. */
export function describeIncidentStoreContract(name: string, makeStore: () => IncidentStore): void {
  describe(`IncidentStore contract: ${name}`, () => {
    let store: IncidentStore;
    beforeEach(() => {
      store = makeStore();
    });
    afterEach(() => store.close());

    test('opening records the incident and an incident.opened event', () => {
      const { incident, created } = store.openIncident(newIncident());
      expect(created).toBe(true);
      expect(incident).toMatchObject({
        dedupeKey: 'prod-eu/shop/Deployment/checkout',
        status: 'open',
        openedAt: T0,
        closedAt: null,
        verdict: null,
        chat: null,
        owner: { kind: 'Deployment', name: 'checkout' },
      });
      expect(store.getIncident(incident.id)).toEqual(incident);
      const [opened, ...rest] = store.timeline(incident.id);
      expect(rest).toEqual([]);
      expect(opened).toMatchObject({ kind: 'incident.opened', actor: 'slack:U01APPROVER', at: T0, step: null });
      expect(opened?.data).toEqual({ trigger: 'slack', cluster: 'prod-eu', pod: 'checkout-7d9f8-abcde', container: 'migrate' });
    });

    test('a second pod of the same workload joins the open incident', () => {
      const first = store.openIncident(newIncident());
      const second = store.openIncident(newIncident({ pod: 'checkout-7d9f8-zzzzz', trigger: 'alertmanager' }));
      expect(second.created).toBe(false);
      expect(second.incident.id).toBe(first.incident.id);
      expect(store.timeline(first.incident.id)).toHaveLength(1);
    });

    test('bare pods, other clusters and other namespaces are separate incidents', () => {
      const ids = new Set([
        store.openIncident(newIncident()).incident.id,
        store.openIncident(newIncident({ owner: null, pod: 'lonely' })).incident.id,
        store.openIncident(newIncident({ cluster: 'prod-us' })).incident.id,
        store.openIncident(newIncident({ namespace: 'billing' })).incident.id,
      ]);
      expect(ids.size).toBe(4);
      expect(store.findOpenIncident('prod-eu/shop/Pod/lonely')?.pod).toBe('lonely');
    });

    test('closing sets the verdict, records it, and frees the dedupe key', () => {
      const { incident } = store.openIncident(newIncident());
      const closed = store.closeIncident(incident.id, {
        at: '2026-11-27T10:02:30.000Z',
        verdict: 'fixed',
        actor: 'oom-check',
        summary: 'limit raised',
      });
      expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-11-27T10:02:30.000Z', verdict: 'fixed' });
      expect(store.timeline(incident.id).at(-1)).toMatchObject({
        kind: 'incident.closed',
        data: { verdict: 'fixed', summary: 'limit raised' },
      });
      expect(store.findOpenIncident(incident.dedupeKey)).toBeUndefined();
      const again = store.openIncident(newIncident({ openedAt: '2026-11-27T11:00:00.000Z' }));
      expect(again.created).toBe(true);
      expect(again.incident.id).not.toBe(incident.id);
    });

    test('closing twice or closing an unknown incident is refused with a code', () => {
      const { incident } = store.openIncident(newIncident());
      const close = { at: T0, verdict: 'fixed' as const, actor: 'oom-check' };
      store.closeIncident(incident.id, close);
      expect(codeOf(() => store.closeIncident(incident.id, close))).toBe(ErrorCode.IncidentInvalid);
      expect(codeOf(() => store.closeIncident(999, close))).toBe(ErrorCode.IncidentNotFound);
      expect(store.timeline(incident.id).filter((e) => e.kind === 'incident.closed')).toHaveLength(1);
    });

    test('lists newest first, filtered by status and limited', () => {
      const a = store.openIncident(newIncident({ namespace: 'a' })).incident;
      const b = store.openIncident(newIncident({ namespace: 'b' })).incident;
      const c = store.openIncident(newIncident({ namespace: 'c' })).incident;
      store.closeIncident(b.id, { at: T0, verdict: 'fixed', actor: 'oom-check' });
      expect(store.listIncidents().map((i) => i.id)).toEqual([c.id, b.id, a.id]);
      expect(store.listIncidents({ status: 'open' }).map((i) => i.id)).toEqual([c.id, a.id]);
      expect(store.listIncidents({ limit: 1 }).map((i) => i.id)).toEqual([c.id]);
    });

    test('finds the newest incident opened for a pod, open or closed', () => {
      const first = store.openIncident(newIncident()).incident;
      store.closeIncident(first.id, { at: T0, verdict: 'rejected', actor: 'x' });
      const second = store.openIncident(newIncident()).incident;
      const ref = { cluster: 'prod-eu', namespace: 'shop', pod: 'checkout-7d9f8-abcde' };
      expect(store.latestIncidentForPod(ref)?.id).toBe(second.id);
      expect(store.latestIncidentForPod({ ...ref, pod: 'other' })).toBeUndefined();
    });

    test('keeps the chat reference of the incident card', () => {
      const { incident } = store.openIncident(newIncident());
      store.setChatRef(incident.id, { channel: 'C0INCIDENT', ts: '1764237600.000100' });
      expect(store.getIncident(incident.id)?.chat).toEqual({ channel: 'C0INCIDENT', ts: '1764237600.000100' });
      expect(store.findIncidentByChat({ channel: 'C0INCIDENT', ts: '1764237600.000100' })?.id).toBe(incident.id);
      expect(store.findIncidentByChat({ channel: 'C0OTHER', ts: '1764237600.000100' })).toBeUndefined();
      expect(codeOf(() => store.setChatRef(404, { channel: 'C1', ts: '1' }))).toBe(ErrorCode.IncidentNotFound);
    });

    test('appends events in order and returns JSON data as it was given', () => {
      const { incident } = store.openIncident(newIncident());
      const hostile = 'a | b\n`rm -rf`<script>alert(1)</script> ✓ 🚒';
      const appended = store.append({
        incidentId: incident.id,
        at: '2026-11-27T10:00:01.000Z',
        kind: 'note',
        actor: 'slack:U02',
        step: 'detect',
        data: { text: hostile, nested: { list: [1, 'two', null, true] } },
      });
      const batch = store.appendMany([
        { incidentId: incident.id, at: '2026-11-27T10:00:02.000Z', kind: 'step.started', actor: 'oom-check', step: 'image-info' },
        { incidentId: incident.id, at: '2026-11-27T10:00:03.000Z', kind: 'step.succeeded', actor: 'oom-check', step: 'image-info' },
      ]);
      const timeline = store.timeline(incident.id);
      expect(timeline.map((e) => e.kind)).toEqual(['incident.opened', 'note', 'step.started', 'step.succeeded']);
      expect(timeline[1]).toEqual(appended);
      expect(appended.data).toEqual({ text: hostile, nested: { list: [1, 'two', null, true] } });
      expect(batch.map((e) => e.data)).toEqual([{}, {}]);
      const seqs = timeline.map((e) => e.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
    });

    test('what it returns is a copy: changing it changes nothing stored', () => {
      const { incident } = store.openIncident(newIncident());
      const event = store.append({ incidentId: incident.id, at: T0, kind: 'note', actor: 'x', data: { text: 'kept' } });
      event.data.text = 'changed';
      incident.status = 'closed';
      expect(store.timeline(incident.id)[1]?.data).toEqual({ text: 'kept' });
      expect(store.getIncident(incident.id)?.status).toBe('open');
    });

    test.each([
      [{ kind: 'made.up' }, /kind "made\.up" is not a timeline kind/],
      [{ at: 'yesterday' }, /at must be an ISO-8601 UTC time/],
      [{ at: '2026-11-27T10:00:00+02:00' }, /at must be an ISO-8601 UTC time/],
      [{ actor: '' }, /actor must be a non-empty string/],
      [{ data: ['not', 'an', 'object'] }, /data must be a JSON object/],
    ])('refuses an invalid event %p and stores nothing', (override, message) => {
      const { incident } = store.openIncident(newIncident());
      const bad = { incidentId: incident.id, at: T0, kind: 'note', actor: 'x', ...override };
      expect(() => store.append(bad as never)).toThrow(message);
      expect(codeOf(() => store.append(bad as never))).toBe(ErrorCode.TimelineEventInvalid);
      expect(store.timeline(incident.id)).toHaveLength(1);
    });

    test('appendMany is all or nothing', () => {
      const { incident } = store.openIncident(newIncident());
      const good = { incidentId: incident.id, at: T0, kind: 'note' as const, actor: 'x' };
      expect(codeOf(() => store.appendMany([good, { ...good, kind: 'nope' as never }]))).toBe(ErrorCode.TimelineEventInvalid);
      expect(codeOf(() => store.appendMany([good, { ...good, incidentId: 424242 }]))).toBe(ErrorCode.IncidentNotFound);
      expect(store.timeline(incident.id)).toHaveLength(1);
    });

    test('an event for an unknown incident is refused', () => {
      expect(codeOf(() => store.append({ incidentId: 77, at: T0, kind: 'note', actor: 'x' }))).toBe(ErrorCode.IncidentNotFound);
    });

    test.each([
      [{ pod: '' }, /pod must be a non-empty string/],
      [{ trigger: 'pager' }, /trigger must be one of slack, alertmanager, sweep, cli/],
      [{ openedAt: 'now' }, /openedAt must be an ISO-8601 UTC time/],
    ])('refuses an invalid incident %p', (override, message) => {
      expect(() => store.openIncident(newIncident(override as Partial<NewIncident>))).toThrow(message);
      expect(store.listIncidents()).toEqual([]);
    });
  });
}
