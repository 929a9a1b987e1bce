import type { Evidence } from '../../core/evidence.js';
import type { StepContext } from '../step-types.js';

/** What one source found: evidence, or a line saying why it had none (not set up, not running...). */
export interface SourceAnswer {
  evidence: Evidence[];
  problem?: string;
  /** RSS samples, kept for the postmortem's chart. */
  samples?: number[];
}

/** One rung of the evidence ladder; a source never throws for a cluster that does not answer. */
export interface EvidenceSource {
  name: string;
  gather(context: StepContext<'evidence'>): Promise<SourceAnswer>;
}

export const nothing = (problem: string): SourceAnswer => ({ evidence: [], problem });
