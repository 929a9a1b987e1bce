import { isClusterError } from '../../core/cluster-error.js';
import type { Cluster } from '../../core/ports.js';

/**
 * The image's size as the node that pulled it lists it (`status.images[].sizeBytes`), matched by
 * name or, when given, by its digest (a mirror or the docker.io/library/ prefix changes the name,
 * never the digest). Null, with the reason in `problems`, when the node does not say.
 */
export async function nodeImageSize(cluster: Cluster, node: string, image: string, problems: string[], digest?: string): Promise<{ bytes: number; from: string } | null> {
  try {
    const images = (await cluster.listNodes()).find((candidate) => candidate.metadata.name === node)?.status?.images ?? [];
    const held = images.find((entry) => entry.names?.some((name) => name === image || (digest !== undefined && name.endsWith(`@${digest}`))));
    if (held?.sizeBytes) return { bytes: held.sizeBytes, from: `node ${node}` };
    problems.push(`node ${node} does not list ${image}`);
  } catch (error) {
    if (!isClusterError(error)) throw error;
    problems.push(`node ${node}: ${error.message}`);
  }
  return null;
}
