import { isClusterError } from '../../core/cluster-error.js';
import type { Finding } from '../../core/finding.js';
import { adviseBuild } from '../../core/rules/advise-build.js';
import { IMAGE_INFO_ANNOTATION } from '../../core/rules/endpoint-from-annotation.js';
import { parseImageInfo } from '../../core/rules/parse-image-info.js';
import { describeBytes } from '../../core/rules/describe-bytes.js';
import type { Step } from '../step-types.js';
import { endpointFor } from './endpoint-for.js';

const MiB = 1024 ** 2;

/**
 * GETs the pod's image-info through the API server's pod proxy and turns it into build advice.
 * Unreachable or malformed: recorded as a finding, and the run goes on without it.
 */
export const imageInfoStep: Step<'image-info'> = async ({ cluster, run, runbook, required }) => {
  const settings = runbook.steps['image-info'];
  if (!settings.enabled) return { status: 'skipped', message: 'image-info is disabled in the runbook' };
  const detect = required('detect');
  const endpoint = endpointFor(detect.annotations, IMAGE_INFO_ANNOTATION, settings);
  const where = `${endpoint.port}${endpoint.path}`;
  const findings: Finding[] = endpoint.warning ? [endpoint.warning] : [];
  const unavailable = (problem: string) => ({
    status: 'succeeded' as const,
    message: `image-info unavailable: ${problem}`,
    result: { available: false, endpoint: where, problem },
    findings: [...findings, { title: 'image-info unavailable', severity: 'warning' as const, detail: `${where}: ${problem}` }],
  });

  let response;
  try {
    const { namespace, pod } = run.spec.target;
    response = await cluster.proxyGet(namespace, pod, endpoint.port, endpoint.path, settings.timeoutSeconds * 1000);
  } catch (error) {
    if (isClusterError(error)) return unavailable(error.message);
    throw error;
  }
  if (response.status < 200 || response.status > 299) return unavailable(`HTTP ${response.status}`);
  const parsed = parseImageInfo(response.body);
  if (!parsed.ok) return unavailable(`malformed: ${parsed.problem}`);

  const { info } = parsed;
  const advice = adviseBuild(info, {
    symtabRatio: settings.symtabRatioThreshold,
    imageBytes: settings.largeImageMiB * MiB,
    layerBytes: (settings.largeImageMiB * MiB) / 2,
    minGo: { major: 1, minor: 21 },
  });
  const imageBytes = info.layers.reduce((sum, layer) => sum + layer.size, 0);
  const detail = `${info.go.version}, cgo ${info.go.cgo_enabled ? 'on' : 'off'}, symtab ratio ${info.binary.symtab_ratio}, ` +
    `${info.layers.length} layers, ${describeBytes(imageBytes)}`;
  findings.push({
    title: advice.length > 0 ? 'Build advice from image-info' : 'image-info: the build is already lean',
    severity: advice.length > 0 ? 'warning' : 'info',
    detail,
    advice: advice.map((item) => `${item.title}: ${item.command} (${item.detail})`),
  });
  return {
    status: 'succeeded',
    message: detail,
    result: { available: true, endpoint: where, info: { ...info }, advice: advice.map((item) => item.id) },
    findings,
  };
};
