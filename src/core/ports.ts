import type { AuditEntry, NewAuditEntry } from './audit.js';
import type { Incident, IncidentStatus, NewIncident, WorkloadRef } from './incident.js';
import type { LimitRange, Node, ObjectMeta, OwnerReference, Pod, PodEvent, ResourceQuota, Workload } from './k8s-types.js';
import type { RunClaim, RunRecord, RunSpec, RunStatus, RunTarget, StepName, StepStatus, Verdict } from './run.js';
import type { ResultData } from './step-results.js';
import type { NewTimelineEvent, TimelineEvent } from './timeline.js';

/**
 * Time, passed in so that core code and its tests agree on "now" and on waiting: deadlines,
 * retries, reminders and expiry all sleep on it, so tests run them on a clock they move.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface OpenResult {
  incident: Incident;
  /** False when an open incident with the same dedupe key already existed and was joined. */
  created: boolean;
}

export interface IncidentFilter {
  status?: IncidentStatus;
  limit?: number;
}

/**
 * Told once an incident was opened or closed and the write is committed (never for a join or a
 * write that rolled back): metrics, and the chart posted in the thread at close. A listener must
 * not throw into the store's caller: the store logs nothing, so it catches and ignores.
 */
export interface IncidentListener {
  opened?(incident: Incident): void;
  closed?(incident: Incident): void;
}

/**
 * Incidents and their timelines. Synchronous on purpose: the store is embedded SQLite, and a
 * synchronous port lets a use case read, decide and write without another writer in between.
 */
export interface IncidentStore {
  /** Opens an incident, or joins the open one with the same dedupe key; records `incident.opened` once. */
  openIncident(input: NewIncident): OpenResult;
  getIncident(id: number): Incident | undefined;
  findOpenIncident(dedupeKey: string): Incident | undefined;
  listIncidents(filter?: IncidentFilter): Incident[];
  setChatRef(id: number, chat: { channel: string; ts: string }): Incident;
  /** The newest incident, open or closed, opened for this very pod. */
  latestIncidentForPod(pod: { cluster: string; namespace: string; pod: string }): Incident | undefined;
  /** The incident whose card is the message `ts` in `channel`. */
  findIncidentByChat(chat: { channel: string; ts: string }): Incident | undefined;
  /** Closes an open incident with a verdict and records `incident.closed`; closing twice is an error. */
  closeIncident(id: number, close: { at: string; verdict: Verdict; actor: string; summary?: string }): Incident;
  append(event: NewTimelineEvent): TimelineEvent;
  /** Appends all or nothing, in one transaction. */
  appendMany(events: readonly NewTimelineEvent[]): TimelineEvent[];
  timeline(incidentId: number): TimelineEvent[];
  close(): void;
}

/** Every command and click, append-only (the database refuses to change or remove a row). */
export interface AuditLog {
  record(entry: NewAuditEntry): AuditEntry;
  /** Rows at or after `since` (ISO), oldest first, from `afterSeq` on when given. */
  list(filter?: { since?: string; afterSeq?: number }): AuditEntry[];
}

/** What a self-heal policy counts: the workload's earlier automatic fixes, from the timeline. */
export interface PolicyHistory {
  /** When a policy approved a fix of the workload with this dedupe key (any incident), at or after `since` (ISO). */
  automaticFixes(workloadKey: string, since: string): string[];
}

/**
 * Whether this process may act on a cluster now: it holds the cluster's Lease (a second process
 * stands by). Asked before a run is taken up and before every write to the cluster.
 */
export interface Leadership {
  leads(cluster: string): boolean;
  /** Who acts on the cluster, for messages: "this process", "oom-check-7f9c:12:ab12cd34", "nobody yet". */
  describe(cluster: string): string;
}

/** The Lease as leader election reads and writes it (coordination.k8s.io/v1 Lease spec). */
export interface LeaseRecord {
  holder: string | null;
  durationSeconds: number;
  acquireTime: string | null;
  renewTime: string | null;
  transitions: number;
  /** The optimistic lock: a replace with a stale one is refused (Conflict). */
  resourceVersion: string;
}

export type LeaseSpec = Omit<LeaseRecord, 'resourceVersion'>;

/** One Lease object in one cluster. Rejects with ClusterError (Conflict when another writer won). */
export interface LeaseClient {
  /** The Lease, or null when it does not exist. */
  get(): Promise<LeaseRecord | null>;
  create(spec: LeaseSpec): Promise<LeaseRecord>;
  replace(spec: LeaseSpec, resourceVersion: string): Promise<LeaseRecord>;
}

export interface ProxyResponse {
  status: number;
  body: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * The Kubernetes API as the checklist needs it. Every method rejects with a ClusterError whose
 * message says what to check (for a 403: the RBAC verb and resource).
 */
export interface Cluster {
  /** The cluster's name (kube context), recorded on incidents. */
  readonly name: string;
  getPod(namespace: string, name: string): Promise<Pod>;
  /** Pods matching the selector in a namespace, or in every namespace when it is null. */
  listPods(namespace: string | null, labelSelector: string): Promise<Pod[]>;
  /** Events whose involvedObject is the pod, newest last, at most `limit`. */
  podEvents(namespace: string, pod: string, limit: number): Promise<PodEvent[]>;
  /** Metadata of a pod's or ReplicaSet's owner, to walk Pod -> ReplicaSet -> Deployment. */
  getOwnerMeta(namespace: string, owner: OwnerReference): Promise<ObjectMeta>;
  getWorkload(namespace: string, ref: WorkloadRef): Promise<Workload>;
  /** A strategic-merge patch of the workload; with dryRun the server validates and returns the result without storing it. */
  patchWorkload(
    namespace: string,
    ref: WorkloadRef,
    patch: object,
    options: { dryRun: boolean; fieldManager: string },
  ): Promise<Workload>;
  /** The cluster's nodes (allocatable memory, images held): what a patched pod must fit on. */
  listNodes(): Promise<Node[]>;
  listResourceQuotas(namespace: string): Promise<ResourceQuota[]>;
  listLimitRanges(namespace: string): Promise<LimitRange[]>;
  /** Events about a node (node-problem-detector's OOMKilling among them), newest last, at most `limit`. */
  nodeEvents(node: string, limit: number): Promise<PodEvent[]>;
  /** Answers when the API server is reachable (for /readyz). */
  ping(): Promise<void>;
  /** Namespaces holding a pod of this name, among `namespaces` (all when empty). */
  findPodNamespaces(pod: string, namespaces: readonly string[]): Promise<string[]>;
  /** Deletes a pod (its controller makes a new one); a pod already gone is not an error. */
  deletePod(namespace: string, name: string): Promise<void>;
  /** GET through the API server's pod proxy; any HTTP status resolves, only transport failures reject. */
  proxyGet(namespace: string, pod: string, port: number | string, path: string, timeoutMs: number): Promise<ProxyResponse>;
  exec(namespace: string, pod: string, container: string, command: string[], timeoutMs: number): Promise<ExecResult>;
  /**
   * Lists the matching pods, then watches them from the list's resourceVersion, calling `isDone`
   * with the current set after the list and after every change, until it returns true ('done'),
   * the timeout passes ('timeout') or the signal aborts ('aborted').
   */
  /**
   * Follows every pod of `namespace` (all namespaces when null) until the signal aborts, as an
   * informer does: list, watch, resume or relist. Never rejects for the cluster's sake: it retries.
   */
  followPods(namespace: string | null, onChange: (change: PodChange) => void, signal: AbortSignal): Promise<void>;
  watchPods(
    namespace: string,
    labelSelector: string,
    isDone: (pods: Pod[]) => boolean,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<'done' | 'timeout' | 'aborted'>;
}

/**
 * Why a watch had to list again, as a small fixed set (the restarts metric's label): the first
 * list; a resourceVersion the server no longer has (410); an ERROR event; a watch that heard
 * nothing for too long; a connection that dropped or would not open; a list that failed.
 */
export const RELIST_CAUSES = ['start', 'expired', 'watch-error', 'idle-timeout', 'dropped', 'list-failed'] as const;
export type RelistCause = (typeof RELIST_CAUSES)[number];

/**
 * What following the pods of a namespace reports: each change, and each (re)list with every pod
 * it found and why it listed (`cause`, and `reason` in words for the log).
 */
export type PodChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; pod: Pod } | { type: 'RELISTED'; cause: RelistCause; reason: string; pods: Pod[] };

export interface StepChange {
  name: StepName;
  /** Compare-and-set: the change applies only if the step is in this status now. */
  expect?: StepStatus;
  status: StepStatus;
  attempts?: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  /** Replaces the step's result. */
  result?: ResultData;
  error?: string | null;
}

export interface RunTransition {
  at: string;
  /** Compare-and-set on the claim: the change applies only while this process holds the run. */
  owner?: string;
  step?: StepChange;
  run?: { status: RunStatus; verdict?: Verdict };
  /** Timeline rows written in the same transaction as the change. */
  events?: readonly NewTimelineEvent[];
  /** The container the checklist found, recorded on the incident with the change. */
  container?: string;
  /** Escalation: keeps this round's propose..health records, sets them pending again, counts the round. */
  nextRound?: boolean;
}

export type ClaimAnswer = { ok: true; run: RunRecord } | { ok: false; holder: RunClaim };

/** Checklist runs and their steps; every change is one transaction with its timeline rows. */
export interface RunStore {
  /** Starts the run of an incident with every step pending; an incident has at most one run. */
  createRun(incidentId: number, spec: RunSpec, at: string): RunRecord;
  getRun(incidentId: number): RunRecord | undefined;
  listUnfinishedRuns(): RunRecord[];
  /** The runs whose approval gate waits (a subset of the unfinished ones, read often: expiry, escalation). */
  listWaitingApprovals(): RunRecord[];
  /** The run not yet finished for this very pod, if any. */
  findUnfinishedRun(target: RunTarget): RunRecord | undefined;
  /** Applies the transition; null (and nothing written) when `step.expect` or `owner` did not hold. */
  transition(incidentId: number, change: RunTransition): RunRecord | null;
  /**
   * Claims the run for `owner` until `until` (ISO), if nobody else holds an unexpired claim at
   * `at` (or the holder is `replacing`, known to be dead); the holder renews by claiming again.
   * One transaction: two processes never both win.
   */
  claim(incidentId: number, claim: RunClaim, at: string, options?: { replacing?: string }): ClaimAnswer;
  /** Gives the run up, if `owner` holds it. */
  release(incidentId: number, owner: string): void;
}

export interface StoredAlert {
  key: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  alertname: string;
  labels: Record<string, string>;
  startsAt: string;
  receivedAt: string;
}

/** Alerts as Alertmanager delivered them: persisted before the webhook is answered, processed after. */
export interface AlertStore {
  /** Inserts the deliveries not seen before, all or nothing; returns how many were new. */
  insert(alerts: ReadonlyArray<Omit<StoredAlert, 'key' | 'receivedAt'> & { endsAt: string; annotations: Record<string, string> }>, receivedAt: string): number;
  /** The oldest deliveries not yet processed. */
  unprocessed(limit: number): StoredAlert[];
  markProcessed(key: string, outcome: { at: string; text: string; incidentId: number | null }): void;
  /** The incident a firing alert with this fingerprint was attached to, most recent first. */
  incidentOfFingerprint(fingerprint: string): number | null;
  /** Fingerprints of the incident's alerts still firing (no resolution processed for them). */
  firingFingerprints(incidentId: number): string[];
}

/** A storm: incidents opening faster than the threshold, listed on one card instead of a card each. */
export interface Storm {
  id: number;
  channel: string;
  /** The storm card, once posted. */
  ts: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** Storms and the incidents each lists (storm mode); at most one storm runs at a time. */
export interface StormStore {
  running(): Storm | undefined;
  get(id: number): Storm | undefined;
  /** Starts a storm in `channel`; fails if one is running. */
  start(channel: string, at: string): Storm;
  setCard(id: number, ts: string): void;
  end(id: number, at: string): void;
  /** Lists the incident on the storm (once: an incident belongs to at most one storm). */
  join(stormId: number, incidentId: number, at: string): void;
  stormOf(incidentId: number): Storm | undefined;
  /** The storm's incidents, oldest first. */
  members(stormId: number): number[];
  /** Incidents opened at or after `at` (ISO), oldest first: the rate that starts and ends storms. */
  openedSince(at: string): number[];
}
