import { isEvidenceError, type ImageFacts } from '../../core/evidence-ports.js';
import type { Cluster } from '../../core/ports.js';
import { checkSlimImage } from '../../core/rules/check-slim-image.js';
import type { ApplyResult, ProposeResult } from '../../core/step-results.js';
import { nodeImageSize } from '../image-facts/node-image-size.js';
import { verificationFailed, type StepOutcome } from '../step-types.js';

type Swap = NonNullable<ApplyResult['swap']>;
type Offer = NonNullable<ProposeResult['downgrade']>;

interface SwapCheck {
  cluster: Cluster;
  imageFacts: ImageFacts | null;
  namespace: string;
  pod: string;
  swap: Swap;
  offer: Offer;
}

/** The image's size: the node's image list (what the runtime pulled), else the registry. */
async function sizeOf(check: SwapCheck, node: string | undefined, problems: string[]): Promise<{ bytes: number; from: string } | null> {
  const atNode = node ? await nodeImageSize(check.cluster, node, check.swap.image, problems, check.offer.sha256) : null;
  if (atNode) return atNode;
  if (!check.imageFacts) return null;
  try {
    return { bytes: (await check.imageFacts.describe(check.swap.image)).sizeBytes, from: 'the registry' };
  } catch (error) {
    if (!isEvidenceError(error)) throw error;
    problems.push(`the registry: ${error.message}`);
    return null;
  }
}

/**
 * The seed's checks on the quick downgrade, once its pod is Initialized: the kubelet runs exactly
 * the pinned digest (the container status' imageID) and the image is within the size line. A swap
 * that fails them is not what was approved: the run ends and the runner rolls it back.
 */
export async function verifySwap(check: SwapCheck): Promise<StepOutcome> {
  const pod = await check.cluster.getPod(check.namespace, check.pod);
  const status = pod.status?.initContainerStatuses?.find((candidate) => candidate.name === check.swap.container);
  const notes: string[] = [];
  const size = await sizeOf(check, pod.spec.nodeName, notes);
  const verdict = checkSlimImage({
    reference: check.swap.image,
    expectedSha256: check.offer.sha256,
    maxSizeBytes: check.offer.maxBytes,
    observed: { imageID: status?.imageID ?? null, sizeBytes: size?.bytes ?? null },
  });
  if (!verdict.ok) {
    const message = `pod ${check.pod} is Initialized, but the swap is not what was approved: ${[...verdict.problems, ...notes].join('; ')}`;
    return verificationFailed('The quick downgrade did not verify', message, 'It is rolled back; approve the limit in a new run instead', true);
  }
  const mb = ((size?.bytes ?? 0) / 1e6).toFixed(1);
  return {
    status: 'succeeded',
    message: `new pod ${check.pod} is Initialized and runs exactly ${check.offer.sha256.slice(0, 19)}…, ${mb} MB (${size?.from ?? 'unknown'}), within ${check.offer.maxBytes / 1e6} MB`,
    result: { pod: check.pod },
  };
}
