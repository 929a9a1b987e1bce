import { describeBytes } from '../../core/rules/describe-bytes.js';
import type { EvidenceSource } from './evidence-source.js';

/**
 * The kill itself: a container the OOM killer ended at its limit needed more than that limit.
 * A lower bound, never a peak: what it would have used is unknown.
 */
export const theKill: EvidenceSource = {
  name: 'oom-kill',
  gather: async ({ required }) => {
    const detect = required('detect');
    if (detect.limitBytes === null) return { evidence: [], problem: `container ${detect.container} had no memory limit: the kill proves nothing about one` };
    return {
      evidence: [
        {
          source: 'oom-kill',
          kind: 'lower-bound',
          bytes: detect.limitBytes,
          detail: `OOMKilled at its ${describeBytes(detect.limitBytes)} limit: it needed more than that`,
          ...(detect.oomKilledAt ? { at: detect.oomKilledAt } : {}),
        },
      ],
    };
  },
};
