import { renderPostmortemJson, POSTMORTEM_SCHEMA_VERSION } from '../../../src/core/postmortem/render-json.js';
import { renderPostmortemMarkdown } from '../../../src/core/postmortem/render-markdown.js';
import { incidentFacts } from '../../../src/core/postmortem/incident-facts.js';
import { cell } from '../../../src/core/postmortem/markdown-text.js';
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
    // A tag Markdown would read is escaped with a backslash, which reads as the text it was.
    expect(markdown).not.toMatch(/(?<!\\)<script>/);
    expect(markdown).toContain('\\<script>alert("x")\\</script>');
    // A pair of backticks is a code span: literal, as its writer meant it.
    expect(markdown).toContain('new line `code`');
    expect(markdown).not.toContain('[link](http://evil)');
    expect(markdown).not.toMatch(new RegExp(`^${'new line'}`, 'm'));
    const json = JSON.parse(renderPostmortemJson(fixedIncident.incident, fixedIncident.events)) as {
      schemaVersion: number;
      timeline: Array<{ data: { text?: string } }>;
    };
    expect(json.schemaVersion).toBe(POSTMORTEM_SCHEMA_VERSION);
    expect(json.timeline.some((event) => event.data.text === HOSTILE)).toBe(true);
  });

  test('the raw Markdown reads as written: no HTML entities, no escaped backticks, no null fields', () => {
    const markdown = renderPostmortemMarkdown(fixedIncident.incident, fixedIncident.events);
    expect(markdown).toContain('limit 64Mi -> 128Mi awaits approval');
    expect(markdown).not.toMatch(/&(?:amp|lt|gt|quot|#\d+);/);
    expect(markdown).not.toContain('\\`');
    expect(markdown).toContain('Build with CGO_ENABLED=0 -tags netgo');
    expect(renderPostmortemMarkdown(openIncident.incident, openIncident.events)).not.toMatch(/: null\b/);
  });

  test.each([
    ['64Mi -> 128Mi & more', '64Mi -> 128Mi & more'],
    ['container `migrate` failed', 'container `migrate` failed'],
    ['a lone ` backtick', 'a lone ` backtick'],
    ['<b>bold</b> &amp; <https://evil>', '\\<b>bold\\</b> \\&amp; \\<https://evil>'],
    ['> quoted, *em*, _it_, snake_case', '\\> quoted, \\*em\\*, \\_it\\_, snake_case'],
    ['a | b `c | d`', 'a \\| b `c \\| d`'],
    ['two\nlines `and\ncode`', 'two<br>lines `and code`'],
  ])('cell(%j) -> %j', (text, expected) => {
    expect(cell(text)).toBe(expected);
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
