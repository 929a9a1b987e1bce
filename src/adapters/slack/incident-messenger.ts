import type { Clock, IncidentStore, Logger, RunStore } from '../../core/ports.js';
import { SYSTEM_ACTOR } from '../../core/timeline.js';
import { buildCardView } from './card-view.js';
import { renderCard } from './card-blocks.js';
import type { Mrkdwn } from './mrkdwn.js';
import type { Pacer } from './pacer.js';
import type { ChatRef, OutboundMessage, SlackOutbound } from './slack-outbound.js';

export interface MessengerDeps {
  slack: SlackOutbound;
  incidents: IncidentStore;
  runs: RunStore;
  clock: Clock;
  log: Logger;
  /** SLACK_CHANNEL: where cards go when the trigger brought no channel. */
  defaultChannel: string | null;
  /** Spaces calls out to stay within Slack's rate limits. */
  pacer: Pacer;
}

/**
 * Everything oom-check says in Slack about an incident goes through here, in order per incident:
 * the card is posted once and then updated in place (requests for an update while one is queued
 * collapse into it, and it renders the store's newest state when it is sent), thread replies
 * follow the card. A call that fails for good is logged and written to the timeline; the queue
 * goes on. Rate limits (429 + Retry-After) are waited out by the WebClient, which retries.
 */
export class IncidentMessenger {
  private readonly tails = new Map<number, Promise<void>>();
  private readonly cardQueued = new Set<number>();
  private readonly channelHints = new Map<number, string>();

  constructor(private readonly deps: MessengerDeps) {}

  /** Posts or updates the incident's card; `channel` is where a first post goes (else SLACK_CHANNEL). */
  refreshCard(incidentId: number, channel?: string): Promise<void> {
    if (channel && !this.channelHints.has(incidentId)) this.channelHints.set(incidentId, channel);
    if (this.cardQueued.has(incidentId)) return this.tails.get(incidentId) ?? Promise.resolve();
    this.cardQueued.add(incidentId);
    return this.enqueue(incidentId, 'chat.update', async () => {
      this.cardQueued.delete(incidentId);
      await this.publishCard(incidentId);
    });
  }

  /** A reply in the card's thread (the card is posted first if it is not yet). */
  postInThread(incidentId: number, message: OutboundMessage): Promise<void> {
    return this.enqueue(incidentId, 'chat.postMessage', async () => {
      const chat = await this.ensureCard(incidentId);
      await this.deps.pacer.take();
      await this.deps.slack.post(chat.channel, message, chat.ts);
    });
  }

  /** A file in the card's thread: the postmortem export. */
  uploadToThread(incidentId: number, file: { filename: string; title: string; content: string; comment: Mrkdwn }): Promise<void> {
    return this.enqueue(incidentId, 'files.uploadV2', async () => {
      const chat = await this.ensureCard(incidentId);
      await this.deps.pacer.take();
      await this.deps.slack.upload(chat, file);
    });
  }

  /** Resolves when everything queued so far has been sent or given up on. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }

  private async ensureCard(incidentId: number): Promise<ChatRef> {
    const chat = this.deps.incidents.getIncident(incidentId)?.chat ?? (await this.publishCard(incidentId));
    return chat;
  }

  private async publishCard(incidentId: number): Promise<ChatRef> {
    const { incidents, runs, clock, slack } = this.deps;
    const incident = incidents.getIncident(incidentId);
    if (!incident) throw new Error(`incident ${incidentId} does not exist`);
    await this.deps.pacer.take(true);
    const card = renderCard(buildCardView(incident, runs.getRun(incidentId), incidents.timeline(incidentId), clock.now()));
    if (incident.chat) {
      await slack.update(incident.chat, card);
      return incident.chat;
    }
    const channel = this.channelHints.get(incidentId) ?? this.deps.defaultChannel;
    if (!channel) throw new Error('no channel to post the incident card in: set SLACK_CHANNEL');
    const posted = await slack.post(channel, card);
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
