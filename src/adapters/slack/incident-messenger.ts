import type { Clock, IncidentStore, Logger, RunStore } from '../../core/ports.js';
import { SYSTEM_ACTOR } from '../../core/timeline.js';
import type { ScheduledWork } from '../../runbook/on-schedule.js';
import { buildCardView } from './card-view.js';
import { renderCard } from './card-blocks.js';
import type { ChatRef, OutboundMessage, SlackOutbound, ThreadFile } from './slack-outbound.js';
import type { StormDesk } from './storm-desk.js';

export interface MessengerDeps {
  slack: SlackOutbound;
  incidents: IncidentStore;
  runs: RunStore;
  clock: Clock;
  log: Logger;
  /** SLACK_CHANNEL: where cards go when the trigger brought no channel. */
  defaultChannel: string | null;
  /** Storm mode: incidents opening too fast share one storm card (absent: every incident gets its own card). */
  storms?: StormDesk;
}

/**
 * The live clock's pacing. chat.update is a Tier 3 method (about 50 calls a minute per workspace);
 * clock refreshes take at most `maxPerMinute` of them, so real updates always have room: each live
 * card is refreshed every `intervalMs`, or less often when many are live at once.
 */
export interface ClockPacing {
  intervalMs: number;
  maxPerMinute: number;
}

export const DEFAULT_CLOCK_PACING: ClockPacing = { intervalMs: 15_000, maxPerMinute: 30 };

/**
 * Everything oom-check says in Slack about an incident goes through here, in order per incident:
 * the card is posted once and then updated in place (requests for an update while one is queued
 * collapse into it, and it renders the store's newest state when it is sent), thread replies
 * follow the card. A call that fails for good is logged and written to the timeline; the queue
 * goes on. Rate limits (429 + Retry-After) are waited out in the pacer, for that method only. In
 * a storm, an incident without a card of its own is drawn on the storm card, and its thread is
 * the storm card's.
 */
export class IncidentMessenger {
  private readonly tails = new Map<number, Promise<void>>();
  private readonly cardQueued = new Set<number>();
  private readonly channelHints = new Map<number, string>();
  private readonly stormDecisions = new Map<number, number | null>();
  /** When each card was last sent (bot clock, ms): the live clock refreshes the ones due. */
  private readonly published = new Map<number, number>();

  constructor(private readonly deps: MessengerDeps) {}

  /** Storm mode's desk, when on. */
  get storms(): StormDesk | undefined {
    return this.deps.storms;
  }

  /**
   * Posts or updates the incident's card; `channel` is where a first post goes (else SLACK_CHANNEL).
   * A clock `tick` waits behind thread replies; a real change goes first.
   */
  refreshCard(incidentId: number, channel?: string, options: { tick?: boolean } = {}): Promise<void> {
    if (channel && !this.channelHints.has(incidentId)) this.channelHints.set(incidentId, channel);
    const storm = this.stormOnly(incidentId);
    if (storm !== null) return this.deps.storms!.refresh(storm);
    if (this.cardQueued.has(incidentId)) return this.tails.get(incidentId) ?? Promise.resolve();
    this.cardQueued.add(incidentId);
    return this.enqueue(incidentId, 'chat.update', async () => {
      this.cardQueued.delete(incidentId);
      await this.publishCard(incidentId, !options.tick);
    });
  }

  /** A reply in the card's thread (the card is posted first if it is not yet); an urgent one (an approval prompt) goes before other replies. */
  postInThread(incidentId: number, message: OutboundMessage, options: { urgent?: boolean } = {}): Promise<void> {
    return this.enqueue(incidentId, 'chat.postMessage', async () => {
      const chat = await this.ensureCard(incidentId);
      await this.deps.slack.post(chat.channel, { text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) }, chat.ts, { urgent: options.urgent === true });
    });
  }

  /** A link to the incident's card, once it is posted (after what is queued for it); null when Slack gives none. */
  async permalink(incidentId: number): Promise<string | null> {
    await (this.tails.get(incidentId) ?? Promise.resolve());
    const chat = this.deps.incidents.getIncident(incidentId)?.chat;
    if (!chat) return null;
    try {
      return await this.deps.slack.permalink(chat);
    } catch (error) {
      this.deps.log.warn({ err: error, incidentId }, 'Slack gave no link to the card; the answer names its channel instead');
      return null;
    }
  }

  /**
   * The cards' live clock as scheduled work on the bot's clock: every card whose run is still going
   * (a step working, an approval waiting) is re-rendered once its interval has passed since it was
   * last sent. The interval stretches with the number of live cards to keep within `maxPerMinute`.
   */
  clockSchedule(pacing: ClockPacing = DEFAULT_CLOCK_PACING): ScheduledWork {
    const tickMs = 1000;
    // Refreshes this tick may still send: maxPerMinute spread evenly, never saved up into a burst.
    let allowance = 0;
    return {
      name: 'card-clock',
      run: () => {
        const live = this.deps.runs.listUnfinishedRuns().filter((run) => this.deps.incidents.getIncident(run.incidentId)?.chat);
        const interval = Math.max(pacing.intervalMs, Math.ceil((live.length * 60_000) / pacing.maxPerMinute));
        const now = this.deps.clock.now().getTime();
        allowance = Math.min(1, allowance + (pacing.maxPerMinute * tickMs) / 60_000);
        const due: Array<{ incidentId: number; last: number }> = [];
        for (const run of live) {
          const last = this.published.get(run.incidentId);
          // A card this process has not sent yet (after a restart) starts its interval now: no burst of refreshes.
          if (last === undefined) this.published.set(run.incidentId, now);
          else if (now - last >= interval) due.push({ incidentId: run.incidentId, last });
        }
        for (const card of due.sort((a, b) => a.last - b.last)) {
          if (allowance < 1) break;
          allowance -= 1;
          void this.refreshCard(card.incidentId, undefined, { tick: true });
        }
      },
      nextInMs: () => tickMs,
    };
  }

  /** A file in the card's thread: the postmortem export, the chart at close. */
  uploadToThread(incidentId: number, file: ThreadFile): Promise<void> {
    return this.enqueue(incidentId, 'files.uploadV2', async () => {
      const chat = await this.ensureCard(incidentId);
      await this.deps.slack.upload(chat, file);
    });
  }

  /** Resolves when everything queued so far has been sent or given up on. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values(), this.deps.storms?.idle()]);
  }

  /** True when the incident has no card of its own and never will: it is listed on a storm card. */
  isStormOnly(incidentId: number): boolean {
    return this.stormOnly(incidentId) !== null;
  }

  /** The storm whose card stands for the incident, when it has no card of its own (deciding storm mode for a new incident). */
  private stormOnly(incidentId: number): number | null {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!this.deps.storms || !incident || incident.chat) return null;
    // Decided once: an incident whose own card is on its way never moves to a storm begun meanwhile.
    const decided = this.stormDecisions.get(incidentId);
    if (decided !== undefined) return decided;
    const channel = this.channelHints.get(incidentId) ?? this.deps.defaultChannel;
    const storm = channel ? (this.deps.storms.admit(incidentId, channel)?.id ?? null) : null;
    this.stormDecisions.set(incidentId, storm);
    return storm;
  }

  private async ensureCard(incidentId: number): Promise<ChatRef> {
    const chat = this.deps.incidents.getIncident(incidentId)?.chat;
    if (chat) return chat;
    const storm = this.stormOnly(incidentId);
    if (storm !== null) return this.deps.storms!.threadOf(storm);
    return this.publishCard(incidentId);
  }

  private async publishCard(incidentId: number, urgent = true): Promise<ChatRef> {
    const { incidents, runs, clock, slack } = this.deps;
    const incident = incidents.getIncident(incidentId);
    if (!incident) throw new Error(`incident ${incidentId} does not exist`);
    // Drawn when its turn comes: the card shows the store (and the clock) as they are when it is sent.
    const render = () => {
      this.published.set(incidentId, clock.now().getTime());
      return renderCard(buildCardView(incidents.getIncident(incidentId)!, runs.getRun(incidentId), incidents.timeline(incidentId), clock.now()));
    };
    if (incident.chat) {
      await slack.update(incident.chat, render, { urgent });
      return incident.chat;
    }
    const channel = this.channelHints.get(incidentId) ?? this.deps.defaultChannel;
    if (!channel) throw new Error('no channel to post the incident card in: set SLACK_CHANNEL');
    const posted = await slack.post(channel, render, undefined, { urgent });
    incidents.setChatRef(incidentId, posted);
    return posted;
  }

  private enqueue(incidentId: number, method: string, job: () => Promise<void>): Promise<void> {
    const run = async () => {
      try {
        await job();
      } catch (error) {
        this.failed(incidentId, method, error);
      }
    };
    const tail = (this.tails.get(incidentId) ?? Promise.resolve()).then(run);
    this.tails.set(incidentId, tail);
    const forget = () => {
      if (this.tails.get(incidentId) === tail) this.tails.delete(incidentId);
    };
    void tail.then(forget);
    return tail;
  }

  private failed(incidentId: number, method: string, error: unknown): void {
    const reason = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message ?? String(error);
    this.deps.log.error({ err: error, incidentId, method }, 'a Slack call failed for good');
    try {
      this.deps.incidents.append({
        incidentId,
        at: this.deps.clock.now().toISOString(),
        kind: 'delivery.failed',
        actor: SYSTEM_ACTOR,
        data: { method, message: `Slack ${method} failed: ${reason}` },
      });
    } catch (appendError) {
      this.deps.log.error({ err: appendError, incidentId }, 'cannot record the failed Slack call on the timeline');
    }
  }
}
