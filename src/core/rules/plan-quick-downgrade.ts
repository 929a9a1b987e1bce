import type { Finding } from '../finding.js';
import type { PodSpec } from '../k8s-types.js';
import type { Runbook } from '../runbook-schema.js';
import { buildImageSwapPatch } from './build-image-swap-patch.js';
import type { ContainerKind } from './containers-field.js';
import { findSpecContainer } from './find-spec-container.js';
import { confirmPin, shortDigest } from './image-pin.js';

export interface DowngradeOffer {
  container: string;
  fromImage: string | null;
  image: string;
  /** `sha256:<hex>`: the digest the image names, which the config's SHA-256 confirmed. */
  sha256: string;
  maxBytes: number;
  probe: { container: string; command: string[]; initialDelaySeconds: number } | null;
}

export interface DowngradeInput {
  config: Runbook['quickDowngrade'];
  container: { kind: ContainerKind; name: string };
  /** The workload's pod template: the container's image now, and the probe's container. */
  podSpec: PodSpec;
}

const notOffered = (detail: string): { offer: null; finding: Finding } => ({ offer: null, finding: { title: 'Quick downgrade not offered', severity: 'warning', detail } });

/**
 * The seed's quick downgrade (section 4.2), offered beside the limit when the runbook names a slim
 * init image: pinned by digest, that digest being the SHA-256 the config hands out (a mismatch
 * means the reference or the config is wrong, so nothing is offered), and the probe's container
 * in the pod. Nothing at all when the runbook names no image or the kill is not an init container's.
 */
export function planQuickDowngrade({ config, container, podSpec }: DowngradeInput): { offer: DowngradeOffer | null; finding: Finding | null } {
  if (!config.image || container.kind !== 'init') return { offer: null, finding: null };
  const current = findSpecContainer(podSpec, container.kind, container.name)?.image ?? null;
  if (current === config.image) return { offer: null, finding: null };
  const probeContainer = config.probe ? (config.probe.container ?? podSpec.containers[0]?.name ?? null) : null;
  const probe = config.probe && probeContainer ? { container: probeContainer, command: config.probe.command, initialDelaySeconds: config.probe.initialDelaySeconds } : null;
  const swap = buildImageSwapPatch({ kind: container.kind, container: container.name, image: config.image, probe });
  if (!swap.ok) return notOffered(swap.reason);
  const pin = confirmPin(config.image, config.sha256);
  if (pin.problems.length > 0 || pin.hex === null) return notOffered(pin.problems.join('; '));
  const digest = `sha256:${pin.hex}`;
  if (config.probe && (!probeContainer || !podSpec.containers.some((c) => c.name === probeContainer))) {
    return notOffered(`the probe's container ${probeContainer ?? '(first app container)'} is not in the pod template: fix quickDowngrade.probe.container`);
  }
  const maxBytes = Math.round(config.maxImageMB * 1e6);
  const offer: DowngradeOffer = { container: container.name, fromImage: current, image: config.image, sha256: digest, maxBytes, probe };
  const probeWords = probe ? `, add the exec readinessProbe \`${probe.command.join(' ')}\` (initialDelaySeconds ${probe.initialDelaySeconds}) to container ${probe.container}` : '';
  return {
    offer,
    finding: {
      title: 'Alternative: quick downgrade',
      severity: 'info',
      detail:
        `Swap initContainer ${container.name} from ${current ?? '(no image)'} to the slim ${config.image}${probeWords}, limit unchanged. ` +
        `Verified after the rollout: the new pod runs exactly ${shortDigest(pin.hex)} and the image is at most ${config.maxImageMB} MB; otherwise it is rolled back.`,
    },
  };
}
