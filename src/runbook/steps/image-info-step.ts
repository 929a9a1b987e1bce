import type { ImageFacts } from '../../core/evidence-ports.js';
import type { Finding } from '../../core/finding.js';
import { adviseBuild } from '../../core/rules/advise-build.js';
import { describeBytes } from '../../core/rules/describe-bytes.js';
import { IMAGE_INFO_ANNOTATION } from '../../core/rules/endpoint-from-annotation.js';
import { gatherImageFacts } from '../image-facts/gather-image-facts.js';
import type { Step } from '../step-types.js';
import { endpointFor } from './endpoint-for.js';

const MiB = 1024 ** 2;

/**
 * Image facts and the build advice they support. image-info comes from a container that serves it
 * (this pod's, or another running pod of the same image); failing that, the node's image list and
 * the registry give the size, layers and Go version. The advice says which facts it rests on, and
 * the run goes on whatever was found.
 */
export function imageInfoStep(imageFacts: ImageFacts | null): Step<'image-info'> {
  return async ({ cluster, run, runbook, required }) => {
    const settings = runbook.steps['image-info'];
    if (!settings.enabled) return { status: 'skipped', message: 'image-info is disabled in the runbook' };
    const detect = required('detect');
    const { namespace, pod: podName } = run.spec.target;
    const endpoint = endpointFor(detect.annotations, IMAGE_INFO_ANNOTATION, settings);
    const where = `${endpoint.port}${endpoint.path}`;
    const findings: Finding[] = endpoint.warning ? [endpoint.warning] : [];
    const pod = await cluster.getPod(namespace, podName);
    const found = detect.image ? await gatherImageFacts({ cluster, namespace, pod, image: detect.image, settings, imageFacts }) : null;
    const thresholds = { symtabRatio: settings.symtabRatioThreshold, imageBytes: settings.largeImageMiB * MiB, layerBytes: (settings.largeImageMiB * MiB) / 2, minGo: { major: 1, minor: 21 } };

    if (found?.info) {
      const { value: info, from } = found.info;
      const advice = adviseBuild(info, thresholds);
      const imageBytes = info.layers.reduce((sum, layer) => sum + layer.size, 0);
      const detail = `${info.go.version}, cgo ${info.go.cgo_enabled ? 'on' : 'off'}, symtab ratio ${info.binary.symtab_ratio}, ${info.layers.length} layers, ${describeBytes(imageBytes)}`;
      findings.push({
        title: advice.length > 0 ? `Build advice (image-info of ${from})` : `image-info of ${from}: the build is already lean`,
        severity: advice.length > 0 ? 'warning' : 'info',
        detail,
        advice: advice.map((item) => `${item.title}: \`${item.command}\` (${item.detail})`),
      });
      return { status: 'succeeded', message: `${detail} (from ${from})`, result: { available: true, endpoint: where, source: from, info: { ...info }, advice: advice.map((item) => item.id) }, findings };
    }

    // No endpoint answered: what the node and the registry know still supports some advice.
    const problem = found?.problems[0] ?? 'the pod names no image';
    const size = found?.size ?? null;
    const go = found?.goVersion ?? null;
    const partial = size || go
      ? adviseBuild(
          { layers: found?.layers?.value ?? (size ? [{ digest: '', size: size.bytes }] : []), go: { version: go?.value ?? '', cgo_enabled: false }, binary: { symtab_ratio: 0 } },
          thresholds,
        ).filter((item) => item.id === 'multi-stage' || item.id === 'upgrade-go')
      : [];
    const known = [size ? `size ${describeBytes(size.bytes)} (${size.from})` : null, go ? `${go.value} (${go.from})` : null].filter(Boolean).join(', ');
    findings.push({
      title: 'image-info unreachable',
      severity: 'warning',
      detail: `${problem.includes(where) ? problem : `${where}: ${problem}`}. ${known ? `Known from elsewhere: ${known}; cgo and the symbol table stay unknown.` : 'Nothing else is known about the image.'}`,
      ...(partial.length > 0 ? { advice: partial.map((item) => `${item.title}: \`${item.command}\` (${item.detail})`) } : {}),
    });
    return {
      status: 'succeeded',
      message: `image-info unreachable (${problem})${known ? `; ${known}` : ''}`,
      result: { available: false, endpoint: where, problem, ...(size ? { sizeBytes: size.bytes, source: size.from } : {}), ...(go ? { goVersion: go.value } : {}), advice: partial.map((item) => item.id) },
      findings,
    };
  };
}
