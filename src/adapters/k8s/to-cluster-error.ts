import { ClusterError, type ClusterErrorCode } from '../../core/cluster-error.js';
import { networkFailure } from '../network-failure.js';

export interface Operation {
  verb: string;
  /** `pods`, `deployments.apps`, `pods/proxy`... as an RBAC rule names it. */
  resource: string;
  namespace: string;
  name?: string;
}

function statusMessage(body: unknown): string | null {
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  try {
    const status = JSON.parse(text) as { message?: unknown };
    return typeof status.message === 'string' ? status.message : null;
  } catch {
    return text.trim() ? text.trim().slice(0, 300) : null;
  }
}

/**
 * Any failure of a Kubernetes call, as a ClusterError whose message says what to check. Called
 * at the adapter's boundary only: the core sees nothing of client-node.
 */
export function toClusterError(error: unknown, op: Operation, server: string): ClusterError {
  if (error instanceof ClusterError) return error;
  const target = `${op.resource}${op.name ? ` "${op.name}"` : ''} in namespace ${op.namespace}`;
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number') {
    const detail = statusMessage((error as { body?: unknown }).body) ?? `HTTP ${status}`;
    const known: Record<number, [ClusterErrorCode, string]> = {
      404: ['NotFound', `${detail}: check the name and the namespace`],
      403: [
        'Forbidden',
        `${detail}. oom-check's service account needs RBAC verb "${op.verb}" on resource "${op.resource}" in namespace ${op.namespace}: add it to its Role`,
      ],
      409: ['Conflict', `${detail}: the object changed meanwhile; the step re-reads it when retried`],
      422: ['Invalid', `${detail}: the API server refused the change`],
      400: ['Invalid', `${detail}: the API server refused the request`],
      408: ['Timeout', `the API server timed out on ${op.verb} ${target}`],
      504: ['Timeout', `the API server timed out on ${op.verb} ${target}`],
    };
    const [code, message] = known[status] ?? ['Unexpected', `${op.verb} ${target} failed with HTTP ${status}: ${detail}`];
    return new ClusterError(code, message, status, { cause: error });
  }
  const failure = networkFailure(error);
  if (failure.timedOut) {
    return new ClusterError(
      'Timeout',
      `the Kubernetes API at ${server} did not answer ${op.verb} ${target} in time (OOM_CHECK_API_TIMEOUT): it may be overloaded, frozen or unreachable`,
      null,
      { cause: error },
    );
  }
  const { code, unreachable } = failure;
  if (code && unreachable) {
    return new ClusterError(
      'Unreachable',
      `cannot reach the Kubernetes API at ${server} (${code}): check that the cluster is up and that KUBECONFIG / KUBE_CONTEXT point at it`,
      null,
      { cause: error },
    );
  }
  return new ClusterError('Unexpected', `${op.verb} ${target} failed: ${(error as Error).message ?? String(error)}`, null, { cause: error });
}
