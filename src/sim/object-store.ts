/**
 * The simulator's etcd: every object by kind/namespace/name, one global resourceVersion counter,
 * and an ordered change history. Watches replay that history from a client's resourceVersion and
 * then follow live changes in the same tick, which is what makes "a watch started at a list's
 * resourceVersion sees every later change exactly once" hold.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { KubeObject } from './k8s-types.js';
import { apiVersionOf, resourceForKind } from './resource-registry.js';
import { rfc3339 } from './timestamps.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreChange {
  type: ChangeType;
  kind: string;
  /** The object after the change (for DELETED: as it was, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change, for MODIFIED and DELETED. */
  previous?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (change: StoreChange) => void;

/** Kinds whose metadata.generation counts spec changes (pods gained it only in 1.33). */
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** Enough history for any test or demo; older watch resourceVersions get 410 Gone, as from etcd compaction. */
const HISTORY_LIMIT = 50_000;
/** The oldest changes go a thousand at a time: dropping one per write would move the whole history on every write. */
const HISTORY_TRIM = 1000;

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function comparable(obj: KubeObject): string {
  const meta = { ...obj.metadata };
  delete meta.resourceVersion;
  delete meta.managedFields;
  return JSON.stringify({ ...obj, metadata: meta });
}

export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: StoreChange[] = [];
  private readonly listeners = new Set<StoreListener>();
  private revision = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The latest resourceVersion, as the string clients see. */
  resourceVersion(): string {
    return String(this.revision);
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const found = this.objects.get(key(kind, namespace, name));
    return found ? (structuredClone(found) as T) : undefined;
  }

  /** Objects of a kind, in one namespace or all, ordered by namespace then name like the API server. */
  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    const prefix = namespace === undefined ? `${kind}/` : key(kind, namespace, '');
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, v]) => structuredClone(v) as T);
  }

  /** Stores a new object, filling uid, creationTimestamp, resourceVersion and generation. */
  create<T extends KubeObject>(kind: string, input: T): T {
    const def = resourceForKind(kind);
    const meta = input.metadata;
    const k = key(kind, meta.namespace, meta.name);
    if (this.objects.has(k)) throw ApiError.alreadyExists(def, meta.name);
    const obj = structuredClone(input);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = kind;
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = rfc3339(this.now());
    if (GENERATION_KINDS.has(kind)) obj.metadata.generation = 1;
    return this.commit('ADDED', kind, k, obj, undefined) as T;
  }

  /**
   * Replaces an object. With `expectedResourceVersion` (a client's optimistic lock) a mismatch is a
   * 409 Conflict. A write that changes nothing is not stored and keeps the old resourceVersion, as
   * the API server does, so controllers re-writing the same status cause no watch traffic.
   */
  update<T extends KubeObject>(kind: string, input: T, expectedResourceVersion?: string): T {
    const def = resourceForKind(kind);
    const meta = input.metadata;
    const k = key(kind, meta.namespace, meta.name);
    const current = this.objects.get(k);
    if (!current) throw ApiError.notFound(def, meta.name);
    if (expectedResourceVersion !== undefined && expectedResourceVersion !== current.metadata.resourceVersion) {
      throw ApiError.conflict(def, meta.name);
    }
    const obj = structuredClone(input);
    obj.apiVersion = current.apiVersion;
    obj.kind = kind;
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    if (GENERATION_KINDS.has(kind)) {
      const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(current.spec);
      obj.metadata.generation = (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (comparable(obj) === comparable(current)) return structuredClone(current) as T;
    return this.commit('MODIFIED', kind, k, obj, current) as T;
  }

  /** Reads, changes and writes back one object; `change` returns false to skip the write. */
  mutate<T extends KubeObject>(kind: string, namespace: string | undefined, name: string, change: (obj: T) => void | false): T | undefined {
    const obj = this.get<T>(kind, namespace, name);
    if (!obj) return undefined;
    if (change(obj) === false) return obj;
    return this.update(kind, obj);
  }

  remove(kind: string, namespace: string | undefined, name: string): KubeObject {
    const k = key(kind, namespace, name);
    const current = this.objects.get(k);
    if (!current) throw ApiError.notFound(resourceForKind(kind), name);
    this.objects.delete(k);
    return this.commit('DELETED', kind, k, structuredClone(current), current, false);
  }

  /** Changes after `resourceVersion`, oldest first; 'expired' if history no longer reaches back that far. */
  changesSince(resourceVersion: number): StoreChange[] | 'expired' {
    const oldest = this.history[0];
    if (oldest && resourceVersion < oldest.resourceVersion - 1) return 'expired';
    const start = this.history.findIndex((c) => c.resourceVersion > resourceVersion);
    return start === -1 ? [] : this.history.slice(start);
  }

  /** Calls `listener` synchronously after every change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(type: ChangeType, kind: string, k: string, obj: KubeObject, previous: KubeObject | undefined, store = true): KubeObject {
    this.revision += 1;
    obj.metadata.resourceVersion = String(this.revision);
    if (store) this.objects.set(k, obj);
    const change: StoreChange = { type, kind, object: structuredClone(obj), resourceVersion: this.revision };
    if (previous) change.previous = structuredClone(previous);
    this.history.push(change);
    if (this.history.length > HISTORY_LIMIT + HISTORY_TRIM) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const listener of [...this.listeners]) listener(change);
    return structuredClone(obj);
  }
}
