/**
 * What a scenario file may say, as a zod schema. The field reference is in src/sim/README.md.
 * Cross-field rules (namespaces declared, ports served, requests <= limits, ...) live here too, so
 * that a scenario that loads is one the simulator can run without further checks. Containers and
 * image programs are in scenario-container-schema.ts, nodes / quotas / limit ranges in
 * scenario-cluster-schema.ts.
 */
import { z } from 'zod';
import { nodeSchema, quotaSchema, limitRangeSchema } from './scenario-cluster-schema.js';
import { containerSchema, imageSchema } from './scenario-container-schema.js';
import { dnsLabel, dnsSubdomain, stringMap } from './scenario-fields.js';

export { imageInfoPayloadSchema } from './scenario-container-schema.js';
export type { ImageInfoPayload, ScenarioContainer, ScenarioHttp, ScenarioImage, ScenarioProgram } from './scenario-container-schema.js';

const workloadSchema = z.strictObject({
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']),
  name: dnsSubdomain,
  namespace: dnsLabel,
  /** Labels of the workload, its selector and its pods; default `app: <name>`. */
  labels: stringMap.optional(),
  /** Extra labels on the workload object only (not the selector or pods): Helm, Argo CD, Flux markers. */
  workloadLabels: stringMap.default({}),
  annotations: stringMap.default({}),
  /** Annotations of the pod template (e.g. to move the image-info endpoint). */
  podAnnotations: stringMap.default({}),
  replicas: z.number().int().min(0).optional(),
  /** Kind Pod only: this many bare pods, `<name>-<i>`, stored directly and bound to the nodes in turn (a cheap large cluster). */
  copies: z.number().int().min(1).max(100_000).optional(),
  podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).optional(),
  initContainers: z.array(containerSchema).default([]),
  containers: z.array(containerSchema).min(1),
});

const namespaceSchema = z.strictObject({
  name: dnsLabel,
  /** Every request in this namespace gets 403 Forbidden, worded like an RBAC denial. */
  denied: z.boolean().default(false),
  labels: stringMap.default({}),
});

type Issue = (path: Array<string | number>, message: string) => void;

function checkWorkload(w: z.output<typeof workloadSchema>, at: (...path: Array<string | number>) => Array<string | number>, issue: Issue): void {
  if (w.replicas !== undefined && (w.kind === 'Pod' || w.kind === 'DaemonSet')) issue(at('replicas'), `a ${w.kind} has no replicas`);
  if (w.copies !== undefined && w.kind !== 'Pod') issue(at('copies'), 'only a Pod has copies (a controller makes its own replicas)');
  if (w.podManagementPolicy && w.kind !== 'StatefulSet') issue(at('podManagementPolicy'), 'only a StatefulSet has a podManagementPolicy');
  const names = new Set<string>();
  for (const [field, list] of [['initContainers', w.initContainers], ['containers', w.containers]] as const) {
    list.forEach((c, ci) => {
      if (names.has(c.name)) issue(at(field, ci, 'name'), `container name "${c.name}" is used twice`);
      names.add(c.name);
    });
  }
  w.initContainers.forEach((c, ci) => {
    // ValidateInitContainers: probes are forbidden on (non-sidecar) init containers.
    if (c.livenessFailsAfterSeconds !== undefined) issue(at('initContainers', ci, 'livenessFailsAfterSeconds'), 'an init container has no liveness probe');
    if (c.readySeconds !== undefined) issue(at('initContainers', ci, 'readySeconds'), 'an init container has no readiness probe');
  });
}

export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    /** The user RBAC denials name. */
    user: z.string().min(1).default('system:serviceaccount:oom-check:oom-check'),
    /** Node names, or objects with allocatable resources; default one node with 8Gi allocatable memory. */
    nodes: z.array(nodeSchema).min(1).prefault(['sim-node-1']),
    /** node-problem-detector on the nodes: OOM kills also become Warning OOMKilling events on the Node. */
    nodeProblemDetector: z.boolean().default(false),
    namespaces: z.array(namespaceSchema).min(1),
    workloads: z.array(workloadSchema).default([]),
    /** Programs that run whenever a container is switched to one of these images. */
    images: z.array(imageSchema).default([]),
    quotas: z.array(quotaSchema).default([]),
    limitRanges: z.array(limitRangeSchema).default([]),
  })
  .superRefine((scenario, ctx) => {
    const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
    const namespaces = new Set(scenario.namespaces.map((n) => n.name));
    const declared = (list: 'workloads' | 'quotas' | 'limitRanges', i: number, ns: string) => {
      if (!namespaces.has(ns)) issue([list, i, 'namespace'], `"${ns}" is not declared under namespaces`);
    };
    const unique = (list: string, i: number, id: string, seen: Set<string>) => {
      if (seen.has(id)) issue([list, i, 'name'], `${id} is declared twice`);
      seen.add(id);
    };
    const nodes = new Set<string>();
    scenario.nodes.forEach((n, i) => unique('nodes', i, `Node/${n.name}`, nodes));
    const workloads = new Set<string>();
    scenario.workloads.forEach((w, wi) => {
      declared('workloads', wi, w.namespace);
      unique('workloads', wi, `${w.kind}/${w.namespace}/${w.name}`, workloads);
      checkWorkload(w, (...path) => ['workloads', wi, ...path], issue);
    });
    // Copies skip admission (it would list the namespace's pods once per copy): nothing there may refuse or default them.
    const admitting = new Set([...scenario.quotas, ...scenario.limitRanges].map((o) => o.namespace));
    scenario.workloads.forEach((w, wi) => {
      if (w.copies !== undefined && admitting.has(w.namespace)) issue(['workloads', wi, 'copies'], `copies skip admission: namespace "${w.namespace}" has a quota or limit range`);
    });
    const quotas = new Set<string>();
    scenario.quotas.forEach((q, i) => {
      declared('quotas', i, q.namespace);
      unique('quotas', i, `ResourceQuota/${q.namespace}/${q.name}`, quotas);
    });
    const ranges = new Set<string>();
    scenario.limitRanges.forEach((r, i) => {
      declared('limitRanges', i, r.namespace);
      unique('limitRanges', i, `LimitRange/${r.namespace}/${r.name}`, ranges);
    });
    const images = new Set<string>();
    scenario.images.forEach((image, i) => {
      if (images.has(image.image)) issue(['images', i, 'image'], `${image.image} is declared twice`);
      images.add(image.image);
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioWorkload = Scenario['workloads'][number];
export type ScenarioNode = Scenario['nodes'][number];
export type ScenarioQuota = Scenario['quotas'][number];
export type ScenarioLimitRange = Scenario['limitRanges'][number];
