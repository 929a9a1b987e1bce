import type { Config } from '../config.js';
import { EvidenceError, type ImageFacts } from '../core/evidence-ports.js';
import { parseImageReference } from './registry/parse-image-reference.js';
import type { OutsideSources } from '../runbook/checklist-steps.js';
import { PrometheusClient } from './prometheus/prometheus-client.js';
import { PrometheusMemoryHistory } from './prometheus/prometheus-memory-history.js';
import { RegistryImageFacts } from './registry/registry-image-facts.js';

/**
 * Registries are asked only when configured (OOM_CHECK_REGISTRY_AUTH or OOM_CHECK_REGISTRY_INSECURE
 * names their host): a bot must not reach out to every registry an image names by itself.
 */
function configuredOnly(facts: ImageFacts, hosts: ReadonlySet<string>): ImageFacts {
  return {
    describe: async (image) => {
      const host = parseImageReference(image).registry.toLowerCase();
      if (!hosts.has(host)) throw new EvidenceError('registry', 'Unsupported', `registry ${host} is not configured: add it to OOM_CHECK_REGISTRY_AUTH (or OOM_CHECK_REGISTRY_INSECURE) to read its image facts`);
      return facts.describe(image);
    },
  };
}

/** The evidence sources outside the cluster, as configured: Prometheus when PROMETHEUS_URL is set, configured registries. */
export function outsideSources(config: Pick<Config, 'prometheus' | 'registry'>): OutsideSources {
  const { prometheus, registry } = config;
  return {
    memoryHistory: prometheus.url ? new PrometheusMemoryHistory(new PrometheusClient({ url: prometheus.url, auth: prometheus.auth, timeoutMs: prometheus.timeoutMs }), prometheus.timeoutMs) : null,
    historyWindowSeconds: prometheus.windowSeconds,
    imageFacts: configuredOnly(new RegistryImageFacts(registry), new Set([...Object.keys(registry.credentials), ...registry.insecureHosts])),
  };
}
