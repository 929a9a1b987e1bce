import { renderPostmortemJson, POSTMORTEM_SCHEMA_VERSION } from '../../../src/core/postmortem/render-json.js';
import { renderPostmortemMarkdown } from '../../../src/core/postmortem/render-markdown.js';
import { incidentFacts } from '../../../src/core/postmortem/incident-facts.js';
import { expectGolden } from '../../golden.js';
import { fixedIncident, HOSTILE, openIncident } from './sample-incidents.js';

describe('postmortem export', () => {
  test.each([
    ['fixed', fixedIncident],
    ['open', openIncident],
  ])('the %s incident renders to its golden Markdown and JSON', (name, { incident, events }) => {
    expectGolden(`postmortem/${name}.md`, renderPostmortemMarkdown(incident, events));
    expectGolden(`postmortem/${name}.json`, renderPostmortemJson(incident, events));
  });

  test('is deterministic and does not change its input', () => {
    const before = structuredClone(fixedIncident);
    const first = renderPostmortemMarkdown(fixedIncident.incident, fixedIncident.events);
    expect(renderPostmortemMarkdown(fixedIncident.incident, fixedIncident.events)).toBe(first);
    expect(fixedIncident).toEqual(before);
  });

  test('key times: MTTD, MTTA, MTTR and the 3-minute budget', () => {
    const { keyTimes } = incidentFacts(fixedIncident.incident, fixedIncident.events);
    expect(keyTimes).toMatchObject({
      impactStartedAt: '2026-11-27T09:59:20.000Z',
      mttdSeconds: 40,
      mttaSeconds: 65,
      mttrSeconds: 172,
      checklistSeconds: 132,
      budgetSeconds: 180,
      budgetMet: true,
    });
    expect(incidentFacts(openIncident.incident, openIncident.events).keyTimes).toMatchObject({
      mttaSeconds: null,
      mttrSeconds: null,
      budgetMet: null,
    });
  });

  test('a late fix misses the budget', () => {
    const late = fixedIncident.events.map((event) =>
      event.kind === 'incident.mitigated' ? { ...event, at: '2026-11-27T10:03:01.000Z' } : event,
    );
    const markdown = renderPostmortemMarkdown(fixedIncident.incident, late);
    expect(markdown).toContain('| 3-minute budget | missed: fix verified 3:01 after detection (budget 3:00) |');
  });

  test('hostile text cannot break the table or inject markup', () => {
    const markdown = renderPostmortemMarkdown(fixedIncident.incident, fixedIncident.events);
    const noteRow = markdown.split('\n').find((line) => line.includes('Note:'));
    expect(noteRow).toBeDefined();
    // Every unescaped pipe is a column border: the row keeps exactly the table's 5 columns.
    expect(noteRow!.match(/(?<!\\)\|/g)).toHaveLength(6);
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('&lt;script&gt;');
    expect(markdown).not.toContain('`code`');
    expect(markdown).not.toContain('[link](http://evil)');
    expect(markdown).not.toMatch(new RegExp(`^${'new line'}`, 'm'));
    const json = JSON.parse(renderPostmortemJson(fixedIncident.incident, fixedIncident.events)) as {
      schemaVersion: number;
      timeline: Array<{ data: { text?: string } }>;
    };
    expect(json.schemaVersion).toBe(POSTMORTEM_SCHEMA_VERSION);
    expect(json.timeline.some((event) => event.data.text === HOSTILE)).toBe(true);
  });

  test('backticks in a patch value cannot close the diff fence', () => {
    const events = fixedIncident.events.map((event) =>
      event.kind === 'patch.applied' ? { ...event, data: { ...event.data, after: { image: 'x```\n# injected' } } } : event,
    );
    const markdown = renderPostmortemMarkdown(fixedIncident.incident, events);
    expect(markdown).toContain('````diff');
    expect(markdown).toContain('+ image: x```\n# injected\n');
    expect(markdown.split('\n').filter((line) => /^`{3,}/.test(line))).toEqual(['````diff', '````']);
  });
});
