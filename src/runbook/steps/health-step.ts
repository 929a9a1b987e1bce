import { isClusterError } from '../../core/cluster-error.js';
import { HEALTH_ANNOTATION } from '../../core/rules/endpoint-from-annotation.js';
import { verificationFailed, type Step } from '../step-types.js';
import { endpointFor } from './endpoint-for.js';

const RETRY_MS = 250;

/** `2xx` matches any 200..299, `204` only 204. */
export function statusMatches(status: number, expected: string): boolean {
  return expected.endsWith('xx') ? Math.floor(status / 100) === Number(expected[0]) : status === Number(expected);
}

/**
 * The seed's `curl -sf .../healthz` on the new pod, through the pod proxy. The app container may
 * still be starting, so it retries until the timeout; the last answer is what a failure reports.
 */
export const healthStep: Step<'health'> = async ({ cluster, run, runbook, required, resultOf, clock, signal }) => {
  const settings = runbook.steps.health;
  if (!settings.enabled) return { status: 'skipped', message: 'the health probe is disabled in the runbook' };
  const detect = required('detect');
  const pod = resultOf('wait').pod ?? run.spec.target.pod;
  const endpoint = endpointFor(detect.annotations, HEALTH_ANNOTATION, settings);
  const where = `pod ${pod} ${endpoint.port}${endpoint.path}`;
  const deadline = clock.now().getTime() + settings.timeoutSeconds * 1000;
  let last = 'no answer';
  let attempts = 0;
  while (attempts === 0 || clock.now().getTime() < deadline) {
    attempts++;
    try {
      const remaining = Math.max(1, deadline - clock.now().getTime());
      const response = await cluster.proxyGet(run.spec.target.namespace, pod, endpoint.port, endpoint.path, remaining);
      if (statusMatches(response.status, settings.expectStatus)) {
        return { status: 'succeeded', message: `${where} answered ${response.status}`, result: { pod, status: response.status, attempts } };
      }
      last = `HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
    } catch (error) {
      if (!isClusterError(error)) throw error;
      last = error.message;
    }
    await clock.sleep(RETRY_MS, signal);
  }
  const message = `${where} did not answer ${settings.expectStatus} within ${settings.timeoutSeconds} s (last: ${last})`;
  return verificationFailed('Health check failed', message, "Roll back the patch and look at the app container's logs");
};
