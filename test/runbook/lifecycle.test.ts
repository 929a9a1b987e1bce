import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ErrorCode } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/ports.js';
import { CHECKLIST_STEPS, type ChecklistSteps } from '../../src/runbook/checklist-steps.js';
import { onSchedule } from '../../src/runbook/on-schedule.js';
import { startIncident } from '../../src/runbook/start-incident.js';
import type { Step } from '../../src/runbook/step-types.js';
import { wireChecklist, type WiredChecklist } from '../../src/wire-checklist.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { defaultRunbook } from '../support/default-runbook.js';

const log = pino({ level: 'silent' });
const POD = 'checkout-7d9f8-abcde';

describe('the lifecycle on a clock the test moves', () => {
  let dir: string;
  let clock: ManualClock;
  const open: WiredChecklist[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-lifecycle-'));
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const checklist of open.splice(0)) await checklist.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One "process" on the shared database file. */
  function process(options: { clock?: Clock; steps?: Partial<ChecklistSteps> } = {}): WiredChecklist {
    const cluster = new FakeCluster().add(oomKilledPod('shop', POD, 'checkout'));
    const checklist = wireChecklist({ dbPath: join(dir, 'oom-check.db'), cluster, clock: options.clock ?? clock, log, ...(options.steps ? { steps: { ...CHECKLIST_STEPS, ...options.steps } } : {}) });
    open.push(checklist);
    return checklist;
  }

  async function waitingRun(checklist: WiredChecklist, timeoutSeconds = 120): Promise<number> {
    const runbook = defaultRunbook((r) => {
      r.steps.approve.timeoutSeconds = timeoutSeconds;
    });
    const { incident } = await startIncident(checklist, { namespace: 'shop', pod: POD, trigger: 'slack', actor: 'slack:U1', runbook, maxLimitBytes: 4 * 1024 ** 3, allowedNamespaces: [] });
    expect((await checklist.runner.advance(incident.id)).status).toBe('waiting-approval');
    return incident.id;
  }

  test('an unanswered approval expires on its own schedule at the runbook timeout, not a moment before', async () => {
    const bot = process();
    const id = await waitingRun(bot, 120);
    const stop = new AbortController();
    const schedule = onSchedule(clock, log, stop.signal, bot.lifecycle.expirySchedule());
    await clock.advance(119_000);
    expect(bot.runs.getRun(id)?.status).toBe('waiting-approval');
    await clock.advance(1_000);
    expect(bot.runs.getRun(id)).toMatchObject({ status: 'finished', verdict: 'not-approved' });
    // Nothing was patched and the workload still fails: the incident stays open until resolved.
    expect(bot.incidents.getIncident(id)).toMatchObject({ status: 'open', verdict: null });
    expect(bot.incidents.timeline(id).find((e) => e.kind === 'step.failed' && e.step === 'approve')?.data).toMatchObject({ message: 'nobody approved within 120 s; nothing was patched', timeoutSeconds: 120 });
    stop.abort();
    await schedule;
  });

  test('expiry survives a restart: a new process finds the deadline in the store', async () => {
    const before = process();
    const id = await waitingRun(before, 120);
    await before.close();
    open.splice(open.indexOf(before), 1);
    await clock.advance(600_000); // the bot was down for ten minutes
    const after = process();
    expect(after.lifecycle.nextExpiry()?.toISOString()).toBe('2026-11-27T10:02:00.000Z');
    expect(after.lifecycle.expireDue()).toEqual([id]);
    expect(after.runs.getRun(id)?.verdict).toBe('not-approved');
  });

  test('a decision made before the expiry wins; expiry then leaves the run alone', async () => {
    const bot = process();
    const id = await waitingRun(bot, 60);
    expect(bot.lifecycle.decide(id, { actor: 'slack:U2', decision: 'reject', reason: 'not now' })).toMatchObject({ outcome: 'settled' });
    await clock.advance(120_000);
    expect(bot.lifecycle.expireDue()).toEqual([]);
    expect(bot.runs.getRun(id)?.verdict).toBe('rejected');
    expect(bot.incidents.timeline(id).filter((e) => e.kind === 'decision')).toEqual([expect.objectContaining({ actor: 'slack:U2', data: expect.objectContaining({ decision: 'reject', reason: 'not now' }) })]);
  });

  test('a declined mitigation stays open, survives closeFinished, and closes when a person resolves it', async () => {
    const bot = process();
    const id = await waitingRun(bot);
    expect(bot.lifecycle.resolve(id, 'slack:U2')).toEqual({ outcome: 'not-possible', message: 'the patch still waits for a decision: reject it first, then resolve' });
    bot.lifecycle.decide(id, { actor: 'slack:U2', decision: 'reject' });
    expect(bot.incidents.getIncident(id)).toMatchObject({ status: 'open' });
    bot.lifecycle.closeFinished();
    expect(bot.incidents.getIncident(id)).toMatchObject({ status: 'open' });

    await clock.advance(60_000);
    expect(bot.lifecycle.resolve(id, 'slack:U3', 'shrank the binary by hand')).toEqual({ outcome: 'resolved', verdict: 'rejected' });
    expect(bot.incidents.getIncident(id)).toMatchObject({ status: 'closed', verdict: 'rejected', closedAt: '2026-11-27T10:01:00.000Z' });
    const timeline = bot.incidents.timeline(id);
    expect(timeline.filter((e) => e.kind === 'decision').map((e) => [e.actor, e.data.decision])).toEqual([['slack:U2', 'reject'], ['slack:U3', 'resolve']]);
    expect(timeline.at(-1)).toMatchObject({ kind: 'incident.closed', actor: 'slack:U3', data: { summary: 'resolved by a person: shrank the binary by hand (the run had ended: rejected)' } });
    expect(bot.lifecycle.resolve(id, 'slack:U2')).toEqual({ outcome: 'already-closed', verdict: 'rejected', at: '2026-11-27T10:01:00.000Z' });
  });

  test('running the checklist again on a declined workload supersedes its incident with a new one', async () => {
    const bot = process();
    const id = await waitingRun(bot);
    bot.lifecycle.decide(id, { actor: 'slack:U2', decision: 'reject' });
    const again = await waitingRun(bot);
    expect(again).not.toBe(id);
    expect(bot.incidents.getIncident(id)).toMatchObject({ status: 'closed', verdict: 'rejected' });
    expect(bot.incidents.timeline(id).at(-1)?.data.summary).toMatch(/^superseded: the checklist was run again/);
    expect(bot.incidents.getIncident(again)).toMatchObject({ status: 'open' });
  });

  test('one process at a time: a second one is refused with the holder named, then goes on once the claim is free', async () => {
    const a = process();
    const b = process();
    const id = await waitingRun(a);
    a.claims.take(id);
    await expect(b.runner.advance(id)).rejects.toMatchObject({ code: ErrorCode.RunClaimed, message: expect.stringContaining(`another oom-check process (${a.claims.owner})`) });
    expect(b.runs.transition(id, { at: clock.now().toISOString(), owner: b.claims.owner, run: { status: 'active' } })).toBeNull();
    a.claims.release(id);
    expect((await b.runner.advance(id)).status).toBe('waiting-approval');
    expect(b.runs.getRun(id)?.claim).toBeNull();
  });

  test('a claim nobody renews expires: the run is taken over after its time-to-live', async () => {
    const a = process();
    const b = process();
    const id = await waitingRun(a);
    a.claims.take(id);
    await clock.advance(29_000);
    await expect(b.runner.advance(id)).rejects.toMatchObject({ code: ErrorCode.RunClaimed });
    await clock.advance(1_000);
    expect((await b.runner.advance(id)).status).toBe('waiting-approval');
  });

  test('a claim held by a process that no longer exists on this host is taken over at once', async () => {
    const a = process();
    const id = await waitingRun(a);
    const [host] = a.claims.owner.split(':');
    const dead = `${host}:2147483646:deadbeef`;
    a.runs.claim(id, { owner: dead, until: '2999-01-01T00:00:00.000Z' }, clock.now().toISOString());
    const b = process();
    expect((await b.runner.advance(id)).status).toBe('waiting-approval');
  });

  test('a step that hangs past its deadline times out on the clock, not on the wall', async () => {
    const hang: Step = () => new Promise(() => {});
    const bot = process({ steps: { propose: hang } });
    const runbook = defaultRunbook();
    const { incident } = await startIncident(bot, { namespace: 'shop', pod: POD, trigger: 'cli', actor: 'cli:t', runbook, maxLimitBytes: 4 * 1024 ** 3, allowedNamespaces: [] });
    const advancing = bot.runner.advance(incident.id);
    const propose = () => bot.runs.getRun(incident.id)?.steps.find((s) => s.step === 'propose')?.status;
    // The steps before it ask the cluster, each a turn of the event loop: wait until propose hangs.
    await pollUntil(async () => (propose() === 'running' ? true : undefined), 'propose running', 5000, 5);
    await clock.advance(29_000);
    expect(propose()).toBe('running');
    await clock.advance(1_000);
    const run = await advancing;
    expect(run.steps.find((s) => s.step === 'propose')).toMatchObject({ status: 'failed', error: 'step propose did not finish within 30 s' });
    expect(run.status).toBe('active');
  });
});
