import { describeSubject, type Incident } from '../incident.js';
import type { TimelineEvent } from '../timeline.js';
import { chartData } from './chart-data.js';
import { describeEvent } from './describe-event.js';
import { incidentFacts, type KeyTimes, type PatchRecord } from './incident-facts.js';
import { duration, relativeTime, utc } from './markdown-text.js';
import { escapeMarkup as e } from './markup-text.js';
import { renderChartSvg } from './render-chart-svg.js';

/*
 * The postmortem as one self-contained HTML page: the Markdown's sections plus the chart as inline
 * SVG. Inline CSS, no script, no external request (fonts, images, styles): it opens from a file,
 * an attachment or an air-gapped wiki alike, and its Content-Security-Policy forbids loading
 * anything should a future change try. Written as well-formed XML (every element closed, void
 * elements self-closed) so a strict parser can check it. Every text from the timeline is escaped.
 */

const STYLE = `
body { font: 15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; }
main { max-width: 1000px; margin: 0 auto; padding: 24px; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 16px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d8dee4; padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #d8dee4; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
pre { background: #f6f8fa; padding: 8px 12px; overflow-x: auto; }
.del { color: #c62828; }
.ins { color: #2e7d32; }
.met { color: #2e7d32; font-weight: bold; }
.missed { color: #c62828; font-weight: bold; }
.empty { color: #59636e; font-style: italic; }
`;

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, timeColumns = 0): string {
  const head = `<tr>${header.map((cell) => `<th>${cell}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell, index) => `<td${index < timeColumns ? ' class="time"' : ''}>${cell}</td>`).join('')}</tr>`);
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`;
}

function budgetCell(times: KeyTimes): string {
  const budget = duration(times.budgetSeconds);
  if (times.budgetMet === null) return `<span class="missed">not met</span>: no verified fix (budget ${budget})`;
  return `<span class="${times.budgetMet ? 'met' : 'missed'}">${times.budgetMet ? 'met' : 'missed'}</span>: fix verified ${duration(times.checklistSeconds)} after detection (budget ${budget})`;
}

function keyTimes(times: KeyTimes): string {
  const at = (time: string | null) => (time === null ? '—' : `${utc(time)} (${relativeTime(time, times.openedAt)})`);
  return [
    table(['Moment', 'UTC (T+ from detection)'], [
      ['OOM kill (impact start)', at(times.impactStartedAt)],
      ['Detected (incident opened)', at(times.openedAt)],
      ['Acknowledged (first decision)', at(times.acknowledgedAt)],
      ['Mitigated (fix verified)', at(times.mitigatedAt)],
      ['Closed', at(times.closedAt)],
    ]),
    table(['Measure', 'Value'], [
      ['MTTD (OOM kill → detected)', duration(times.mttdSeconds)],
      ['MTTA (detected → first decision)', duration(times.mttaSeconds)],
      ['MTTR (OOM kill → fix verified)', duration(times.mttrSeconds)],
      ['3-minute budget', budgetCell(times)],
    ]),
  ].join('\n');
}

function patchBlock(patch: PatchRecord): string {
  const keys = [...new Set([...Object.keys(patch.before), ...Object.keys(patch.after)])].sort();
  const lines = keys.flatMap((key) => {
    const [before, after] = [patch.before[key], patch.after[key]];
    if (before === after) return [`  ${e(key)}: ${e(before ?? '')}`];
    return [
      ...(before === undefined ? [] : [`<span class="del">- ${e(key)}: ${e(before)}</span>`]),
      ...(after === undefined ? [] : [`<span class="ins">+ ${e(key)}: ${e(after)}</span>`]),
    ];
  });
  const title = `${patch.kind === 'applied' ? 'Applied' : 'Rolled back'} ${utc(patch.at)} by ${patch.actor}: ${patch.workload}${patch.container ? `, container ${patch.container}` : ''}`;
  return `<p>${e(title)}</p>\n<pre>${lines.join('\n')}</pre>`;
}

const list = (items: string[], empty: string) => (items.length > 0 ? `<ul>\n${items.map((item) => `<li>${item}</li>`).join('\n')}\n</ul>` : `<p class="empty">${empty}</p>`);

/** The postmortem as a self-contained HTML page: a pure function of the incident and its timeline. */
export function renderPostmortemHtml(incident: Incident, events: readonly TimelineEvent[]): string {
  const facts = incidentFacts(incident, events);
  const subject = describeSubject(incident);
  const summary = [...events].reverse().find((event) => event.kind === 'incident.closed')?.data.summary;
  const container = incident.container ?? events.map((event) => (event.step === 'detect' ? event.data.container : undefined)).find((value) => typeof value === 'string') ?? null;
  const times = facts.keyTimes;
  const heading = `Postmortem: incident ${incident.id} — ${subject}`;
  const timelineRows = events.map((event) => {
    const { what, detail } = describeEvent(event);
    return [e(utc(event.at)), e(relativeTime(event.at, incident.openedAt)), e(event.actor), e(what), e(detail)];
  });
  const impact = `Pods of ${subject} could not finish initializing from the OOM kill at ${utc(times.impactStartedAt)} UTC ` +
    (times.mitigatedAt ? `until the fix was verified at ${utc(times.mitigatedAt)} UTC (${duration(times.mttrSeconds)}).` : 'with no verified fix in this timeline.');
  const body = [
    `<h1>${e(heading)}</h1>`,
    '<section>\n<h2>Summary</h2>\n<dl>',
    `<dt>Verdict</dt><dd>${e(incident.verdict ?? 'open (no verdict yet)')}</dd>`,
    ...(typeof summary === 'string' ? [`<dt>Outcome</dt><dd>${e(summary)}</dd>`] : []),
    `<dt>Workload</dt><dd>${e(subject)} in cluster ${e(incident.cluster)}</dd>`,
    `<dt>Pod</dt><dd>${e(incident.pod)}${container ? `, container ${e(container)}` : ''}</dd>`,
    `<dt>Trigger</dt><dd>${e(incident.trigger)}; status ${e(incident.status)}</dd>`,
    '</dl>\n</section>',
    `<section>\n<h2>Impact</h2>\n<p>${e(impact)}</p>\n</section>`,
    `<section>\n<h2>Chart</h2>\n<figure>\n${renderChartSvg(chartData(incident, events))}<figcaption>Memory against the limit, and each checklist step, on the budget's time axis from the OOM kill.</figcaption>\n</figure>\n</section>`,
    `<section>\n<h2>Key times</h2>\n${keyTimes(times)}\n</section>`,
    `<section>\n<h2>Timeline</h2>\n${table(['UTC', 'T+', 'Actor', 'Event', 'Details'], timelineRows, 2)}\n</section>`,
    `<section>\n<h2>Decisions</h2>\n${list(
      facts.decisions.map((d) => `${e(utc(d.at))} UTC — <strong>${e(d.decision)}</strong> by ${e(d.actor)}${d.limit ? ` (limit ${e(d.limit)})` : ''}${d.reason ? `: ${e(d.reason)}` : ''}`),
      'No decisions were recorded.',
    )}\n</section>`,
    `<section>\n<h2>Findings</h2>\n${list(
      facts.findings.map((f) => `<strong>${e(f.title)}</strong>${f.detail ? `: ${e(f.detail)}` : ''}${f.advice.length > 0 ? `\n<ul>${f.advice.map((advice) => `<li>${e(advice)}</li>`).join('')}</ul>` : ''}`),
      'No findings were recorded.',
    )}\n</section>`,
    `<section>\n<h2>Patch</h2>\n${facts.patches.length > 0 ? facts.patches.map(patchBlock).join('\n') : '<p class="empty">No patch was applied.</p>'}\n</section>`,
    `<section>\n<h2>Follow-ups</h2>\n${list(facts.followUps.map((item) => e(item)), 'None.')}\n</section>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    `<title>${e(heading)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
