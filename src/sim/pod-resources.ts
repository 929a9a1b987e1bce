/**
 * A pod's effective requests and limits, as k8s.io/component-helpers resource.PodRequests /
 * PodLimits compute them for the scheduler, the quota evaluator and the LimitRanger:
 *
 *   sidecars  = init containers with restartPolicy Always (they keep running beside the app)
 *   apps      = sum of the app containers + every sidecar
 *   init i    = its own value + the sidecars started before it (they run while it runs)
 *   effective = max(apps, max over init i) + spec.overhead
 *
 * A container's request is what the pod says after the API server's defaulting (a limit without a
 * request became the request); overhead counts toward a limit only for resources that have one.
 * Memory is in bytes, CPU in millicores.
 */
import type { Container, PodSpec } from './k8s-types.js';
import { amountOf } from './quantity-amount.js';

export interface Amounts {
  /** Bytes; undefined when no container states the resource. */
  memory?: number;
  /** Millicores; undefined when no container states the resource. */
  cpu?: number;
}

type Kind = 'requests' | 'limits';
const RESOURCES = ['memory', 'cpu'] as const;

function amount(value: unknown, resource: 'memory' | 'cpu'): number | undefined {
  if (value === undefined || value === null) return undefined;
  return amountOf(value, resource);
}

function of(c: Container, kind: Kind): Amounts {
  const list = c.resources?.[kind] ?? {};
  const out: Amounts = {};
  for (const r of RESOURCES) {
    const v = amount(list[r], r);
    if (v !== undefined) out[r] = v;
  }
  return out;
}

function add(into: Amounts, more: Amounts): void {
  for (const r of RESOURCES) if (more[r] !== undefined) into[r] = (into[r] ?? 0) + more[r];
}

function max(into: Amounts, other: Amounts): void {
  for (const r of RESOURCES) if (other[r] !== undefined && other[r] > (into[r] ?? -1)) into[r] = other[r];
}

function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

function effective(spec: PodSpec, kind: Kind): Amounts {
  const total: Amounts = {};
  for (const c of spec.containers ?? []) add(total, of(c, kind));
  const sidecars: Amounts = {};
  const initPeak: Amounts = {};
  for (const c of spec.initContainers ?? []) {
    const own = of(c, kind);
    if (isSidecar(c)) {
      add(total, own);
      add(sidecars, own);
      max(initPeak, sidecars);
    } else {
      const running = { ...own };
      add(running, sidecars);
      max(initPeak, running);
    }
  }
  max(total, initPeak);
  const overhead = (spec.overhead ?? {}) as Record<string, unknown>;
  for (const r of RESOURCES) {
    const extra = amount(overhead[r], r);
    if (extra === undefined) continue;
    if (kind === 'requests' || total[r] !== undefined) total[r] = (total[r] ?? 0) + extra;
  }
  return total;
}

/** resource.PodRequests: what the scheduler fits and the quota charges as `requests.*`. */
export function podRequests(spec: PodSpec): Amounts {
  return effective(spec, 'requests');
}

/** resource.PodLimits: what the quota charges as `limits.*`. */
export function podLimits(spec: PodSpec): Amounts {
  return effective(spec, 'limits');
}
