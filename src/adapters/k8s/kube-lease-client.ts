import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { isClusterError } from '../../core/cluster-error.js';
import type { LeaseClient, LeaseRecord, LeaseSpec } from '../../core/ports.js';
import { requestOptions } from './request-options.js';
import { toClusterError, type Operation } from './to-cluster-error.js';

/**
 * metav1.MicroTime as the API server decodes it (RFC3339Micro: exactly six fractional digits);
 * client-node types it as a Date and would send JSON's three.
 */
function microTime(iso: string | null): Date | undefined {
  if (iso === null) return undefined;
  const text = new Date(iso).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return text as unknown as Date;
}

function isoOrNull(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const time = new Date(value as string | Date);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

function record(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holder: spec.holderIdentity || null,
    durationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: isoOrNull(spec.acquireTime),
    renewTime: isoOrNull(spec.renewTime),
    transitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}

/** One coordination.k8s.io/v1 Lease on client-node, every request under the API deadline. */
export class KubeLeaseClient implements LeaseClient {
  private readonly api: CoordinationV1Api;
  private readonly server: string;

  constructor(
    kc: KubeConfig,
    private readonly lease: { name: string; namespace: string },
    private readonly requestMs: number,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.server = kc.getCurrentCluster()?.server ?? '(no server)';
  }

  async get(): Promise<LeaseRecord | null> {
    const { name, namespace } = this.lease;
    try {
      return await this.call({ verb: 'get', resource: 'leases.coordination.k8s.io', namespace, name }, async () => record(await this.api.readNamespacedLease({ name, namespace }, requestOptions(this.requestMs))));
    } catch (error) {
      if (isClusterError(error, 'NotFound')) return null;
      throw error;
    }
  }

  async create(spec: LeaseSpec): Promise<LeaseRecord> {
    const { name, namespace } = this.lease;
    const body = { metadata: { name, namespace }, spec: this.spec(spec) };
    return this.call({ verb: 'create', resource: 'leases.coordination.k8s.io', namespace, name }, async () => record(await this.api.createNamespacedLease({ namespace, body }, requestOptions(this.requestMs))));
  }

  async replace(spec: LeaseSpec, resourceVersion: string): Promise<LeaseRecord> {
    const { name, namespace } = this.lease;
    const body = { metadata: { name, namespace, resourceVersion }, spec: this.spec(spec) };
    return this.call({ verb: 'update', resource: 'leases.coordination.k8s.io', namespace, name }, async () => record(await this.api.replaceNamespacedLease({ name, namespace, body }, requestOptions(this.requestMs))));
  }

  private spec(spec: LeaseSpec): NonNullable<V1Lease['spec']> {
    return {
      ...(spec.holder ? { holderIdentity: spec.holder } : {}),
      leaseDurationSeconds: spec.durationSeconds,
      ...(spec.acquireTime ? { acquireTime: microTime(spec.acquireTime) } : {}),
      ...(spec.renewTime ? { renewTime: microTime(spec.renewTime) } : {}),
      leaseTransitions: spec.transitions,
    };
  }

  private async call<T>(op: Operation, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toClusterError(error, op, this.server);
    }
  }
}
