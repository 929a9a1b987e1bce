import { ClusterError } from '../core/cluster-error.js';
import type { Incident, WorkloadRef } from '../core/incident.js';
import type { Clusters } from '../core/clusters.js';
import type { Clock, IncidentStore, RunStore } from '../core/ports.js';
import type { Workload } from '../core/k8s-types.js';
import { buildSwapBackPatch } from '../core/rules/build-image-swap-patch.js';
import { buildLimitPatch, hasMemoryLimit, memoryOf, requestFollowsLimit } from '../core/rules/build-patch.js';
import { findSpecContainer } from '../core/rules/find-spec-container.js';
import { stepOf, type RunRecord } from '../core/run.js';
import { requireResult, type ApplyResult } from '../core/step-results.js';
import { lostClaim } from './run-claims.js';
import type { RunReporter } from './run-reporter.js';

export type RollbackAnswer =
  | { outcome: 'rolled-back'; workload: string; limit: string | null; image?: string }
  | { outcome: 'already-rolled-back'; actor: string; at: string }
  | { outcome: 'not-possible'; message: string };

interface RollbackDeps {
  incidents: IncidentStore;
  runs: RunStore;
  clusters: Clusters;
  clock: Clock;
  reporter: RunReporter;
  /** The claim this process holds on the run: every write is fenced by it. */
  owner: string;
}

/**
 * Restores the memory limit the workload had before oom-check's patch (recorded by apply before
 * it acted), dry-run first. Like apply, it records its intent before it writes, so an attempt cut
 * short after the server applied it is recognised and recorded when tried again.
 */
export async function rollBackPatch(deps: RollbackDeps, incident: Incident, run: RunRecord, actor: string): Promise<RollbackAnswer> {
  const timeline = deps.incidents.timeline(incident.id);
  const done = timeline.find((event) => event.kind === 'patch.rolled-back');
  if (done) return { outcome: 'already-rolled-back', actor: done.actor, at: done.at };
  if (incident.status === 'closed') return { outcome: 'not-possible', message: `incident ${incident.id} is closed (${incident.verdict}): roll back by hand if you must` };
  if (run.status !== 'finished') return { outcome: 'not-possible', message: 'the checklist is still running: roll back once it has ended' };
  // Every round that patched, oldest first: the first one's `before` is what the workload had
  // before oom-check touched it, the last one's limit is what it has now.
  const applied = [...run.rounds, run]
    .map((holder) => stepOf(holder, 'apply'))
    .filter((apply) => apply.status === 'succeeded' && apply.result.alreadyApplied === false)
    .map((apply) => apply.result);
  // The quick downgrade's swap, when it was the last change: undoing it restores the image.
  const swap = applied.at(-1)?.swap;
  if (swap) return rollBackSwap(deps, incident, run, actor, swap);
  const patched = applied.filter((apply) => apply.before && apply.limit && !apply.swap);
  const first = patched[0];
  const latest = patched.at(-1);
  if (!first?.before || !latest?.limit) {
    return { outcome: 'not-possible', message: 'oom-check applied no patch in this incident: there is nothing to roll back' };
  }
  const where = `incident ${incident.id}`;
  const detect = requireResult('detect', stepOf(run, 'detect').result, where);
  const owner = incident.owner as WorkloadRef;
  const { containerKind: kind, container } = detect;
  const workload = `${owner.kind} ${incident.namespace}/${owner.name}`;
  const restore = first.before.limit;
  // A Guaranteed container's request rose with its limit: it goes back with it.
  const request = requestFollowsLimit(first.before) ? first.before.request : undefined;
  const diff = {
    before: { 'limits.memory': latest.limit, ...(request !== undefined ? { 'requests.memory': latest.limit } : {}) },
    after: { 'limits.memory': restore ?? '(none)', ...(request !== undefined ? { 'requests.memory': request ?? '(none)' } : {}) },
  };
  const patch = buildLimitPatch({ kind, container, limit: restore, ...(request !== undefined ? { request } : {}) });
  const restored = (found: Workload) => (restore === null ? memoryOf(found, kind, container)?.limit === null : hasMemoryLimit(found, kind, container, restore));
  await restoreWith(deps, incident, run, actor, { workload, container, diff, patch, restored, what: restore ?? 'no limit' });
  return { outcome: 'rolled-back', workload, limit: restore };
}

type SwapRecord = NonNullable<ApplyResult['swap']>;

/** Undoes the quick downgrade: the image it replaced, and the probe container's readinessProbe as it was. */
async function rollBackSwap(deps: RollbackDeps, incident: Incident, run: RunRecord, actor: string, swap: SwapRecord): Promise<RollbackAnswer> {
  const detect = requireResult('detect', stepOf(run, 'detect').result, `incident ${incident.id}`);
  const owner = incident.owner as WorkloadRef;
  const workload = `${owner.kind} ${incident.namespace}/${owner.name}`;
  const probe = swap.probe ? { container: swap.probe.container, before: swap.probeBefore === null ? null : (JSON.parse(swap.probeBefore) as { [key: string]: unknown } | null) } : null;
  const patch = buildSwapBackPatch({ kind: detect.containerKind, container: swap.container, image: swap.beforeImage, probe });
  const diff = { before: { image: swap.image }, after: { image: swap.beforeImage } };
  const restored = (found: Workload) => findSpecContainer(found.spec.template.spec, detect.containerKind, swap.container)?.image === swap.beforeImage;
  await restoreWith(deps, incident, run, actor, { workload, container: swap.container, diff, patch, restored, what: `image ${swap.beforeImage}` });
  return { outcome: 'rolled-back', workload, limit: stepOf(run, 'apply').result.before?.limit ?? null, image: swap.beforeImage };
}

interface Restore {
  workload: string;
  container: string;
  diff: { before: Record<string, string>; after: Record<string, string> };
  patch: object;
  /** Whether the workload has what the rollback restores. */
  restored(found: Workload): boolean;
  what: string;
}

/**
 * Intent, dry-run, patch, record: a rollback cut short after the server applied it (its intent on
 * the timeline, the old value in place) is recorded without patching again.
 */
async function restoreWith(deps: RollbackDeps, incident: Incident, run: RunRecord, actor: string, restore: Restore): Promise<void> {
  const timeline = deps.incidents.timeline(incident.id);
  const owner = incident.owner as WorkloadRef;
  const { workload, container, diff } = restore;
  const record = (events: Parameters<RunStore['transition']>[1]['events'], change?: Parameters<RunStore['transition']>[1]['run']) => {
    const written = deps.runs.transition(incident.id, { at: deps.clock.now().toISOString(), owner: deps.owner, ...(change ? { run: change } : {}), events });
    if (!written) throw lostClaim(incident.id);
  };
  const intended = timeline.some((event) => event.kind === 'patch.intent' && event.data.rollback === true);
  const cluster = deps.clusters.get(incident.cluster);
  const inPlace = restore.restored(await cluster.getWorkload(incident.namespace, owner));
  if (!(intended && inPlace)) {
    if (!intended) record([deps.reporter.event(incident, run, 'patch.intent', 'apply', { rollback: true, workload, container, ...diff }, actor)]);
    const fieldManager = run.spec.runbook.steps.apply.fieldManager;
    const preview = await cluster.patchWorkload(incident.namespace, owner, restore.patch, { dryRun: true, fieldManager });
    if (!restore.restored(preview)) throw new ClusterError('Invalid', `the server's dry-run of the rollback on ${workload} did not restore ${restore.what}; nothing was changed`);
    await cluster.patchWorkload(incident.namespace, owner, restore.patch, { dryRun: false, fieldManager });
  }
  record(
    [
      deps.reporter.event(incident, run, 'decision', 'apply', { decision: 'rollback' }, actor),
      deps.reporter.event(incident, run, 'patch.rolled-back', 'apply', { workload, container, ...diff, ...(intended && inPlace ? { recovered: true } : {}) }, actor),
    ],
    { status: 'finished', verdict: 'rolled-back' },
  );
}
