/**
 * The pod families of kube-state-metrics (internal/store/pod.go, docs/metrics/workload/
 * pod-metrics.md) the product reads, computed from the stored pods as ksm computes them from its
 * informer: names, HELP texts (with `[STABLE] ` for stable families), label names and the rules for
 * when a series exists:
 *
 *   every series starts with namespace, pod, uid (wrapPodFunc)
 *   *_status_last_terminated_reason / _exitcode   only while lastState.terminated is set
 *   *_status_terminated_reason / *_waiting_reason only while the container is in that state
 *   *_resource_limits / _requests                 per stated resource: memory unit="byte", cpu unit="core"
 *   kube_pod_owner                                 one per ownerReference, or one with empty labels
 */
import type { Container, ContainerStatus, Pod } from './k8s-types.js';
import type { Family, Sample } from './prometheus-text.js';
import { amountOf } from './quantity-amount.js';

type Labels = Array<[string, string]>;
type Gen = (pod: Pod) => Array<{ labels: Labels; value: number }>;

interface Def {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  stable: boolean;
  gen: Gen;
}

const statuses = (pod: Pod, init: boolean): ContainerStatus[] => (init ? pod.status.initContainerStatuses : pod.status.containerStatuses) ?? [];
const specs = (pod: Pod, init: boolean): Container[] => (init ? pod.spec.initContainers : pod.spec.containers) ?? [];

function info(init: boolean): Gen {
  return (pod) =>
    specs(pod, init).flatMap((c) =>
      statuses(pod, init)
        .filter((s) => s.name === c.name)
        .map((s) => {
          const labels: Labels = [['container', s.name], ['image_spec', c.image], ['image', s.image], ['image_id', s.imageID], ['container_id', s.containerID ?? '']];
          if (init) labels.push(['restart_policy', typeof c.restartPolicy === 'string' ? c.restartPolicy : '']);
          return { labels, value: 1 };
        }),
    );
}

function resources(init: boolean, kind: 'limits' | 'requests'): Gen {
  return (pod) =>
    specs(pod, init).flatMap((c) =>
      Object.entries(c.resources?.[kind] ?? {}).flatMap(([resource, value]) => {
        if (resource !== 'memory' && resource !== 'cpu') return [];
        const labels: Labels = [['container', c.name], ['node', pod.spec.nodeName ?? ''], ['resource', resource], ['unit', resource === 'cpu' ? 'core' : 'byte']];
        return [{ labels, value: resource === 'cpu' ? amountOf(value, 'cpu') / 1000 : amountOf(value, 'memory') }];
      }),
    );
}

const perStatus = (init: boolean, value: (s: ContainerStatus) => number): Gen => (pod) => statuses(pod, init).map((s) => ({ labels: [['container', s.name]], value: value(s) }));

const reason = (init: boolean, pick: (s: ContainerStatus) => string | undefined): Gen => (pod) =>
  statuses(pod, init).flatMap((s) => {
    const r = pick(s);
    return r === undefined ? [] : [{ labels: [['container', s.name], ['reason', r]] as Labels, value: 1 }];
  });

const lastExit = (init: boolean): Gen => (pod) =>
  statuses(pod, init).flatMap((s) => (s.lastState.terminated ? [{ labels: [['container', s.name]] as Labels, value: s.lastState.terminated.exitCode }] : []));

const owner: Gen = (pod) => {
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length === 0) return [{ labels: [['owner_kind', ''], ['owner_name', ''], ['owner_is_controller', '']], value: 1 }];
  return owners.map((o) => ({ labels: [['owner_kind', o.kind], ['owner_name', o.name], ['owner_is_controller', String(o.controller ?? false)]], value: 1 }));
};

const podInfo: Gen = (pod) => {
  const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
  const labels: Labels = [
    ['host_ip', pod.status.hostIP ?? ''],
    ['pod_ip', pod.status.podIP ?? ''],
    ['node', pod.spec.nodeName ?? ''],
    ['created_by_kind', controller?.kind ?? ''],
    ['created_by_name', controller?.name ?? ''],
    ['priority_class', typeof pod.spec.priorityClassName === 'string' ? pod.spec.priorityClassName : ''],
    ['host_network', String(pod.spec.hostNetwork === true)],
  ];
  return [{ labels, value: 1 }];
};

const phase: Gen = (pod) =>
  pod.status.phase ? ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'].map((p) => ({ labels: [['phase', p]] as Labels, value: pod.status.phase === p ? 1 : 0 })) : [];

/** In the order of podMetricFamilies. */
const DEFS: Def[] = [
  { name: 'kube_pod_container_info', type: 'gauge', stable: true, help: 'Information about a container in a pod.', gen: info(false) },
  { name: 'kube_pod_container_resource_limits', type: 'gauge', stable: true, help: 'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.', gen: resources(false, 'limits') },
  { name: 'kube_pod_container_resource_requests', type: 'gauge', stable: true, help: 'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.', gen: resources(false, 'requests') },
  { name: 'kube_pod_container_status_last_terminated_reason', type: 'gauge', stable: false, help: 'Describes the last reason the container was in terminated state.', gen: reason(false, (s) => s.lastState.terminated?.reason) },
  { name: 'kube_pod_container_status_last_terminated_exitcode', type: 'gauge', stable: false, help: 'Describes the exit code for the last container in terminated state.', gen: lastExit(false) },
  { name: 'kube_pod_container_status_ready', type: 'gauge', stable: true, help: 'Describes whether the containers readiness check succeeded.', gen: perStatus(false, (s) => (s.ready ? 1 : 0)) },
  { name: 'kube_pod_container_status_restarts_total', type: 'counter', stable: true, help: 'The number of container restarts per container.', gen: perStatus(false, (s) => s.restartCount) },
  { name: 'kube_pod_container_status_terminated_reason', type: 'gauge', stable: false, help: 'Describes the reason the container is currently in terminated state.', gen: reason(false, (s) => s.state.terminated?.reason) },
  { name: 'kube_pod_container_status_waiting_reason', type: 'gauge', stable: true, help: 'Describes the reason the container is currently in waiting state.', gen: reason(false, (s) => s.state.waiting?.reason) },
  { name: 'kube_pod_info', type: 'gauge', stable: true, help: 'Information about pod.', gen: podInfo },
  { name: 'kube_pod_init_container_info', type: 'gauge', stable: true, help: 'Information about an init container in a pod.', gen: info(true) },
  { name: 'kube_pod_init_container_resource_limits', type: 'gauge', stable: false, help: 'The number of requested limit resource by an init container.', gen: resources(true, 'limits') },
  { name: 'kube_pod_init_container_resource_requests', type: 'gauge', stable: false, help: 'The number of requested request resource by an init container.', gen: resources(true, 'requests') },
  { name: 'kube_pod_init_container_status_last_terminated_reason', type: 'gauge', stable: false, help: 'Describes the last reason the init container was in terminated state.', gen: reason(true, (s) => s.lastState.terminated?.reason) },
  { name: 'kube_pod_init_container_status_last_terminated_exitcode', type: 'gauge', stable: false, help: 'Describes the exit code for the last init container in terminated state.', gen: lastExit(true) },
  { name: 'kube_pod_init_container_status_ready', type: 'gauge', stable: true, help: 'Describes whether the init containers readiness check succeeded.', gen: perStatus(true, (s) => (s.ready ? 1 : 0)) },
  { name: 'kube_pod_init_container_status_restarts_total', type: 'counter', stable: true, help: 'The number of restarts for the init container.', gen: perStatus(true, (s) => s.restartCount) },
  { name: 'kube_pod_init_container_status_terminated_reason', type: 'gauge', stable: false, help: 'Describes the reason the init container is currently in terminated state.', gen: reason(true, (s) => s.state.terminated?.reason) },
  { name: 'kube_pod_init_container_status_waiting_reason', type: 'gauge', stable: false, help: 'Describes the reason the init container is currently in waiting state.', gen: reason(true, (s) => s.state.waiting?.reason) },
  { name: 'kube_pod_owner', type: 'gauge', stable: true, help: "Information about the Pod's owner.", gen: owner },
  { name: 'kube_pod_status_phase', type: 'gauge', stable: true, help: 'The pods current phase.', gen: phase },
];

/** kube-state-metrics' pod families for `pods` (all namespaces: it runs with its own service account). */
export function kubeStateMetrics(pods: readonly Pod[]): Family[] {
  return DEFS.map((def) => ({
    name: def.name,
    type: def.type,
    help: def.stable ? `[STABLE] ${def.help}` : def.help,
    samples: pods.flatMap((pod) =>
      def.gen(pod).map((m): Sample => ({
        labels: [['namespace', pod.metadata.namespace ?? ''], ['pod', pod.metadata.name], ['uid', pod.metadata.uid ?? ''], ...m.labels],
        value: m.value,
      })),
    ),
  }));
}
