/**
 * Turns a scenario into the cluster's starting objects: Nodes, Namespaces (plus `default` and
 * `kube-system`, which every cluster has), ResourceQuotas and LimitRanges, the workloads with their
 * pod templates, and bare Pods (through admission, like any pod); and fills the behaviour book with
 * what each container's program, and each listed image's, does.
 */
import { ApiError } from './api-error.js';
import type { BehaviourBook } from './behaviour-book.js';
import type { Container, KubeObject, PodTemplate, Workload } from './k8s-types.js';
import { limitRangeObject } from './limit-ranger.js';
import { nodeObject } from './node-object.js';
import type { ObjectStore } from './object-store.js';
import { PodAdmission } from './pod-admission.js';
import { defaultPodSpec, podFromTemplate } from './pod-from-template.js';
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
    behaviours.add(w.kind, w.namespace, w.name, [...w.initContainers, ...w.containers]);
    const obj = workloadObject(w);
    if (obj) {
      store.create(w.kind, obj);
      continue;
    }
    const labels = w.labels ?? { app: w.name };
    const pod = podFromTemplate(template(w, labels), { name: w.name, namespace: w.namespace });
    pod.metadata.labels = { ...w.workloadLabels, ...pod.metadata.labels };
    if (Object.keys(w.annotations).length > 0) pod.metadata.annotations = { ...w.annotations, ...pod.metadata.annotations };
    try {
      admission.create(pod);
    } catch (error) {
      // A bare pod the scenario's own quota or limit range refuses could never exist: say so at start.
      if (error instanceof ApiError) throw new Error(`simulator: the scenario's Pod ${w.namespace}/${w.name} is refused at creation: ${error.message}`);
      throw error;
    }
  }
}
