/**
 * A Pod as a controller creates it from a pod template, with the defaults the API server fills in
 * (restartPolicy, grace period, requests defaulted from limits, ...) and what admission adds (the
 * service account and its token volume), so that `kubectl get pod -o yaml` looks like one from a
 * real cluster.
 */
import { randomInt } from 'node:crypto';
import type { Container, KubeObject, OwnerReference, Pod, PodSpec, PodTemplate } from './k8s-types.js';
import { qosClass } from './pod-status.js';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix of generated names (`checkout-7d9f8b6c4-x2x4q`). */
export function randomSuffix(length = 5): string {
  return Array.from({ length }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');
}

function defaultContainer(c: Container): Container {
  const out: Container = structuredClone(c);
  const image = String(c.image ?? '');
  const tag = /:[^/:]+$/.test(image) ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
  out.imagePullPolicy ??= tag === 'latest' ? 'Always' : 'IfNotPresent';
  out.terminationMessagePath ??= '/dev/termination-log';
  out.terminationMessagePolicy ??= 'File';
  out.resources ??= {};
  for (const port of out.ports ?? []) port.protocol ??= 'TCP';
  return out;
}

/** Volume-source defaults (SetDefaults_ConfigMapVolumeSource and friends): file mode 0644, hostPath type "". */
function defaultVolume(volume: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(volume);
  for (const source of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const s = out[source] as Record<string, unknown> | undefined;
    if (s && typeof s === 'object') s.defaultMode ??= 420;
  }
  const hostPath = out.hostPath as Record<string, unknown> | undefined;
  if (hostPath && typeof hostPath === 'object') hostPath.type ??= '';
  return out;
}

/**
 * SetDefaults_PodSpec: applied to pod templates on every write, as the API server does, so a
 * patched template keeps the same shape (and the same pod-template-hash for the same content).
 */
export function defaultPodSpec(spec: PodSpec): PodSpec {
  const out = structuredClone(spec);
  out.restartPolicy ??= 'Always';
  out.terminationGracePeriodSeconds ??= 30;
  out.dnsPolicy ??= 'ClusterFirst';
  out.schedulerName ??= 'default-scheduler';
  out.securityContext ??= {};
  if (Array.isArray(out.initContainers)) out.initContainers = out.initContainers.map(defaultContainer);
  if (Array.isArray(out.containers)) out.containers = out.containers.map(defaultContainer);
  if (Array.isArray(out.volumes)) out.volumes = (out.volumes as Array<Record<string, unknown>>).map(defaultVolume);
  return out;
}

/** SetDefaults_Pod: requests default to limits (pods only; templates keep what was written). */
function defaultRequests(c: Container): Container {
  const resources = (c.resources ??= {});
  for (const [name, value] of Object.entries(resources.limits ?? {})) {
    resources.requests ??= {};
    resources.requests[name] ??= value;
  }
  return c;
}

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * What the ServiceAccount admission plugin adds to every new pod (plugin/pkg/admission/
 * serviceaccount): the `default` service account, shown twice (`serviceAccount` is the deprecated
 * alias the v1 conversion fills in), and, unless automounting is off, the projected
 * `kube-api-access-<5 chars>` volume (token, cluster CA, namespace) mounted read-only into every
 * container and init container.
 */
function admitServiceAccount(spec: PodSpec): void {
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.automountServiceAccountToken === false) return;
  const name = `kube-api-access-${randomSuffix()}`;
  const volumes = (spec.volumes ??= []) as Array<Record<string, unknown>>;
  volumes.push({
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  });
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const mounts = (c.volumeMounts ??= []) as Array<{ mountPath?: string }>;
    if (!mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) mounts.push({ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH } as { mountPath: string });
  }
}

export interface PodOrigin {
  name: string;
  namespace: string;
  owner?: KubeObject;
  extraLabels?: Record<string, string>;
  nodeName?: string;
  hostname?: string;
  /** `checkout-7d9f8b6c4-` for pods named by the API server's generateName. */
  generateName?: string;
}

export function podFromTemplate(template: PodTemplate, origin: PodOrigin): Pod {
  const spec = defaultPodSpec(template.spec);
  if (spec.initContainers) spec.initContainers = spec.initContainers.map(defaultRequests);
  spec.containers = spec.containers.map(defaultRequests);
  admitServiceAccount(spec);
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  ];
  if (origin.nodeName) spec.nodeName = origin.nodeName;
  if (origin.hostname) spec.hostname = origin.hostname;
  const labels = { ...(template.metadata?.labels ?? {}), ...(origin.extraLabels ?? {}) };
  const metadata: Pod['metadata'] = { name: origin.name, namespace: origin.namespace, labels };
  if (origin.generateName) metadata.generateName = origin.generateName;
  const annotations = template.metadata?.annotations;
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = { ...annotations };
  if (origin.owner) {
    const ref: OwnerReference = {
      apiVersion: origin.owner.apiVersion ?? 'apps/v1',
      kind: origin.owner.kind ?? 'ReplicaSet',
      name: origin.owner.metadata.name,
      uid: origin.owner.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    };
    metadata.ownerReferences = [ref];
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: { phase: 'Pending', qosClass: qosClass(spec) } };
}
