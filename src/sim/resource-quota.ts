/**
 * ResourceQuota as the quota evaluator for pods counts it (pkg/quota/v1/evaluator/core/pods.go) and
 * the ResourceQuota admission plugin enforces it (apiserver admission/plugin/resourcequota):
 *
 * - a pod is charged while it is not terminal: `pods` 1, `requests.memory` (and `memory`) its
 *   effective request, `limits.memory` its effective limit (pod-resources.ts), CPU alike;
 * - status.used is the sum over the namespace's charged pods, status.hard the canonical spec.hard;
 * - a new pod is refused when a tracked compute resource is missing from one of its containers,
 *   `failed quota: compute: must specify limits.memory for: app,migrate`, or when it would take a
 *   resource past its hard limit: `exceeded quota: compute, requested: limits.memory=384Mi, used:
 *   limits.memory=896Mi, limited: limits.memory=1Gi` (only the exceeded resources, sorted).
 *
 * Admission here compares with the usage recomputed from the pods at that moment, which is what
 * status.used says once the controller has caught up (the real plugin also bumps status.used on
 * every admitted pod, so consecutive creations see each other).
 */
import type { Container, KubeObject, Pod } from './k8s-types.js';
import { podLimits, podRequests } from './pod-resources.js';
import { amountOf, canonical, formatAmount } from './quantity-amount.js';
import type { ScenarioQuota } from './scenario-schema.js';

export interface ResourceQuota extends KubeObject {
  spec: { hard: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

type Unit = 'memory' | 'cpu' | 'count';

/** The unit a quota resource counts in. */
function unitOf(resource: string): Unit {
  if (resource === 'pods') return 'count';
  return resource.endsWith('cpu') ? 'cpu' : 'memory';
}

/** Compute resources whose quota makes every container state them (the "BACKWARD COMPATIBILITY" rule). */
const VALIDATED = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

export function quotaObject(q: ScenarioQuota): ResourceQuota {
  const hard: Record<string, string> = {};
  for (const [resource, value] of Object.entries(q.hard)) if (value !== undefined) hard[resource] = canonical(value, unitOf(resource));
  return { metadata: { name: q.name, namespace: q.namespace }, spec: { hard } };
}

function charged(pod: Pod): boolean {
  return pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
}

/** What one pod is charged for each of `resources`. */
function podUsage(pod: Pod, resources: readonly string[]): Record<string, number> {
  const requests = podRequests(pod.spec);
  const limits = podLimits(pod.spec);
  const usage: Record<string, number> = {};
  for (const resource of resources) {
    if (resource === 'pods') usage[resource] = 1;
    else if (resource === 'memory' || resource === 'requests.memory') usage[resource] = requests.memory ?? 0;
    else if (resource === 'cpu' || resource === 'requests.cpu') usage[resource] = requests.cpu ?? 0;
    else if (resource === 'limits.memory') usage[resource] = limits.memory ?? 0;
    else if (resource === 'limits.cpu') usage[resource] = limits.cpu ?? 0;
  }
  return usage;
}

/** The namespace's usage of each hard resource of `quota`, from its charged pods. */
function quotaUsed(quota: ResourceQuota, pods: readonly Pod[]): Record<string, number> {
  const resources = Object.keys(quota.spec.hard);
  const used: Record<string, number> = Object.fromEntries(resources.map((r) => [r, 0]));
  for (const pod of pods.filter(charged)) {
    for (const [r, v] of Object.entries(podUsage(pod, resources))) used[r] = (used[r] ?? 0) + v;
  }
  return used;
}

export function quotaStatus(quota: ResourceQuota, pods: readonly Pod[]): { hard: Record<string, string>; used: Record<string, string> } {
  const used = quotaUsed(quota, pods);
  return {
    hard: { ...quota.spec.hard },
    used: Object.fromEntries(Object.entries(used).map(([r, v]) => [r, formatAmount(v, unitOf(r))])),
  };
}

/** prettyPrint: `name=quantity` pairs, sorted by name, joined by commas. */
const pretty = (values: Record<string, number | string>) =>
  Object.keys(values)
    .sort()
    .map((r) => `${r}=${typeof values[r] === 'string' ? values[r] : formatAmount(values[r] as number, unitOf(r))}`)
    .join(',');

function states(c: Container, resource: string): boolean {
  const [kind, name] = resource.includes('.') ? (resource.split('.') as ['requests' | 'limits', string]) : (['requests', resource] as const);
  return c.resources?.[kind]?.[name] !== undefined;
}

/** Why `quota` refuses `pod` given the namespace's other pods, or undefined when it admits it. */
export function quotaRefusal(quota: ResourceQuota, pods: readonly Pod[], pod: Pod): string | undefined {
  const hard = quota.spec.hard;
  const required = VALIDATED.filter((r) => hard[r] !== undefined);
  const missing = new Map<string, string[]>();
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    for (const r of required) if (!states(c, r)) missing.set(r, [...(missing.get(r) ?? []), c.name]);
  }
  if (missing.size > 0) {
    const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...new Set(missing.get(r))].sort().join(',')}`);
    return `failed quota: ${quota.metadata.name}: must specify ${parts.join('; ')}`;
  }
  const requested = podUsage(pod, Object.keys(hard));
  const used = quotaUsed(quota, pods);
  const exceeded = Object.keys(requested).filter((r) => (used[r] ?? 0) + (requested[r] ?? 0) > amountOf(hard[r], unitOf(r)));
  if (exceeded.length === 0) return undefined;
  const only = (values: Record<string, number>) => Object.fromEntries(exceeded.map((r) => [r, values[r] ?? 0]));
  const limited = Object.fromEntries(exceeded.map((r) => [r, hard[r] as string]));
  return `exceeded quota: ${quota.metadata.name}, requested: ${pretty(only(requested))}, used: ${pretty(only(used))}, limited: ${pretty(limited)}`;
}
