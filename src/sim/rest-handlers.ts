/**
 * The generic REST verbs over the object store — get, list, watch, create, update, patch, delete —
 * with the API server's rules that clients depend on: RBAC-style 403s for denied namespaces,
 * optimistic concurrency (a stale metadata.resourceVersion is 409), `dryRun=All` (validated, returned,
 * not stored), `fieldManager` recorded in managedFields, status untouchable through the main
 * resource, and defaults + validation (422) on every write.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { applyPatch, mediaType, parseJsonBody } from './apply-patch.js';
import { decodeBody, decodePatched } from './decode-object.js';
import { parseFieldSelector } from './field-selector.js';
import type { KubeObject, Workload } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import { parseLabelSelector } from './label-selector.js';
import type { ObjectStore } from './object-store.js';
import type { ApiPath } from './parse-api-path.js';
import { defaultPodSpec, randomSuffix } from './pod-from-template.js';
import { apiVersionOf, type ResourceDef, type Verb } from './resource-registry.js';
import type { ScaledTimers } from './scaled-timers.js';
import { toTable, wantsTable } from './table-printer.js';
import { rfc3339 } from './timestamps.js';
import { validateObject } from './validate-object.js';
import { serveWatch } from './watch-stream.js';

export interface ApiContext {
  store: ObjectStore;
  timers: ScaledTimers;
  kubelet: Pick<Kubelet, 'terminate'>;
  user: string;
  deniedNamespaces: ReadonlySet<string>;
  onPatched: (kind: string, namespace: string | undefined, name: string) => void;
  trackWatch: (stop: () => void) => void;
}

export interface ApiCall {
  method: string;
  path: ApiPath;
  query: URLSearchParams;
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The 403 a denied namespace gets, for any verb on any resource (subresources included). */
export function authorize(ctx: Pick<ApiContext, 'user' | 'deniedNamespaces'>, verb: string, def: { resource: string; group: string }, namespace?: string, name?: string): void {
  if (namespace !== undefined && ctx.deniedNamespaces.has(namespace)) {
    throw ApiError.forbidden(ctx.user, verb, def, namespace, name);
  }
}

const VERBS: Record<string, Verb> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

function dryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  const bad = values.find((v) => v !== 'All');
  if (bad !== undefined) throw ApiError.badRequest(`Invalid dryRun value: "${bad}": supported values: "All"`);
  return values.length > 0;
}

/** Object as stored, shaped for a list (the API server leaves kind/apiVersion off list items). */
function listItem(obj: KubeObject): KubeObject {
  const item = { ...obj };
  delete item.kind;
  delete item.apiVersion;
  return item;
}

export class RestHandlers {
  constructor(private readonly ctx: ApiContext) {}

  handle(call: ApiCall): void {
    const { path, method, query } = call;
    const def = path.def;
    let verb: Verb | undefined = VERBS[method];
    if (method === 'GET') verb = path.name ? 'get' : ['true', '1'].includes(query.get('watch') ?? '') ? 'watch' : 'list';
    if (!verb || !def.verbs.includes(verb) || (verb !== 'create' && verb !== 'list' && verb !== 'watch' && !path.name)) {
      throw ApiError.methodNotAllowed();
    }
    if (verb === 'create' && (path.name !== undefined || (def.namespaced && path.namespace === undefined))) throw ApiError.methodNotAllowed();
    authorize(this.ctx, verb, def, path.namespace, path.name);
    switch (verb) {
      case 'get':
        return this.get(call, def, path.name as string);
      case 'list':
        return this.list(call, def);
      case 'watch':
        return this.watch(call, def);
      case 'create':
        return this.create(call, def);
      case 'update':
        return this.update(call, def, path.name as string);
      case 'patch':
        return this.patch(call, def, path.name as string);
      case 'delete':
        return this.delete(call, def, path.name as string);
    }
  }

  private find(def: ResourceDef, namespace: string | undefined, name: string): KubeObject {
    const obj = this.ctx.store.get(def.kind, namespace, name);
    if (!obj) throw ApiError.notFound(def, name);
    return obj;
  }

  private get(call: ApiCall, def: ResourceDef, name: string): void {
    const obj = this.find(def, call.path.namespace, name);
    if (wantsTable(call.req.headers.accept)) {
      sendJson(call.res, 200, toTable(def.kind, [obj], this.ctx.store.resourceVersion(), call.query.get('includeObject')));
    } else {
      sendJson(call.res, 200, obj);
    }
  }

  private visible(obj: KubeObject): boolean {
    return !this.ctx.deniedNamespaces.has(obj.metadata.namespace ?? '');
  }

  private list(call: ApiCall, def: ResourceDef): void {
    const labels = parseLabelSelector(call.query.get('labelSelector'));
    const fields = parseFieldSelector(def.kind, call.query.get('fieldSelector'));
    const items = this.ctx.store
      .list(def.kind, call.path.namespace)
      .filter((o) => this.visible(o) && labels(o.metadata.labels) && fields(o));
    const resourceVersion = this.ctx.store.resourceVersion();
    if (wantsTable(call.req.headers.accept)) {
      sendJson(call.res, 200, toTable(def.kind, items, resourceVersion, call.query.get('includeObject')));
      return;
    }
    sendJson(call.res, 200, { kind: def.listKind, apiVersion: apiVersionOf(def), metadata: { resourceVersion }, items: items.map(listItem) });
  }

  private watch(call: ApiCall, def: ResourceDef): void {
    const timeout = call.query.get('timeoutSeconds');
    const stop = serveWatch(call.req, call.res, this.ctx.store, this.ctx.timers, {
      def,
      namespace: call.path.namespace,
      labels: parseLabelSelector(call.query.get('labelSelector')),
      fields: parseFieldSelector(def.kind, call.query.get('fieldSelector')),
      hidden: (obj) => !this.visible(obj),
      resourceVersion: call.query.get('resourceVersion'),
      allowBookmarks: call.query.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: call.query.get('sendInitialEvents') === 'true',
      timeoutSeconds: timeout !== null && /^\d+$/.test(timeout) ? Number(timeout) : undefined,
      table: wantsTable(call.req.headers.accept),
    });
    this.ctx.trackWatch(stop);
  }

  private readBody(call: ApiCall, def: ResourceDef): KubeObject {
    const type = mediaType(call.req.headers['content-type']);
    if (type !== 'application/json' && type !== '') throw ApiError.unsupportedMediaType(type, ['application/json']);
    const body = parseJsonBody(call.body);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ApiError.badRequest(`a ${def.kind} must be a JSON object`);
    const obj = decodeBody(def, body);
    if (obj.metadata === null || typeof obj.metadata !== 'object') obj.metadata = { name: '' };
    const ns = call.path.namespace;
    if (def.namespaced && obj.metadata.namespace !== undefined && obj.metadata.namespace !== ns) {
      throw ApiError.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (def.namespaced) obj.metadata.namespace = ns;
    if (!obj.metadata.name && typeof obj.metadata.generateName === 'string' && obj.metadata.generateName !== '') {
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
    }
    return obj;
  }

  /** Server-owned fields and defaults, the same for create, update and patch. */
  private prepare(call: ApiCall, def: ResourceDef, obj: KubeObject, current: KubeObject | undefined): KubeObject {
    if (current) {
      if (obj.metadata.name !== current.metadata.name) {
        throw ApiError.badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${current.metadata.name})`);
      }
      if ('status' in current) obj.status = current.status;
      else delete obj.status;
    }
    if (def.group === 'apps') {
      const workload = obj as Workload;
      if (workload.spec?.template?.spec) workload.spec.template.spec = defaultPodSpec(workload.spec.template.spec);
    }
    validateObject(def, obj, current);
    const manager = call.query.get('fieldManager');
    if (manager !== null) {
      if (manager.length > 128) throw ApiError.invalid(def.kind, def.group, obj.metadata.name, [{ reason: 'FieldValueInvalid', field: 'fieldManager', message: 'Invalid value: must be at most 128 characters' }]);
      const entries = ((current?.metadata.managedFields ?? []) as Array<{ manager?: string }>).filter((e) => e.manager !== manager);
      entries.push({ manager, operation: 'Update', apiVersion: apiVersionOf(def), time: rfc3339(Date.now()), fieldsType: 'FieldsV1', fieldsV1: {} } as { manager: string });
      obj.metadata.managedFields = entries;
    }
    return obj;
  }

  private create(call: ApiCall, def: ResourceDef): void {
    const ns = call.path.namespace;
    if (ns !== undefined && !this.ctx.store.get('Namespace', undefined, ns)) throw ApiError.notFound({ resource: 'namespaces', group: '' }, ns);
    const obj = this.prepare(call, def, this.readBody(call, def), undefined);
    if (this.ctx.store.get(def.kind, ns, obj.metadata.name)) throw ApiError.alreadyExists(def, obj.metadata.name);
    delete obj.metadata.resourceVersion;
    if (dryRun(call.query)) {
      sendJson(call.res, 201, { ...obj, kind: def.kind, apiVersion: apiVersionOf(def), metadata: { ...obj.metadata, uid: randomUUID(), creationTimestamp: rfc3339(Date.now()) } });
      return;
    }
    sendJson(call.res, 201, this.ctx.store.create(def.kind, obj));
  }

  private update(call: ApiCall, def: ResourceDef, name: string): void {
    const current = this.find(def, call.path.namespace, name);
    const obj = this.prepare(call, def, this.readBody(call, def), current);
    const expected = obj.metadata.resourceVersion;
    if (expected !== undefined && expected !== '' && expected !== current.metadata.resourceVersion) throw ApiError.conflict(def, name);
    this.write(call, def, obj, current);
  }

  private patch(call: ApiCall, def: ResourceDef, name: string): void {
    const current = this.find(def, call.path.namespace, name);
    const patched = decodePatched(def, applyPatch(call.req.headers['content-type'], current, call.body));
    if (patched.metadata.resourceVersion !== current.metadata.resourceVersion) throw ApiError.conflict(def, name);
    if (patched.metadata.namespace !== current.metadata.namespace) throw ApiError.badRequest('the namespace of the object does not match the namespace on the request');
    this.write(call, def, this.prepare(call, def, patched, current), current);
    if (!dryRun(call.query)) this.ctx.onPatched(def.kind, call.path.namespace, name);
  }

  private write(call: ApiCall, def: ResourceDef, obj: KubeObject, current: KubeObject): void {
    if (dryRun(call.query)) {
      const preview = structuredClone(obj);
      Object.assign(preview.metadata, { uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: current.metadata.resourceVersion });
      if (current.metadata.generation !== undefined) {
        const changed = JSON.stringify(preview.spec) !== JSON.stringify(current.spec);
        preview.metadata.generation = current.metadata.generation + (changed ? 1 : 0);
      }
      sendJson(call.res, 200, preview);
      return;
    }
    sendJson(call.res, 200, this.ctx.store.update(def.kind, obj));
  }

  private delete(call: ApiCall, def: ResourceDef, name: string): void {
    const ns = call.path.namespace;
    const current = this.find(def, ns, name);
    const options = call.body.trim() ? (parseJsonBody(call.body) as { gracePeriodSeconds?: number } | null) : null;
    const grace = call.query.get('gracePeriodSeconds') ?? options?.gracePeriodSeconds;
    if (dryRun(call.query)) {
      sendJson(call.res, 200, current);
      return;
    }
    if (def.kind === 'Pod') {
      sendJson(call.res, 200, this.ctx.kubelet.terminate(ns ?? '', name, grace === undefined || grace === null ? 30 : Number(grace)));
      return;
    }
    const removed = this.ctx.store.remove(def.kind, ns, name);
    sendJson(call.res, 200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name, group: def.group || undefined, kind: def.resource, uid: removed.metadata.uid },
    });
  }
}
