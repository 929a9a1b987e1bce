/**
 * Turns a scenario into the cluster's starting objects: Nodes, Namespaces (plus `default` and
 * `kube-system`, which every cluster has), ResourceQuotas and LimitRanges, the workloads with their
 * pod templates, and bare Pods (through admission, like any pod; `copies` of one directly); and fills the behaviour book with
 * what each container's program, and each listed image's, does.
 */
import { ApiError } from './api-error.js';
import type { BehaviourBook } from './behaviour-book.js';
import type { Container, KubeObject, Pod, PodTemplate, Workload } from './k8s-types.js';
import { limitRangeObject } from './limit-ranger.js';
import { nodeObject } from './node-object.js';
import type { ObjectStore } from './object-store.js';
import { PodAdmission } from './pod-admission.js';
import { defaultPodSpec, podFromTemplate, type PodOrigin } from './pod-from-template.js';
import { quotaObject } from './resource-quota.js';
import type { Scenario, ScenarioContainer, ScenarioWorkload } from './scenario-schema.js';

function container(c: ScenarioContainer): Container {
  const out: Container = { name: c.name, image: c.image, resources: {} };
  const resources = out.resources as NonNullable<Container['resources']>;
  if (c.limits) resources.limits = { ...c.limits };
  if (c.requests) resources.requests = { ...c.requests };
  if (c.ports.length > 0) out.ports = c.ports.map((p) => ({ containerPort: p, protocol: 'TCP' }));
  // Probe defaults as the API server fills them in (timeout 1, period 10, thresholds 1 and 3).
  const probeDefaults = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
  if (c.readySeconds !== undefined) {
    out.readinessProbe = { exec: { command: ['true'] }, initialDelaySeconds: c.readySeconds, ...probeDefaults };
  }
  if (c.livenessFailsAfterSeconds !== undefined) {
    // An HTTP probe on the program's health endpoint when it has one, else the classic exec probe.
    const http = c.http?.health ? { httpGet: { path: c.http.healthPath, port: c.http.port ?? c.ports[0], scheme: 'HTTP' } } : { exec: { command: ['cat', '/tmp/healthy'] } };
    out.livenessProbe = { ...http, ...probeDefaults };
  }
  return out;
}

function template(w: ScenarioWorkload, labels: Record<string, string>): PodTemplate {
  const spec = defaultPodSpec({ containers: w.containers.map(container) });
  if (w.initContainers.length > 0) spec.initContainers = w.initContainers.map(container);
  const metadata: PodTemplate['metadata'] = { labels: { ...labels } };
  if (Object.keys(w.podAnnotations).length > 0) metadata.annotations = { ...w.podAnnotations };
  return { metadata, spec: defaultPodSpec(spec) };
}

function workloadObject(w: ScenarioWorkload): Workload | undefined {
  const labels = w.labels ?? { app: w.name };
  const metadata: Workload['metadata'] = { name: w.name, namespace: w.namespace, labels: { ...w.workloadLabels, ...labels } };
  if (Object.keys(w.annotations).length > 0) metadata.annotations = { ...w.annotations };
  const base = { selector: { matchLabels: { ...labels } }, template: template(w, labels), revisionHistoryLimit: 10 };
  switch (w.kind) {
    case 'Deployment':
      return {
        metadata,
        spec: {
          replicas: w.replicas ?? 1,
          ...base,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
          progressDeadlineSeconds: 600,
        },
        status: {},
      };
    case 'StatefulSet':
      return {
        metadata,
        spec: {
          replicas: w.replicas ?? 1,
          ...base,
          serviceName: w.name,
          podManagementPolicy: w.podManagementPolicy ?? 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        },
        status: { replicas: 0, availableReplicas: 0 },
      };
    case 'DaemonSet':
      return {
        metadata,
        spec: { ...base, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } },
        status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
      };
    case 'Pod':
      return undefined;
  }
}

function namespaceObject(name: string, labels: Record<string, string>): KubeObject {
  return {
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function seedCluster(scenario: Scenario, store: ObjectStore, behaviours: BehaviourBook, hostIp: (node: string) => string): void {
  scenario.nodes.forEach((n, i) => store.create('Node', nodeObject(n, i, hostIp(n.name), Date.now())));
  for (const image of scenario.images) behaviours.addImage(image);
  const declared = new Set(scenario.namespaces.map((n) => n.name));
  for (const name of ['default', 'kube-system']) {
    if (!declared.has(name)) store.create('Namespace', namespaceObject(name, {}));
  }
  for (const ns of scenario.namespaces) store.create('Namespace', namespaceObject(ns.name, ns.labels));
  for (const q of scenario.quotas) store.create('ResourceQuota', quotaObject(q));
  for (const r of scenario.limitRanges) store.create('LimitRange', limitRangeObject(r));
  const admission = new PodAdmission(store);
  for (const w of scenario.workloads) {
    const obj = workloadObject(w);
    if (obj) {
      behaviours.add(w.kind, w.namespace, w.name, [...w.initContainers, ...w.containers]);
      store.create(w.kind, obj);
    } else if (w.copies !== undefined) {
      seedCopies(w, w.copies, scenario.nodes.map((n) => n.name), store, behaviours);
    } else {
      behaviours.add(w.kind, w.namespace, w.name, [...w.initContainers, ...w.containers]);
      try {
        admission.create(barePod(w, { name: w.name, namespace: w.namespace }));
      } catch (error) {
        // A bare pod the scenario's own quota or limit range refuses could never exist: say so at start.
        if (error instanceof ApiError) throw new Error(`simulator: the scenario's Pod ${w.namespace}/${w.name} is refused at creation: ${error.message}`);
        throw error;
      }
    }
  }
}

/** A pod of kind Pod as someone would create it by hand: the workload's template, its labels and annotations on the pod. */
function barePod(w: ScenarioWorkload, origin: PodOrigin): Pod {
  const pod = podFromTemplate(template(w, w.labels ?? { app: w.name }), origin);
  pod.metadata.labels = { ...w.workloadLabels, ...pod.metadata.labels };
  if (Object.keys(w.annotations).length > 0) pod.metadata.annotations = { ...w.annotations, ...pod.metadata.annotations };
  return pod;
}

/**
 * `copies` bare pods, `<name>-<i>`, bound to the nodes in turn so the scheduler does no fit (as for
 * any pod with spec.nodeName), and stored without admission: admission and the fit list the
 * namespace's or cluster's pods for each new pod, which makes 10,000 pods take minutes. The
 * scenario schema refuses copies in a namespace with a quota or limit range, where admission
 * would have changed or refused them. The kubelet runs each copy like any pod.
 */
function seedCopies(w: ScenarioWorkload, copies: number, nodes: readonly string[], store: ObjectStore, behaviours: BehaviourBook): void {
  for (let i = 0; i < copies; i++) {
    const name = `${w.name}-${i}`;
    behaviours.add(w.kind, w.namespace, name, [...w.initContainers, ...w.containers]);
    store.create('Pod', barePod(w, { name, namespace: w.namespace, nodeName: nodes[i % nodes.length]! }));
  }
}
