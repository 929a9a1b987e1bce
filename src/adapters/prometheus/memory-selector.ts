import type { MemoryHistoryQuery, WorkloadKind } from '../../core/evidence-ports.js';

/**
 * The characters Kubernetes uses for generated name parts (k8s.io/apimachinery util/rand
 * SafeEncodeString: no vowels, no 0, 1 or 3, so no words and no look-alikes). Matching only these
 * keeps Deployment "checkout" from taking the pods of a DaemonSet "checkout-api".
 */
const GENERATED = '[bcdfghjklmnpqrstvwxz2456789]';

/**
 * The pod names a controller gives, as an RE2 pattern (Prometheus anchors it at both ends):
 * Deployment `<name>-<pod-template-hash, 1-10>-<5>`, StatefulSet `<name>-<ordinal>`,
 * DaemonSet `<name>-<5>`. Names long enough to be truncated by generateName (over ~47 characters)
 * are not matched: such pods are not found, which reads as "no history", never as another's.
 */
const POD_NAMES: Record<WorkloadKind, (name: string) => string> = {
  Deployment: (name) => `${name}-${GENERATED}{1,10}-${GENERATED}{5}`,
  StatefulSet: (name) => `${name}-(0|[1-9][0-9]*)`,
  DaemonSet: (name) => `${name}-${GENERATED}{5}`,
};

/** Escapes RE2's metacharacters, so a name such as `checkout.v1` matches itself only. */
export function regexLiteral(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * A PromQL string literal. PromQL strings follow Go's escapes, of which JSON's are a subset, so
 * JSON.stringify quotes any value safely (a quote or backslash cannot end the literal early).
 */
export function promqlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The cAdvisor working-set series of one container in the pods of one workload. The exact
 * `container` matcher leaves out cAdvisor's pod-level series (`container=""`) and the pause
 * container (`POD`), which would otherwise count the whole pod as the container.
 */
export function memorySelector(query: Pick<MemoryHistoryQuery, 'namespace' | 'owner' | 'container'>): string {
  const pods = POD_NAMES[query.owner.kind](regexLiteral(query.owner.name));
  return (
    'container_memory_working_set_bytes{' +
    `namespace=${promqlString(query.namespace)},container=${promqlString(query.container)},pod=~${promqlString(pods)}}`
  );
}
