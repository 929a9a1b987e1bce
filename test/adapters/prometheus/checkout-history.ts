import { openMetricsGauge, type GaugeSeries } from '../../support/prometheus/open-metrics-gauge.js';

const MI = 1024 * 1024;
const DAY = 86_400;
const secondsOf = (iso: string) => Date.parse(iso) / 1000;

/** "Now" of the fixture: queries are made at this time, so the test never depends on the clock. */
export const AT = new Date('2025-03-10T12:00:00Z');
const now = secondsOf(AT.toISOString());

/** The seed's case: init container `migrate` of Deployment shop/checkout peaked at 96Mi, two days ago, between scrapes. */
export const PEAK = { bytes: 96 * MI, pod: 'checkout-7d9f8b6c5-x2k4q', at: '2025-03-08T11:47:13.000Z' };

interface SeriesSpec {
  namespace: string;
  pod: string;
  container: string;
  /** Days before AT the pod existed: [from, to]. */
  days: [number, number];
  baseline: number;
  /** Extra samples (ISO time -> bytes), merged in time order. */
  peaks?: Record<string, number>;
}

/** Every 5 minutes across the pod's life, a baseline wobbling by a few MiB, plus its peaks. */
function series(spec: SeriesSpec): GaugeSeries {
  const samples = new Map<number, number>();
  for (let t = now - spec.days[0] * DAY, i = 0; t <= now - spec.days[1] * DAY; t += 300, i++) samples.set(t, spec.baseline + (i % 7) * MI);
  for (const [iso, bytes] of Object.entries(spec.peaks ?? {})) samples.set(secondsOf(iso), bytes);
  return {
    // the labels the kubelet's cAdvisor endpoint carries, as Prometheus' kubernetes SD sets them
    labels: {
      container: spec.container,
      id: `/kubepods/burstable/pod-${spec.pod}/${spec.container || 'pod'}`,
      image: spec.container ? `registry.example.com/shop/${spec.container}:1.0` : '',
      instance: 'node-1',
      job: 'kubelet',
      metrics_path: '/metrics/cadvisor',
      namespace: spec.namespace,
      pod: spec.pod,
    },
    samples: [...samples.entries()].sort(([a], [b]) => a - b),
  };
}

const specs: SeriesSpec[] = [
  // the answer: the latest sample at the highest value, off the 5-minute grid
  { namespace: 'shop', pod: PEAK.pod, container: 'migrate', days: [3, 0], baseline: 30 * MI, peaks: { [PEAK.at]: PEAK.bytes } },
  // another pod of the same ReplicaSet reached the same peak earlier: the latest wins
  { namespace: 'shop', pod: 'checkout-7d9f8b6c5-p8m2z', container: 'migrate', days: [4, 0], baseline: 28 * MI, peaks: { '2025-03-06T23:02:41Z': 96 * MI } },
  // a pod of the previous ReplicaSet, inside the window, lower
  { namespace: 'shop', pod: 'checkout-5c4b7f9d8-h7j6k', container: 'migrate', days: [6, 5], baseline: 25 * MI, peaks: { '2025-03-04T18:00:00Z': 90 * MI } },
  // older than the 7-day window
  { namespace: 'shop', pod: 'checkout-5c4b7f9d8-w2z9n', container: 'migrate', days: [10, 8], baseline: 25 * MI, peaks: { '2025-03-01T08:00:00Z': 200 * MI } },
  // same pod, other containers: the app, cAdvisor's pod-level series (container="") and the pause container
  { namespace: 'shop', pod: PEAK.pod, container: 'app', days: [3, 0], baseline: 300 * MI },
  { namespace: 'shop', pod: PEAK.pod, container: '', days: [3, 0], baseline: 400 * MI },
  { namespace: 'shop', pod: PEAK.pod, container: 'POD', days: [3, 0], baseline: 1 * MI },
  // same pod name in another namespace
  { namespace: 'staging', pod: PEAK.pod, container: 'migrate', days: [3, 0], baseline: 500 * MI },
  // pods of other workloads whose names start alike: Deployments checkout-v2 and checkoutx, DaemonSet checkout-api
  { namespace: 'shop', pod: 'checkout-v2-6b8c9d7f5-k4m2p', container: 'migrate', days: [3, 0], baseline: 600 * MI },
  { namespace: 'shop', pod: 'checkoutx-7d9f8b6c5-x2k4q', container: 'migrate', days: [3, 0], baseline: 700 * MI },
  { namespace: 'shop', pod: 'checkout-api-x2k4q', container: 'migrate', days: [3, 0], baseline: 800 * MI },
  // StatefulSet db and its neighbour db-backup
  { namespace: 'shop', pod: 'db-0', container: 'init-schema', days: [7, 0], baseline: 20 * MI },
  { namespace: 'shop', pod: 'db-1', container: 'init-schema', days: [7, 0], baseline: 20 * MI, peaks: { '2025-03-09T06:30:07Z': 50 * MI } },
  { namespace: 'shop', pod: 'db-backup-0', container: 'init-schema', days: [7, 0], baseline: 900 * MI },
  // DaemonSet node-agent and a Deployment node-agent's pod
  { namespace: 'shop', pod: 'node-agent-x2k4q', container: 'setup', days: [2, 0], baseline: 40 * MI },
  { namespace: 'shop', pod: 'node-agent-7d9f8b6c5-x2k4q', container: 'setup', days: [2, 0], baseline: 950 * MI },
  // a Deployment name with a regex metacharacter, and a pod its unescaped pattern would match
  { namespace: 'shop', pod: 'checkout.v1-7d9f8b6c5-x2k4q', container: 'migrate', days: [1, 0], baseline: 10 * MI },
  { namespace: 'shop', pod: 'checkout-v1-7d9f8b6c5-x2k4q', container: 'migrate', days: [1, 0], baseline: 990 * MI },
];

/** The fixture's history as OpenMetrics text for promtool. */
export function checkoutHistory(): string {
  return openMetricsGauge('container_memory_working_set_bytes', 'Current working set of the container in bytes', specs.map(series));
}
