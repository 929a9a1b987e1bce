import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/sqlite-run-store.js';
import { ErrorCode } from '../../src/core/errors.js';
import { STEP_NAMES, type RunSpec } from '../../src/core/run.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { newIncident, T0 } from './incident-store-contract.js';

const spec: RunSpec = { target: { cluster: 'prod-eu', namespace: 'shop', pod: 'checkout-1' }, runbook: defaultRunbook(), maxLimitBytes: 4 * 1024 ** 3 };

describe('SqliteRunStore', () => {
  let incidents: SqliteIncidentStore;
  let runs: SqliteRunStore;
  let incidentId: number;
  beforeEach(() => {
    const { db } = openDatabase(':memory:');
    incidents = new SqliteIncidentStore(db);
    runs = new SqliteRunStore(db, incidents);
    incidentId = incidents.openIncident(newIncident()).incident.id;
  });
  afterEach(() => incidents.close());

  test('a new run has every step pending, in the checklist order, and keeps its spec', () => {
    const run = runs.createRun(incidentId, spec, T0);
    expect(run).toMatchObject({ incidentId, status: 'active', verdict: null, startedAt: T0, spec });
    expect(run.steps.map((s) => [s.step, s.status, s.attempts])).toEqual(STEP_NAMES.map((name) => [name, 'pending', 0]));
    expect(runs.listUnfinishedRuns().map((r) => r.incidentId)).toEqual([incidentId]);
    expect(runs.findUnfinishedRun(spec.target)?.incidentId).toBe(incidentId);
    expect(runs.findUnfinishedRun({ ...spec.target, pod: 'other' })).toBeUndefined();
  });

  test('an incident has at most one run, and only an existing incident has one', () => {
    runs.createRun(incidentId, spec, T0);
    expect(() => runs.createRun(incidentId, spec, T0)).toThrow(expect.objectContaining({ code: ErrorCode.IncidentInvalid }));
    expect(() => runs.createRun(999, spec, T0)).toThrow(expect.objectContaining({ code: ErrorCode.IncidentNotFound }));
  });

  test('a transition changes the step, the run and the timeline together', () => {
    runs.createRun(incidentId, spec, T0);
    const run = runs.transition(incidentId, {
      at: '2026-11-27T10:00:05.000Z',
      step: { name: 'approve', status: 'waiting-approval', attempts: 1, startedAt: T0, result: { proposedLimit: '128Mi' } },
      run: { status: 'waiting-approval' },
      events: [{ incidentId, at: '2026-11-27T10:00:05.000Z', kind: 'step.waiting', actor: 'oom-check', step: 'approve' }],
    });
    expect(run?.status).toBe('waiting-approval');
    expect(run?.updatedAt).toBe('2026-11-27T10:00:05.000Z');
    expect(run?.steps.find((s) => s.step === 'approve')).toMatchObject({ status: 'waiting-approval', attempts: 1, startedAt: T0, result: { proposedLimit: '128Mi' } });
    expect(incidents.timeline(incidentId).map((e) => e.kind)).toEqual(['incident.opened', 'step.waiting']);
  });

  test('compare-and-set: only the first of two approvals applies', () => {
    runs.createRun(incidentId, spec, T0);
    runs.transition(incidentId, { at: T0, step: { name: 'approve', status: 'waiting-approval' } });
    const decide = (actor: string) =>
      runs.transition(incidentId, {
        at: T0,
        step: { name: 'approve', expect: 'waiting-approval', status: 'succeeded', result: { actor } },
        events: [{ incidentId, at: T0, kind: 'decision', actor, data: { decision: 'approve' } }],
      });
    expect(decide('slack:U1')).not.toBeNull();
    expect(decide('slack:U2')).toBeNull();
    expect(runs.getRun(incidentId)?.steps.find((s) => s.step === 'approve')?.result).toEqual({ actor: 'slack:U1' });
    expect(incidents.timeline(incidentId).filter((e) => e.kind === 'decision')).toHaveLength(1);
  });

  test('a bad timeline row rolls the whole transition back', () => {
    runs.createRun(incidentId, spec, T0);
    expect(() =>
      runs.transition(incidentId, {
        at: T0,
        step: { name: 'detect', status: 'succeeded' },
        run: { status: 'finished', verdict: 'fixed' },
        events: [{ incidentId, at: 'not a time', kind: 'note', actor: 'x' }],
      }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.TimelineEventInvalid }));
    const run = runs.getRun(incidentId)!;
    expect(run.status).toBe('active');
    expect(run.steps[0]?.status).toBe('pending');
  });

  test('finishing a run records its verdict and takes it off the unfinished list', () => {
    runs.createRun(incidentId, spec, T0);
    runs.transition(incidentId, { at: T0, run: { status: 'finished', verdict: 'not-oom' } });
    expect(runs.getRun(incidentId)).toMatchObject({ status: 'finished', verdict: 'not-oom' });
    expect(runs.listUnfinishedRuns()).toEqual([]);
  });
});
