import { createHash } from 'node:crypto';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';

export const STORM = { workloads: 500, podsPerWorkload: 10, webhooks: 50 };

/** The pods of the storm: `w0..w499`, ten OOMKilled pods each, in namespace shop. */
export function stormCluster(): FakeCluster {
  const cluster = new FakeCluster();
  for (let w = 0; w < STORM.workloads; w++) {
    for (let p = 0; p < STORM.podsPerWorkload; p++) cluster.add(oomKilledPod('shop', `w${w}-5f6d7c8b9-p${p}`, `w${w}`));
  }
  return cluster;
}

/** 5,000 firing alerts in 50 webhook bodies of 100, ten workloads per webhook, as Alertmanager groups them. */
export function stormWebhooks(): string[] {
  const perHook = (STORM.workloads * STORM.podsPerWorkload) / STORM.webhooks;
  return Array.from({ length: STORM.webhooks }, (_, hook) => {
    const alerts = Array.from({ length: perHook }, (_, i) => {
      const index = hook * perHook + i;
      const pod = `w${Math.floor(index / STORM.podsPerWorkload)}-5f6d7c8b9-p${index % STORM.podsPerWorkload}`;
      const labels = { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', pod, container: 'migrate', severity: 'warning' };
      return {
        status: 'firing',
        labels,
        annotations: { summary: 'Init container was OOMKilled.' },
        startsAt: '2026-11-27T10:00:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: createHash('sha256').update(pod).digest('hex').slice(0, 16),
      };
    });
    return JSON.stringify({
      version: '4',
      groupKey: `{}:{alertname="KubeInitContainerOOMKilled", namespace="shop"}#${hook}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'oom-check',
      groupLabels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop' },
      commonLabels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', container: 'migrate' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager.local',
      alerts,
    });
  });
}
