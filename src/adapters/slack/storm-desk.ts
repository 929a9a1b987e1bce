import type { Clock, IncidentStore, Logger, RunStore, Storm, StormStore } from '../../core/ports.js';
import { stepOf } from '../../core/run.js';
import { stormVerdict, windowStart, type StormSettings } from '../../core/rules/storm-mode.js';
import { SYSTEM_ACTOR } from '../../core/timeline.js';
import type { ScheduledWork } from '../../runbook/on-schedule.js';
import { buildCardView } from './card-view.js';
import { md, type Mrkdwn } from './mrkdwn.js';
import type { ChatRef, SlackOutbound } from './slack-outbound.js';
import { renderStormCard, type StormMember } from './storm-card.js';

export interface StormDeskDeps {
  storms: StormStore;
  incidents: IncidentStore;
  runs: RunStore;
  clock: Clock;
  log: Logger;
  slack: SlackOutbound;
  /** SLACK_CHANNEL: storms happen there (a person's `/oom-check` in another channel always gets its own card). */
  defaultChannel: string | null;
  settings: StormSettings;
  /** The approvers as notifying mentions, for the storm thread's one prompt. */
  approvers: () => Mrkdwn;
}

/**
 * Storm mode. Decides, when an incident would get its first card in the default channel, whether
 * it goes on the storm card instead (more than `threshold` incidents opened within the window);
 * posts and updates the storm card (updates collapse: the card is drawn from the store when its
 * turn comes); ends the storm once the rate falls. An incident listed on the storm card without a
 * card of its own has the storm card's thread as its thread.
 */
export class StormDesk {
  private readonly queued = new Set<number>();
  private readonly tails = new Map<number, Promise<void>>();
  /** Storms whose approvers were told proposals wait, with how many then. */
  private readonly prompted = new Map<number, number>();

  constructor(private readonly deps: StormDeskDeps) {}

  /** The storm the incident is listed on, if any (a new incident joins or starts one when the rate says so). */
  admit(incidentId: number, channel: string): Storm | null {
    const { storms, clock, settings } = this.deps;
    const listed = storms.stormOf(incidentId);
    if (listed) return listed;
    if (channel !== this.deps.defaultChannel) return null;
    const now = clock.now();
    const recent = storms.openedSince(windowStart(now, settings));
    let storm = storms.running();
    const verdict = stormVerdict(recent.length, storm !== undefined, settings);
    if (verdict === 'end') this.end(storm!);
    if (verdict === 'calm' || verdict === 'end') return null;
    if (!storm) {
      storm = storms.start(channel, now.toISOString());
      this.deps.log.warn({ stormId: storm.id, opened: recent.length, windowMs: settings.windowMs }, 'storm mode: incidents open faster than the threshold; one storm card lists them');
      // The storm lists the incidents of the window that brought it, those with cards of their own too.
      for (const id of recent) if (id !== incidentId) this.join(storm, id);
    }
    this.join(storm, incidentId);
    return storm;
  }

  /** Where a storm member without a card of its own gets its thread replies: the storm card (posted first if need be). */
  async threadOf(stormId: number): Promise<ChatRef> {
    const storm = this.deps.storms.get(stormId);
    if (!storm) throw new Error(`storm ${stormId} does not exist`);
    return { channel: storm.channel, ts: storm.ts ?? (await this.publish(stormId)) };
  }

  /** Redraws the storm card (or posts it); a redraw asked for while one is queued joins it. */
  refresh(stormId: number): Promise<void> {
    if (this.queued.has(stormId)) return this.tails.get(stormId) ?? Promise.resolve();
    this.queued.add(stormId);
    const tail = (this.tails.get(stormId) ?? Promise.resolve()).then(async () => {
      this.queued.delete(stormId);
      try {
        await this.publish(stormId);
        await this.promptApprovers(stormId);
      } catch (error) {
        this.deps.log.error({ err: error, stormId }, 'the storm card could not be sent; the next change tries again');
      }
    });
    this.tails.set(stormId, tail);
    return tail;
  }

  /** Ends the running storm once the opening rate falls to the threshold. */
  schedule(everyMs = 5_000): ScheduledWork {
    return {
      name: 'storm-mode',
      run: () => {
        const storm = this.deps.storms.running();
        if (!storm) return;
        const recent = this.deps.storms.openedSince(windowStart(this.deps.clock.now(), this.deps.settings));
        if (stormVerdict(recent.length, true, this.deps.settings) === 'end') this.end(storm);
      },
      nextInMs: () => everyMs,
    };
  }

  storm(stormId: number): Storm | undefined {
    return this.deps.storms.get(stormId);
  }

  members(stormId: number): StormMember[] {
    const { incidents, runs, storms, clock } = this.deps;
    const now = clock.now();
    return storms.members(stormId).flatMap((id) => {
      const incident = incidents.getIncident(id);
      if (!incident) return [];
      const run = runs.getRun(id);
      return [{ view: buildCardView(incident, run, incidents.timeline(id), now), image: run ? (stepOf(run, 'detect').result.image ?? null) : null }];
    });
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }

  private join(storm: Storm, incidentId: number): void {
    const at = this.deps.clock.now().toISOString();
    this.deps.storms.join(storm.id, incidentId, at);
    const own = this.deps.incidents.getIncident(incidentId)?.chat !== null;
    this.deps.incidents.append({
      incidentId,
      at,
      kind: 'storm.joined',
      actor: SYSTEM_ACTOR,
      data: { storm: storm.id, message: own ? `listed on storm card ${storm.id}; it keeps its own card` : `listed on storm card ${storm.id} instead of a card of its own; its thread is the storm card's` },
    });
  }

  private end(storm: Storm): void {
    this.deps.storms.end(storm.id, this.deps.clock.now().toISOString());
    this.deps.log.info({ stormId: storm.id }, 'storm mode ends: the opening rate fell to the threshold');
    void this.refresh(storm.id);
  }

  private async publish(stormId: number): Promise<string> {
    const { storms, slack, settings } = this.deps;
    const storm = storms.get(stormId);
    if (!storm) throw new Error(`storm ${stormId} does not exist`);
    const render = () => renderStormCard(storms.get(stormId)!, this.members(stormId), settings);
    if (storm.ts) {
      await slack.update({ channel: storm.channel, ts: storm.ts }, render, { urgent: true });
      return storm.ts;
    }
    const posted = await slack.post(storm.channel, render, undefined, { urgent: true });
    storms.setCard(stormId, posted.ts);
    return posted.ts;
  }

  /** One mention of the approvers in the storm thread when proposals first wait (and again after the waiting ones were all decided). */
  private async promptApprovers(stormId: number): Promise<void> {
    const waiting = this.members(stormId).filter((member) => member.view.actions.approve).length;
    if (waiting === 0) {
      this.prompted.delete(stormId);
      return;
    }
    if (this.prompted.has(stormId)) return;
    this.prompted.set(stormId, waiting);
    const storm = this.deps.storms.get(stormId)!;
    const text = md`${this.deps.approvers()} :red_circle: *Approval needed:* proposals of the storm wait on the card above. *Approve all* checks each one as a single approval does.`;
    await this.deps.slack.post(storm.channel, { text }, storm.ts ?? undefined, { urgent: true });
  }
}
