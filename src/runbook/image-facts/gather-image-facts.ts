import { isClusterError } from '../../core/cluster-error.js';
import { isEvidenceError, type ImageFacts } from '../../core/evidence-ports.js';
import type { ImageInfo, Pod } from '../../core/k8s-types.js';
import type { Cluster } from '../../core/ports.js';
import { IMAGE_INFO_ANNOTATION } from '../../core/rules/endpoint-from-annotation.js';
import { parseImageInfo } from '../../core/rules/parse-image-info.js';
import { endpointFor } from '../steps/endpoint-for.js';
import { nodeImageSize } from './node-image-size.js';

export interface ImageFactsFound {
  /** image-info as an endpoint served it, and which pod served it. */
  info: { value: ImageInfo; from: string } | null;
  /** The image's size in bytes, and where it was read (a node's image list, the registry). */
  size: { bytes: number; from: string } | null;
  /** The Go version the registry's labels or history name, when no endpoint said. */
  goVersion: { value: string; from: string } | null;
  layers: { value: Array<{ digest: string; size: number }>; from: string } | null;
  /** Each place that had nothing, and why. */
  problems: string[];
}

interface Where {
  cluster: Cluster;
  namespace: string;
  pod: Pod;
  image: string;
  settings: { port: number | string; path: string; timeoutSeconds: number };
  imageFacts: ImageFacts | null;
}

const MAX_OTHER_PODS = 3;

/** The reason in an error answer: the API server's Status message (e.g. "connection refused"), else the text's start. */
function why(body: string): string {
  let text = body.trim();
  try {
    const status = JSON.parse(text) as { message?: unknown };
    if (typeof status.message === 'string') text = status.message;
  } catch {
    // Not JSON: the app's own text.
  }
  return text ? ` (${text.slice(0, 120)})` : '';
}

async function endpointOf(where: Where, pod: Pod): Promise<{ ok: true; info: ImageInfo } | { ok: false; problem: string }> {
  const endpoint = endpointFor(pod.metadata.annotations ?? {}, IMAGE_INFO_ANNOTATION, where.settings);
  try {
    const response = await where.cluster.proxyGet(where.namespace, pod.metadata.name, endpoint.port, endpoint.path, where.settings.timeoutSeconds * 1000);
    if (response.status < 200 || response.status > 299) return { ok: false, problem: `pod ${pod.metadata.name} ${endpoint.port}${endpoint.path}: HTTP ${response.status}${why(response.body)}` };
    const parsed = parseImageInfo(response.body);
    return parsed.ok ? { ok: true, info: parsed.info } : { ok: false, problem: `pod ${pod.metadata.name}: malformed image-info: ${parsed.problem}` };
  } catch (error) {
    if (!isClusterError(error)) throw error;
    return { ok: false, problem: `pod ${pod.metadata.name}: ${error.message}` };
  }
}

/** Other pods of the namespace running a container of this very image: the old ReplicaSet mid-rollout, or another workload. */
function runningPeers(pods: Pod[], self: Pod, image: string): Pod[] {
  return pods
    .filter((pod) => pod.metadata.name !== self.metadata.name && !pod.metadata.deletionTimestamp)
    .filter((pod) =>
      [...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((container) => {
        if (container.image !== image) return false;
        const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
        return statuses.some((status) => status.name === container.name && status.state?.running);
      }),
    )
    .slice(0, MAX_OTHER_PODS);
}

/**
 * Image facts from where they really are, in this order, each recorded with its source: the pod's
 * own endpoint while a container that serves it runs (a crash-looping one serves nothing); another
 * running pod of the same image; the node's image list for the size; the registry's manifest and
 * config for layers, size and Go version.
 */
export async function gatherImageFacts(where: Where): Promise<ImageFactsFound> {
  const found: ImageFactsFound = { info: null, size: null, goVersion: null, layers: null, problems: [] };
  const own = await endpointOf(where, where.pod);
  if (own.ok) return { ...found, info: { value: own.info, from: `pod ${where.pod.metadata.name}` } };
  found.problems.push(own.problem);
  // The cluster-wide listing is the one proposals share (see share-wide-reads); peers stay in the pod's namespace.
  const pods = (await where.cluster.listPods(null, '')).filter((pod) => pod.metadata.namespace === where.namespace);
  const peers = runningPeers(pods, where.pod, where.image);
  if (peers.length === 0) found.problems.push(`no other running pod of ${where.image} in ${where.namespace}`);
  for (const peer of peers) {
    const answer = await endpointOf(where, peer);
    if (answer.ok) return { ...found, info: { value: answer.info, from: `pod ${peer.metadata.name} (same image)` } };
    found.problems.push(answer.problem);
  }
  const node = where.pod.spec.nodeName;
  if (node) found.size = await nodeImageSize(where.cluster, node, where.image, found.problems);
  if (!where.imageFacts) {
    found.problems.push('no registry configured for image facts');
    return found;
  }
  try {
    const described = await where.imageFacts.describe(where.image);
    found.size ??= { bytes: described.sizeBytes, from: 'the registry' };
    found.layers = { value: described.layers, from: 'the registry' };
    if (described.goVersion) found.goVersion = { value: described.goVersion, from: 'the registry' };
  } catch (error) {
    if (!isEvidenceError(error)) throw error;
    found.problems.push(`registry: ${error.message}`);
  }
  return found;
}
