import type { Finding } from '../../core/finding.js';
import { endpointFromAnnotation } from '../../core/rules/endpoint-from-annotation.js';

/** The runbook's endpoint, unless the pod's annotation overrides it; a bad annotation is a finding, not a failure. */
export function endpointFor(
  annotations: Record<string, string>,
  annotation: string,
  defaults: { port: number | string; path: string },
): { port: number | string; path: string; source: string; warning?: Finding } {
  const value = annotations[annotation];
  if (value === undefined) return { ...defaults, source: 'runbook' };
  const parsed = endpointFromAnnotation(value);
  if (parsed.ok) return { port: parsed.port, path: parsed.path, source: `annotation ${annotation}` };
  return {
    ...defaults,
    source: 'runbook',
    warning: {
      title: `Annotation ${annotation} ignored`,
      severity: 'warning',
      detail: `${parsed.problem}; using ${defaults.port}${defaults.path} from the runbook`,
    },
  };
}
