import type { TimelineData } from './timeline.js';

/**
 * What a step found, in words and structure but in no chat's format: the CLI prints it as text,
 * Slack renders it as blocks, the postmortem lists it.
 */
export interface Finding {
  title: string;
  severity: 'info' | 'warning' | 'critical';
  detail?: string;
  advice?: string[];
  /** A before/after of settings, e.g. `limits.memory`. */
  diff?: { before: Record<string, string>; after: Record<string, string> };
}

export function findingData(finding: Finding): TimelineData {
  return {
    title: finding.title,
    severity: finding.severity,
    ...(finding.detail !== undefined ? { detail: finding.detail } : {}),
    ...(finding.advice && finding.advice.length > 0 ? { advice: finding.advice } : {}),
    ...(finding.diff ? { before: finding.diff.before, after: finding.diff.after } : {}),
  };
}
