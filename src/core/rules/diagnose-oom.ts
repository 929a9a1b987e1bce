import type { ContainerState, ContainerStatus, Pod } from '../k8s-types.js';
import { bytesOrNull } from './bytes-or-null.js';
import type { ContainerKind } from './containers-field.js';
import { explainNotOom } from './explain-not-oom.js';
import { findSpecContainer } from './find-spec-container.js';

export interface KilledContainer {
  name: string;
  kind: ContainerKind;
  source: 'state' | 'lastState';
  exitCode: number;
  reason: string | null;
  /** `finishedAt` of the termination. */
  killedAt: string | null;
  restartCount: number;
  image: string | null;
  /** Memory limit and request of the matching spec container, as written and in bytes. */
  limit: string | null;
  request: string | null;
  limitBytes: number | null;
  requestBytes: number | null;
}

/** `summary` is the one line a front end shows for a kill, as `reason` is for `not-oom`. */
export type Diagnosis =
  | { verdict: 'oom-killed'; container: KilledContainer; others: KilledContainer[]; summary: string }
  | { verdict: 'killed'; container: KilledContainer; others: KilledContainer[]; summary: string }
  | { verdict: 'not-oom'; reason: string };

type Terminated = NonNullable<ContainerState['terminated']>;

/** 128 + SIGKILL (9): the process was killed, it did not exit by itself. */
const SIGKILL_EXIT = 137;

const isOom = (t: Terminated | undefined): t is Terminated => t?.reason === 'OOMKilled';
const isSigkill = (t: Terminated | undefined): t is Terminated => t?.exitCode === SIGKILL_EXIT;

interface Candidate {
  rank: number;
  oom: boolean;
  container: KilledContainer;
}

/**
 * One termination per container: OOMKilled in either state beats a bare 137, and the current
 * state beats lastState because it is the newer fact.
 */
function pickTermination(status: ContainerStatus): { source: 'state' | 'lastState'; terminated: Terminated; oom: boolean } | null {
  const current = status.state?.terminated;
  const last = status.lastState?.terminated;
  if (isOom(current)) return { source: 'state', terminated: current, oom: true };
  if (isOom(last)) return { source: 'lastState', terminated: last, oom: true };
  if (isSigkill(current)) return { source: 'state', terminated: current, oom: false };
  if (isSigkill(last)) return { source: 'lastState', terminated: last, oom: false };
  return null;
}

function candidate(pod: Pod, kind: ContainerKind, status: ContainerStatus): Candidate | null {
  const picked = pickTermination(status);
  if (!picked) return null;
  const spec = findSpecContainer(pod.spec, kind, status.name);
  const limit = spec?.resources?.limits?.memory ?? null;
  const request = spec?.resources?.requests?.memory ?? null;
  return {
    // init OOMKilled (0) > app OOMKilled (1) > init 137 (2) > app 137 (3)
    rank: (picked.oom ? 0 : 2) + (kind === 'init' ? 0 : 1),
    oom: picked.oom,
    container: {
      name: status.name,
      kind,
      source: picked.source,
      exitCode: picked.terminated.exitCode,
      reason: picked.terminated.reason ?? null,
      killedAt: picked.terminated.finishedAt ?? null,
      restartCount: status.restartCount,
      // the spec's image is what a patch would change; the status may show the resolved name
      image: spec?.image ?? status.image ?? null,
      limit,
      request,
      limitBytes: bytesOrNull(limit),
      requestBytes: bytesOrNull(request),
    },
  };
}

function restarts(count: number): string {
  return `${count} restart${count === 1 ? '' : 's'}`;
}

function summarize(c: KilledContainer, oom: boolean): string {
  const who = `${c.kind} container \`${c.name}\``;
  if (oom) {
    const against = c.limit
      ? `at its ${c.limit} memory limit`
      : 'with no memory limit set, so node memory pressure, not a container limit';
    return `${who} was OOMKilled (exit ${c.exitCode}) ${against}; ${restarts(c.restartCount)}`;
  }
  const reason = c.reason ? `, reason ${c.reason}` : '';
  return `${who} was killed by SIGKILL (exit ${c.exitCode}${reason}) but not OOMKilled: another cause such as a failed liveness probe, preemption or a manual kill, not its memory limit; ${restarts(c.restartCount)}`;
}

/** What killed this pod, if anything: the detect step's verdict. */
export function diagnoseOom(pod: Pod): Diagnosis {
  const statuses: Array<[ContainerKind, ContainerStatus]> = [
    ...(pod.status?.initContainerStatuses ?? []).map((s): [ContainerKind, ContainerStatus] => ['init', s]),
    ...(pod.status?.containerStatuses ?? []).map((s): [ContainerKind, ContainerStatus] => ['app', s]),
  ];
  // Array.prototype.sort is stable: within a rank, containers keep the order the kubelet reports
  const found = statuses
    .map(([kind, status]) => candidate(pod, kind, status))
    .filter((c): c is Candidate => c !== null)
    .sort((a, b) => a.rank - b.rank);
  const [first, ...rest] = found;
  if (!first) return { verdict: 'not-oom', reason: explainNotOom(pod) };
  return {
    verdict: first.oom ? 'oom-killed' : 'killed',
    container: first.container,
    others: rest.map((c) => c.container),
    summary: summarize(first.container, first.oom),
  };
}
