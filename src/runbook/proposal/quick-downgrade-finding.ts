import type { Finding } from '../../core/finding.js';
import type { Runbook } from '../../core/runbook-schema.js';
import { buildImageSwapPatch } from '../../core/rules/build-image-swap-patch.js';
import type { DetectResult } from '../../core/step-results.js';

/** The seed's quick downgrade, offered beside the limit when the runbook names a slim, digest-pinned init image. */
export function quickDowngradeFinding(runbook: Runbook, detect: DetectResult): Finding | null {
  const slim = runbook.quickDowngrade.image;
  if (!slim || detect.containerKind !== 'init') return null;
  if (!buildImageSwapPatch({ kind: 'init', container: detect.container, image: slim }).ok) return null;
  return {
    title: 'Alternative: quick downgrade',
    severity: 'info',
    detail: `Swap initContainer ${detect.container} to the slim image ${slim} (at most ${runbook.quickDowngrade.maxImageMiB} MiB, digest-pinned) instead of raising the limit.`,
  };
}
