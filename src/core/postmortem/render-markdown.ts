import { describeSubject, type Incident } from '../incident.js';
import type { TimelineEvent } from '../timeline.js';
import { triageFacts } from '../triage.js';
import { describeEvent } from './describe-event.js';
import { incidentFacts, textField, type KeyTimes, type PatchRecord } from './incident-facts.js';
import { cell, codeBlock, duration, inline, relativeTime, table, utc } from './markdown-text.js';

function budgetLine(times: KeyTimes): string {
  const budget = duration(times.budgetSeconds);
  if (times.budgetMet === null) return `not met: no verified fix (budget ${budget})`;
  return `${times.budgetMet ? 'met' : 'missed'}: fix verified ${duration(times.checklistSeconds)} after detection (budget ${budget})`;
}

function keyTimesSection(times: KeyTimes): string {
  const at = (time: string | null) => (time === null ? '—' : `${utc(time)} (${relativeTime(time, times.openedAt)})`);
  return table(
    ['Moment', 'UTC (T+ from detection)'],
    [
      ['OOM kill (impact start)', at(times.impactStartedAt)],
      ['Detected (incident opened)', at(times.openedAt)],
      ['Acknowledged (first decision)', at(times.acknowledgedAt)],
      ['Mitigated (fix verified)', at(times.mitigatedAt)],
      ['Closed', at(times.closedAt)],
    ],
  ) +
    '\n\n' +
    table(
      ['Measure', 'Value'],
      [
        ['MTTD (OOM kill → detected)', duration(times.mttdSeconds)],
        ['MTTA (detected → first decision)', duration(times.mttaSeconds)],
        ['MTTR (OOM kill → fix verified)', duration(times.mttrSeconds)],
        ['3-minute budget', budgetLine(times)],
      ],
    );
}

function patchDiff(patch: PatchRecord): string {
  const keys = [...new Set([...Object.keys(patch.before), ...Object.keys(patch.after)])].sort();
  const lines = keys.flatMap((key) => {
    const [before, after] = [patch.before[key], patch.after[key]];
    if (before === after) return [`  ${key}: ${before}`];
    return [...(before === undefined ? [] : [`- ${key}: ${before}`]), ...(after === undefined ? [] : [`+ ${key}: ${after}`])];
  });
  const title = `${patch.kind === 'applied' ? 'Applied' : 'Rolled back'} ${utc(patch.at)} by ${patch.actor}: ${patch.workload}` +
    (patch.container ? `, container ${patch.container}` : '');
  return `${inline(title)}\n\n${codeBlock(lines.join('\n'), 'diff')}`;
}

const list = (items: string[], empty: string) => (items.length > 0 ? items.join('\n') : empty);

/** The postmortem as Markdown: a pure function of the incident and its timeline, the same bytes every time. */
export function renderPostmortemMarkdown(incident: Incident, events: readonly TimelineEvent[]): string {
  const facts = incidentFacts(incident, events);
  const subject = describeSubject(incident);
  const closing = [...events].reverse().find((event) => event.kind === 'incident.closed');
  const summary = closing?.data.summary;
  // Triggers open incidents before detect names the container; detect's row has it.
  const container = incident.container ?? events.map((event) => (event.step === 'detect' ? event.data.container : undefined)).find((value) => typeof value === 'string') ?? null;
  const timelineRows = events.map((event) => {
    const { what, detail } = describeEvent(event);
    return [utc(event.at), relativeTime(event.at, incident.openedAt), cell(event.actor), cell(what), cell(detail)];
  });
  // TTA counts from the kill as the card's clock does: the time detect read from the pod.
  const killedAt = events.map((event) => textField(event.data, 'oomKilledAt')).find((at) => at !== null) ?? null;
  const triage = triageFacts(events, { killedAt, openedAt: incident.openedAt });
  const severity = triage.severity
    ? [`- **Severity:** ${triage.severity.level}${triage.severity.reason ? ` — ${inline(triage.severity.reason)}` : ''} (${triage.severity.assessed ? 'from the impact when the incident opened' : `set by ${inline(triage.severity.actor)} at ${utc(triage.severity.at)} UTC`})`]
    : [];
  const owner = triage.owner
    ? [`- **Owner:** ${inline(triage.owner.owner)}, acknowledged at ${utc(triage.owner.acknowledgedAt)} UTC: TTA ${duration(triage.owner.ttaMs / 1000)} from the ${triage.owner.from === 'kill' ? 'OOM kill' : 'detection'}`]
    : [];
  const sections = [
    `# Postmortem: incident ${incident.id} — ${inline(subject)}`,
    '## Summary',
    [
      `- **Verdict:** ${inline(incident.verdict ?? 'open (no verdict yet)')}`,
      ...(typeof summary === 'string' ? [`- **Outcome:** ${inline(summary)}`] : []),
      `- **Workload:** ${inline(subject)} in cluster ${inline(incident.cluster)}`,
      `- **Pod:** ${inline(incident.pod)}${container ? `, container ${inline(container)}` : ''}`,
      `- **Trigger:** ${inline(incident.trigger)}; status ${incident.status}`,
      ...severity,
      ...owner,
    ].join('\n'),
    '## Impact',
    `Pods of ${inline(subject)} could not finish initializing from the OOM kill at ${utc(facts.keyTimes.impactStartedAt)} UTC ` +
      (facts.keyTimes.mitigatedAt
        ? `until the fix was verified at ${utc(facts.keyTimes.mitigatedAt)} UTC (${duration(facts.keyTimes.mttrSeconds)}).`
        : 'with no verified fix in this timeline.'),
    '## Key times',
    keyTimesSection(facts.keyTimes),
    '## Timeline',
    table(['UTC', 'T+', 'Actor', 'Event', 'Details'], timelineRows),
    '## Decisions',
    list(
      facts.decisions.map(
        (d) => `- ${utc(d.at)} UTC — **${inline(d.decision)}** by ${inline(d.actor)}` +
          `${d.limit ? ` (limit ${inline(d.limit)})` : ''}${d.reason ? `: ${inline(d.reason)}` : ''}`,
      ),
      '_No decisions were recorded._',
    ),
    '## Findings',
    list(
      facts.findings.map(
        (f) => `- **${inline(f.title)}**${f.detail ? `: ${inline(f.detail)}` : ''}` +
          f.advice.map((advice) => `\n  - ${inline(advice)}`).join(''),
      ),
      '_No findings were recorded._',
    ),
    '## Patch',
    facts.patches.length > 0 ? facts.patches.map(patchDiff).join('\n\n') : '_No patch was applied._',
    '## Follow-ups',
    list(facts.followUps.map((item) => `- [ ] ${inline(item)}`), '_None._'),
  ];
  return `${sections.join('\n\n')}\n`;
}
