import pino from 'pino';
import { IncidentMessenger } from '../../../src/adapters/slack/incident-messenger.js';
import type { ChatRef, OutboundMessage, SlackOutbound } from '../../../src/adapters/slack/slack-outbound.js';
import { onSchedule } from '../../../src/runbook/on-schedule.js';
import { wireChecklist, type WiredChecklist } from '../../../src/wire-checklist.js';
import { FakeCluster } from '../../fakes/fake-cluster.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { defaultRunbook } from '../../support/default-runbook.js';

const log = pino({ level: 'silent' });

/** Slack's outbound side as the messenger uses it, recording each card update and when it went. */
class RecordingOutbound {
  readonly updates: Array<{ ts: string; at: number }> = [];
  constructor(private readonly clock: ManualClock) {}
  async update(chat: ChatRef, message: OutboundMessage | (() => OutboundMessage)): Promise<void> {
    // Drawn when sent, as SlackOutbound draws it once the pacer lets the call go.
    if (typeof message === 'function') message();
    this.updates.push({ ts: chat.ts, at: this.clock.now().getTime() });
  }
}

describe("the cards' live clock, paced within Slack's chat.update budget", () => {
  let checklist: WiredChecklist;
  let clock: ManualClock;
  let stop: AbortController;
  afterEach(async () => {
    stop.abort();
    await checklist.close();
  });

  function liveCards(count: number): void {
    for (let i = 0; i < count; i++) {
      const at = clock.now().toISOString();
      const { incident } = checklist.incidents.openIncident({ cluster: 'c', namespace: 'shop', pod: `p-${i}`, owner: { kind: 'Deployment', name: `w-${i}` }, container: null, trigger: 'slack', openedAt: at, actor: 'slack:U1' });
      checklist.runs.createRun(incident.id, { target: { cluster: 'c', namespace: 'shop', pod: `p-${i}` }, runbook: defaultRunbook(), maxLimitBytes: 1 }, at);
      checklist.incidents.setChatRef(incident.id, { channel: 'C1', ts: `1.${i}` });
    }
  }

  async function start(count: number): Promise<RecordingOutbound> {
    clock = new ManualClock();
    stop = new AbortController();
    checklist = wireChecklist({ dbPath: ':memory:', cluster: new FakeCluster(), clock, log });
    liveCards(count);
    const outbound = new RecordingOutbound(clock);
    const messenger = new IncidentMessenger({ slack: outbound as unknown as SlackOutbound, incidents: checklist.incidents, runs: checklist.runs, clock, log, defaultChannel: 'C1' });
    void onSchedule(clock, log, stop.signal, messenger.clockSchedule());
    return outbound;
  }

  test('one live card: redrawn every 15 s of the bot clock', async () => {
    const outbound = await start(1);
    await clock.advance(60_000);
    expect(outbound.updates.map((u) => u.at - Date.parse('2026-11-27T10:00:00.000Z'))).toEqual([15_000, 30_000, 45_000, 60_000]);
  });

  test('forty live cards at once: each less often, all together at most 30 updates a minute', async () => {
    const outbound = await start(40);
    await clock.advance(600_000);
    const start0 = Date.parse('2026-11-27T10:00:00.000Z');
    for (let minute = 0; minute < 10; minute++) {
      expect(outbound.updates.filter((u) => u.at >= start0 + minute * 60_000 && u.at < start0 + (minute + 1) * 60_000).length).toBeLessThanOrEqual(30);
    }
    const first = outbound.updates.filter((u) => u.ts === '1.0').map((u) => u.at - start0);
    // 40 cards x 60 s / 30 a minute: every 80 s each.
    expect(first.slice(0, 3)).toEqual([80_000, 160_000, 240_000]);
  });

  test('a finished run stops its clock', async () => {
    const outbound = await start(1);
    checklist.runs.transition(1, { at: clock.now().toISOString(), run: { status: 'finished', verdict: 'fixed' } });
    await clock.advance(60_000);
    expect(outbound.updates).toEqual([]);
  });
});
