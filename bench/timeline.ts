/**
 * Timeline throughput: 100k events appended one by one and in batches, then a 10k-event incident
 * exported to Markdown and JSON. Runs on a real SQLite file (WAL) in a temp folder.
 * Run: npm run bench:timeline
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../src/adapters/sqlite/sqlite-incident-store.js';
import type { NewTimelineEvent } from '../src/core/timeline.js';
import { renderPostmortemJson } from '../src/core/postmortem/render-json.js';
import { renderPostmortemMarkdown } from '../src/core/postmortem/render-markdown.js';

const EVENTS = 100_000;
const BATCH = 1_000;
const EXPORT_EVENTS = 10_000;

function event(incidentId: number, index: number): NewTimelineEvent {
  const at = new Date(Date.UTC(2026, 10, 27, 10) + index * 10).toISOString();
  const kinds = ['step.started', 'step.succeeded', 'finding', 'note'] as const;
  return {
    incidentId,
    at,
    kind: kinds[index % kinds.length]!,
    actor: index % 7 === 0 ? 'slack:U01ONCALL' : 'oom-check',
    step: 'image-info',
    data: { message: `event ${index} | with <markup> and \`ticks\``, elapsedMs: index, title: `finding ${index}` },
  };
}

/** Median of `runs` timings: the first run of a render also pays for JIT warm-up. */
function time(label: string, count: number, work: () => void, runs = 1): void {
  const timings = Array.from({ length: runs }, () => {
    const start = performance.now();
    work();
    return performance.now() - start;
  }).sort((a, b) => a - b);
  const ms = timings[Math.floor(runs / 2)]!;
  if (runs > 1) label += ` (median of ${runs})`;
  const rate = count > 1 ? `, ${Math.round((count / ms) * 1000).toLocaleString('en-US')} events/s` : '';
  console.log(`${label.padEnd(56)} ${ms.toFixed(1).padStart(9)} ms${rate}`);
}

const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-'));
try {
  const store = new SqliteIncidentStore(openDatabase(join(dir, 'bench.db')).db);
  const open = (pod: string) =>
    store.openIncident({ cluster: 'bench', namespace: 'shop', pod, owner: null, container: 'migrate', trigger: 'cli', openedAt: '2026-11-27T10:00:00.000Z', actor: 'bench' }).incident.id;

  const single = open('one-by-one');
  time(`append ${EVENTS.toLocaleString('en-US')} events one by one`, EVENTS, () => {
    for (let i = 0; i < EVENTS; i++) store.append(event(single, i));
  });

  const batched = open('batched');
  const events = Array.from({ length: EVENTS }, (_, i) => event(batched, i));
  time(`append ${EVENTS.toLocaleString('en-US')} events in batches of ${BATCH}`, EVENTS, () => {
    for (let i = 0; i < EVENTS; i += BATCH) store.appendMany(events.slice(i, i + BATCH));
  });

  const exported = open('exported');
  store.appendMany(Array.from({ length: EXPORT_EVENTS }, (_, i) => event(exported, i)));
  const incident = store.getIncident(exported)!;
  let timeline = store.timeline(exported);
  time(`read a ${EXPORT_EVENTS.toLocaleString('en-US')}-event timeline`, 1, () => {
    timeline = store.timeline(exported);
  });
  let bytes = 0;
  time('export it to Markdown', 1, () => {
    bytes = renderPostmortemMarkdown(incident, timeline).length;
  }, 5);
  time('export it to JSON', 1, () => {
    renderPostmortemJson(incident, timeline);
  }, 5);
  console.log(`(Markdown postmortem: ${(bytes / 1024).toFixed(0)} KiB; node ${process.version})`);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
