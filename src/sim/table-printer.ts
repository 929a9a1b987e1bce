/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which is how
 * `kubectl get` without `-o` asks for rows: the server, not kubectl, decides that a pod's STATUS is
 * `Init:CrashLoopBackOff`. Columns follow the API server's printers for the kinds served here.
 */
import type { KubeEvent, KubeObject, Pod, Workload } from './k8s-types.js';
import { podDisplayStatus } from './pod-display-status.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number;
type Printer = { columns: Array<[string, string, number]>; row: (obj: KubeObject, age: (t?: string) => string) => Cell[] };

/** k8s.io/apimachinery duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const num = (w: KubeObject, key: string) => Number((w.status as Record<string, unknown> | undefined)?.[key] ?? 0);
const containers = (w: Workload) => w.spec.template.spec.containers;
const selector = (w: Workload) => Object.entries(w.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
    row: (obj, age) => {
      const pod = obj as Pod;
      const d = podDisplayStatus(pod);
      const restarts = d.lastRestart ? `${d.restarts} (${age(d.lastRestart)} ago)` : String(d.restarts);
      return [pod.metadata.name, d.ready, d.status, restarts, age(pod.metadata.creationTimestamp), pod.status.podIP ?? '<none>', pod.spec.nodeName ?? '<none>', '<none>', '<none>'];
    },
  },
  Event: {
    columns: [['Last Seen', 'string', 0], ['Type', 'string', 0], ['Reason', 'string', 0], ['Object', 'string', 0], ['Subobject', 'string', 1], ['Source', 'string', 1], ['Message', 'string', 0], ['First Seen', 'string', 1], ['Count', 'string', 1], ['Name', 'string', 1]],
    // printEvent: events.k8s.io events have no first/lastTimestamp (eventTime instead) and no count.
    row: (obj, age) => {
      const ev = obj as KubeEvent;
      const io = ev.involvedObject;
      const component = ev.source.component || ev.reportingComponent || '';
      const instance = ev.source.host || ev.reportingInstance || '';
      const source = instance ? `${component}, ${instance}` : component;
      const first = age(ev.firstTimestamp ?? ev.eventTime ?? undefined);
      const last = ev.lastTimestamp ? age(ev.lastTimestamp) : first;
      return [last, ev.type, ev.reason, `${io.kind.toLowerCase()}/${io.name}`, io.fieldPath ?? '', source, ev.message.trim(), first, String(ev.count || 1), ev.metadata.name];
    },
  },
  Deployment: {
    columns: [['Name', 'string', 0], ['Ready', 'string', 0], ['Up-to-date', 'integer', 0], ['Available', 'integer', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (obj, age) => {
      const w = obj as Workload;
      return [w.metadata.name, `${num(w, 'readyReplicas')}/${w.spec.replicas ?? 1}`, num(w, 'updatedReplicas'), num(w, 'availableReplicas'), age(w.metadata.creationTimestamp), containers(w).map((c) => c.name).join(','), containers(w).map((c) => c.image).join(','), selector(w)];
    },
  },
  ReplicaSet: {
    columns: [['Name', 'string', 0], ['Desired', 'integer', 0], ['Current', 'integer', 0], ['Ready', 'integer', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (obj, age) => {
      const w = obj as Workload;
      return [w.metadata.name, w.spec.replicas ?? 1, num(w, 'replicas'), num(w, 'readyReplicas'), age(w.metadata.creationTimestamp), containers(w).map((c) => c.name).join(','), containers(w).map((c) => c.image).join(','), selector(w)];
    },
  },
  StatefulSet: {
    columns: [['Name', 'string', 0], ['Ready', 'string', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1]],
    row: (obj, age) => {
      const w = obj as Workload;
      return [w.metadata.name, `${num(w, 'readyReplicas')}/${w.spec.replicas ?? 1}`, age(w.metadata.creationTimestamp), containers(w).map((c) => c.name).join(','), containers(w).map((c) => c.image).join(',')];
    },
  },
  DaemonSet: {
    columns: [['Name', 'string', 0], ['Desired', 'integer', 0], ['Current', 'integer', 0], ['Ready', 'integer', 0], ['Up-to-date', 'integer', 0], ['Available', 'integer', 0], ['Node Selector', 'string', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    row: (obj, age) => {
      const w = obj as Workload;
      return [w.metadata.name, num(w, 'desiredNumberScheduled'), num(w, 'currentNumberScheduled'), num(w, 'numberReady'), num(w, 'updatedNumberScheduled'), num(w, 'numberAvailable'), '<none>', age(w.metadata.creationTimestamp), containers(w).map((c) => c.name).join(','), containers(w).map((c) => c.image).join(','), selector(w)];
    },
  },
  Namespace: {
    columns: [['Name', 'string', 0], ['Status', 'string', 0], ['Age', 'string', 0]],
    row: (obj, age) => [obj.metadata.name, String((obj.status as { phase?: string } | undefined)?.phase ?? 'Active'), age(obj.metadata.creationTimestamp)],
  },
  Node: {
    // printNode: STATUS from the Ready condition, ROLES from node-role.kubernetes.io/* labels.
    columns: [['Name', 'string', 0], ['Status', 'string', 0], ['Roles', 'string', 0], ['Age', 'string', 0], ['Version', 'string', 0], ['Internal-IP', 'string', 1], ['External-IP', 'string', 1], ['OS-Image', 'string', 1], ['Kernel-Version', 'string', 1], ['Container-Runtime', 'string', 1]],
    row: (obj, age) => {
      const status = (obj.status ?? {}) as { conditions?: Array<{ type: string; status: string }>; addresses?: Array<{ type: string; address: string }>; nodeInfo?: Record<string, string> };
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      const roles = Object.keys(obj.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort();
      const address = (type: string) => status.addresses?.find((a) => a.type === type)?.address ?? '<none>';
      const info = status.nodeInfo ?? {};
      return [obj.metadata.name, ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown', roles.join(',') || '<none>', age(obj.metadata.creationTimestamp), info.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'), info.osImage ?? '<unknown>', info.kernelVersion ?? '<unknown>', info.containerRuntimeVersion ?? '<unknown>'];
    },
  },
  ResourceQuota: {
    // printResourceQuota: `resource: used/hard` for each hard resource, limits.* in the LIMIT column.
    columns: [['Name', 'string', 0], ['Age', 'string', 0], ['Request', 'string', 0], ['Limit', 'string', 0]],
    row: (obj, age) => {
      const status = (obj.status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
      const hard = status.hard ?? {};
      const request: string[] = [];
      const limit: string[] = [];
      for (const resource of Object.keys(hard).sort()) {
        (resource.startsWith('limits.') ? limit : request).push(`${resource}: ${status.used?.[resource] ?? '0'}/${hard[resource]}`);
      }
      return [obj.metadata.name, age(obj.metadata.creationTimestamp), request.join(', '), limit.join(', ')];
    },
  },
  LimitRange: {
    columns: [['Name', 'string', 0], ['Created At', 'date', 0]],
    row: (obj) => [obj.metadata.name, obj.metadata.creationTimestamp ?? ''],
  },
  Lease: {
    columns: [['Name', 'string', 0], ['Holder', 'string', 0], ['Age', 'string', 0]],
    row: (obj, age) => [obj.metadata.name, String((obj.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? ''), age(obj.metadata.creationTimestamp)],
  },
};

/** Whether an Accept header asks for server-side printing. */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

/** A meta.k8s.io/v1 Table of `objects`; `includeObject` follows the `?includeObject=` parameter. */
export function toTable(kind: string, objects: KubeObject[], resourceVersion: string, includeObject: string | null, nowMs = Date.now()): Record<string, unknown> {
  const printer = PRINTERS[kind] ?? { columns: [['Name', 'string', 0]], row: (o: KubeObject) => [o.metadata.name] };
  const age = (t?: string) => (t ? humanDuration(nowMs - Date.parse(t)) : '<unknown>');
  const columnDefinitions: Column[] = printer.columns.map(([name, type, priority]) => ({
    name,
    type,
    format: name === 'Name' ? 'name' : '',
    description: name,
    priority,
  }));
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = { cells: printer.row(obj, age) };
    if (includeObject === 'Object') row.object = obj;
    else if (includeObject !== 'None') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}
