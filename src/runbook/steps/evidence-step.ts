import { isClusterError } from '../../core/cluster-error.js';
import type { Finding } from '../../core/finding.js';
import { isEvidenceError } from '../../core/evidence-ports.js';
import type { EvidenceSource, SourceAnswer } from '../evidence/evidence-source.js';
import type { Step } from '../step-types.js';

/**
 * Gathers what is known about the container's memory from every source that answers: each piece
 * of evidence is a finding with its numbers, each silent source a line saying why. Propose rests
 * on the best of them.
 */
export function evidenceStep(sources: readonly EvidenceSource[]): Step<'evidence'> {
  return async (context) => {
    const answers: SourceAnswer[] = await Promise.all(
      sources.map((source) =>
        source.gather(context).catch((error: unknown): SourceAnswer => {
          // A source that cannot answer is a line in the finding; the others still count.
          if (!isClusterError(error) && !isEvidenceError(error)) throw error;
          return { evidence: [], problem: `${source.name}: ${error.message}` };
        }),
      ),
    );
    const evidence = answers.flatMap((answer) => answer.evidence);
    const problems = answers.flatMap((answer) => (answer.problem ? [answer.problem] : []));
    const samples = answers.flatMap((answer) => answer.samples ?? []);
    const finding: Finding = {
      title: evidence.some((e) => e.kind === 'measured-peak') ? 'Memory evidence: a measured peak' : 'Memory evidence: only a lower bound',
      severity: 'info',
      detail: evidence.map((e) => `${e.kind === 'measured-peak' ? 'peak' : 'at least'}: ${e.detail}`).join('\n') || 'no source answered',
      ...(problems.length > 0 ? { advice: problems.map((problem) => `no answer: ${problem}`) } : {}),
    };
    const peaks = evidence.filter((e) => e.kind === 'measured-peak').map((e) => e.bytes);
    return {
      status: 'succeeded',
      // What the postmortem's chart draws: the samples and the measured peak, on this step's row.
      timeline: { ...(samples.length > 0 ? { samples, intervalMs: context.runbook.steps['rss-peak'].intervalMs } : {}), ...(peaks.length > 0 ? { peakBytes: Math.max(...peaks) } : {}) },
      message: `${evidence.length} piece${evidence.length === 1 ? '' : 's'} of evidence (${[...new Set(evidence.map((e) => e.source))].join(', ') || 'none'})`,
      result: { evidence, problems, ...(samples.length > 0 ? { samples } : {}) },
      findings: [finding],
    };
  };
}
