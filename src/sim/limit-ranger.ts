/**
 * The LimitRanger admission plugin for pods (plugin/pkg/admission/limitranger/admission.go), run
 * on every pod the controllers create, before the quota check:
 *
 * - mutate: a container (init containers too) without a memory / CPU limit gets the range's
 *   `default`, without a request its `defaultRequest`, and the pod is annotated
 *   `kubernetes.io/limit-ranger: LimitRanger plugin set: memory request for container app; memory
 *   limit for container app` (resources sorted, containers then init containers);
 * - validate, type Container: each container against `min` / `max`; type Pod: the pod's effective
 *   requests and limits (pod-resources.ts) against them. Wording: `maximum memory usage per
 *   Container is 256Mi, but limit is 512Mi`, `minimum cpu usage per Pod is 100m, but request is
 *   50m`, `maximum memory usage per Container is 256Mi.  No limit is specified`. Several
 *   violations are one aggregate, `[a, b]` (utilerrors.NewAggregate).
 *
 * The range's own defaults are applied when it is stored (limitRangeObject): `default` from `max`,
 * `defaultRequest` from `default`, then from `min` (SetDefaults_LimitRangeItem).
 */
import type { Container, KubeObject, Pod } from './k8s-types.js';
import { podLimits, podRequests } from './pod-resources.js';
import { amountOf, canonical, formatAmount } from './quantity-amount.js';
import type { ScenarioLimitRange } from './scenario-schema.js';

type Resource = 'memory' | 'cpu';
type List = Partial<Record<Resource, string>>;

export interface LimitRangeItem {
  type: 'Container' | 'Pod';
  max?: List;
  min?: List;
  default?: List;
  defaultRequest?: List;
}

export interface LimitRange extends KubeObject {
  spec: { limits: LimitRangeItem[] };
}

const RESOURCES: readonly Resource[] = ['cpu', 'memory'];

/** The stored LimitRange, with the API server's defaults for Container items. */
export function limitRangeObject(r: ScenarioLimitRange): LimitRange {
  const limits = r.limits.map((item) => {
    const out: LimitRangeItem = { type: item.type };
    for (const key of ['max', 'min', 'default', 'defaultRequest'] as const) if (item[key]) out[key] = { ...item[key] } as List;
    if (item.type === 'Container') {
      out.default = { ...out.max, ...out.default };
      out.defaultRequest = { ...out.min, ...out.default, ...out.defaultRequest };
      for (const key of ['default', 'defaultRequest'] as const) if (Object.keys(out[key] ?? {}).length === 0) delete out[key];
    }
    return out;
  });
  return { metadata: { name: r.name, namespace: r.namespace }, spec: { limits } };
}

function merge(c: Container, defaults: { limits: List; requests: List }, prefix: string, notes: string[]): void {
  const resources = (c.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const r of RESOURCES) {
    const limit = defaults.limits[r];
    if (limit !== undefined && resources.limits?.[r] === undefined) {
      resources.limits = { ...resources.limits, [r]: limit };
      setLimits.push(r);
    }
    const request = defaults.requests[r];
    if (request !== undefined && resources.requests?.[r] === undefined) {
      resources.requests = { ...resources.requests, [r]: request };
      setRequests.push(r);
    }
  }
  if (setRequests.length > 0) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name}`);
  if (setLimits.length > 0) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name}`);
}

function value(list: Record<string, unknown> | undefined, r: Resource): number | undefined {
  const v = list?.[r];
  return v === undefined ? undefined : amountOf(v, r);
}

function check(type: string, item: LimitRangeItem, requests: Record<string, unknown> | undefined, limits: Record<string, unknown> | undefined, errors: string[]): void {
  for (const r of RESOURCES) {
    const req = value(requests, r);
    const lim = value(limits, r);
    const shown = (list: Record<string, unknown> | undefined) => canonical(list?.[r], r);
    const min = item.min?.[r];
    if (min !== undefined) {
      const enforced = canonical(min, r);
      if (req === undefined) errors.push(`minimum ${r} usage per ${type} is ${enforced}.  No request is specified`);
      else if (req < amountOf(min, r)) errors.push(`minimum ${r} usage per ${type} is ${enforced}, but request is ${shown(requests)}`);
      else if (lim !== undefined && lim < amountOf(min, r)) errors.push(`minimum ${r} usage per ${type} is ${enforced}, but limit is ${shown(limits)}`);
    }
    const max = item.max?.[r];
    if (max !== undefined) {
      const enforced = canonical(max, r);
      if (lim === undefined) errors.push(`maximum ${r} usage per ${type} is ${enforced}.  No limit is specified`);
      else if (lim > amountOf(max, r)) errors.push(`maximum ${r} usage per ${type} is ${enforced}, but limit is ${shown(limits)}`);
      else if (req !== undefined && req > amountOf(max, r)) errors.push(`maximum ${r} usage per ${type} is ${enforced}, but request is ${shown(requests)}`);
    }
  }
}

const asList = (amounts: { memory?: number; cpu?: number }): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  if (amounts.memory !== undefined) out.memory = formatAmount(amounts.memory, 'memory');
  if (amounts.cpu !== undefined) out.cpu = formatAmount(amounts.cpu, 'cpu');
  return out;
};

/** Applies the namespace's ranges to `pod` in place; returns the refusal message, if any. */
export function limitPod(pod: Pod, ranges: readonly LimitRange[]): string | undefined {
  const errors: string[] = [];
  for (const range of ranges) {
    const defaults = { limits: {} as List, requests: {} as List };
    for (const item of range.spec.limits.filter((i) => i.type === 'Container')) {
      Object.assign(defaults.limits, item.default);
      Object.assign(defaults.requests, item.defaultRequest);
    }
    const notes: string[] = [];
    for (const c of pod.spec.containers) merge(c, defaults, 'container', notes);
    for (const c of pod.spec.initContainers ?? []) merge(c, defaults, 'init container', notes);
    if (notes.length > 0) pod.metadata.annotations = { ...pod.metadata.annotations, 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
    for (const item of range.spec.limits) {
      if (item.type === 'Container') {
        for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) check('Container', item, c.resources?.requests, c.resources?.limits, errors);
      } else {
        check('Pod', item, asList(podRequests(pod.spec)), asList(podLimits(pod.spec)), errors);
      }
    }
  }
  if (errors.length === 0) return undefined;
  return errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
}
