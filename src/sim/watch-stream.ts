/**
 * `?watch=true`: newline-delimited JSON events on a chunked 200 response, as the API server's watch
 * cache sends them. From a numeric resourceVersion the stream replays every later change and then
 * follows live ones without a gap; without one (or with "0") it first sends the current objects as
 * ADDED. An object moving into or out of the selectors is ADDED / DELETED, as in the watch cache.
 * BOOKMARKs (if allowed) carry the latest resourceVersion; `timeoutSeconds` ends the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import type { FieldMatcher } from './field-selector.js';
import type { KubeObject } from './k8s-types.js';
import type { LabelMatcher } from './label-selector.js';
import type { ObjectStore, StoreChange } from './object-store.js';
import { apiVersionOf, type ResourceDef } from './resource-registry.js';
import type { ScaledTimers } from './scaled-timers.js';
import { toTable } from './table-printer.js';

export interface WatchRequest {
  def: ResourceDef;
  namespace?: string;
  labels: LabelMatcher;
  fields: FieldMatcher;
  /** Objects in namespaces the caller may not see (denied namespaces on cluster-wide watches). */
  hidden: (obj: KubeObject) => boolean;
  resourceVersion: string | null;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  table: boolean;
}

/** Real API servers send a bookmark about once a minute; more often here keeps idle clients current in tests. */
const BOOKMARK_INTERVAL_MS = 5_000;

/**
 * Serves one watch until the client leaves, the timeout passes, or the returned stop function is
 * called (on simulator shutdown).
 */
export function serveWatch(req: IncomingMessage, res: ServerResponse, store: ObjectStore, timers: ScaledTimers, w: WatchRequest): () => void {
  const rv = w.resourceVersion ?? '';
  if (rv !== '' && !/^\d+$/.test(rv)) throw ApiError.badRequest(`resourceVersion: Invalid value: "${rv}": must be a number`);
  const matches = (obj: KubeObject) =>
    obj.kind === w.def.kind &&
    (w.namespace === undefined || obj.metadata.namespace === w.namespace) &&
    !w.hidden(obj) &&
    w.labels(obj.metadata.labels) &&
    w.fields(obj);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (type: string, object: unknown) => {
    const payload = w.table && type !== 'BOOKMARK' && type !== 'ERROR' ? toTable(w.def.kind, [object as KubeObject], store.resourceVersion(), null) : object;
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>) => {
    if (!w.allowBookmarks) return;
    const metadata: Record<string, unknown> = { resourceVersion: store.resourceVersion() };
    if (annotations) metadata.annotations = annotations;
    send('BOOKMARK', { kind: w.def.kind, apiVersion: apiVersionOf(w.def), metadata });
  };
  const forward = (change: StoreChange) => {
    if (change.kind !== w.def.kind) return;
    const now = matches(change.object);
    const before = change.previous !== undefined && matches(change.previous);
    if (change.type === 'ADDED' && now) send('ADDED', change.object);
    else if (change.type === 'DELETED' && before) send('DELETED', change.object);
    else if (change.type === 'MODIFIED') {
      if (now && before) send('MODIFIED', change.object);
      else if (now) send('ADDED', change.object);
      else if (before) {
        const gone = structuredClone(change.previous as KubeObject);
        gone.metadata.resourceVersion = String(change.resourceVersion);
        send('DELETED', gone);
      }
    }
  };

  let stopped = false;
  const cleanups: Array<() => void> = [];
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const cleanup of cleanups) cleanup();
    res.end();
  };

  if (rv === '' || rv === '0' || w.sendInitialEvents) {
    for (const obj of store.list(w.def.kind, w.namespace).filter(matches)) send('ADDED', obj);
    if (w.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const replay = store.changesSince(Number(rv));
    if (replay === 'expired') {
      send('ERROR', ApiError.gone(`too old resource version: ${rv} (${store.resourceVersion()})`).toStatus());
      stop();
      return stop;
    }
    for (const change of replay) forward(change);
  }
  // Same tick as the replay: nothing can be written in between, so no change is lost or repeated.
  cleanups.push(store.subscribe(forward));
  if (w.allowBookmarks) {
    let cancelBookmark = timers.afterMs(BOOKMARK_INTERVAL_MS, function tick() {
      bookmark();
      cancelBookmark = timers.afterMs(BOOKMARK_INTERVAL_MS, tick);
    });
    cleanups.push(() => cancelBookmark());
  }
  if (w.timeoutSeconds !== undefined) {
    cleanups.push(
      timers.afterMs(w.timeoutSeconds * 1000, () => {
        bookmark();
        stop();
      }),
    );
  }
  req.on('close', stop);
  res.on('close', stop);
  return stop;
}
