import type { types } from '@slack/bolt';
import type { Storm } from '../../core/ports.js';
import { idRanges, type StormSettings } from '../../core/rules/storm-mode.js';
import { CARD_STATES, type CardState } from './card-state.js';
import type { CardView } from './card-view.js';
import { joinMd, md, mrkdwnObject, plain, shorten, utcTime, type Mrkdwn } from './mrkdwn.js';
import type { OutboundMessage } from './slack-outbound.js';

export const STORM_ACTIONS = { approveAll: 'oom_storm_approve_all' } as const;

/** The block listing the incidents "Approve all" decides (the storm benchmark reads it too). */
export const STORM_WAITING_BLOCK = 'storm_waiting';

/** One incident as the storm card counts it: its card's view, and the image its container runs. */
export interface StormMember {
  view: CardView;
  image: string | null;
}

/** Section texts stay well under Slack's 3,000 characters, and the card under 50 blocks. */
const SECTION_MAX = 2900;
const MAX_GROUPS = 20;

const fit = (text: Mrkdwn): Mrkdwn => (text.text.length <= SECTION_MAX ? text : plain(shorten(text.text.replace(/[<>&*_`~]/g, ''), SECTION_MAX - 1)));

function countStates(members: readonly StormMember[]): Mrkdwn {
  const counts = new Map<CardState, number>();
  for (const member of members) counts.set(member.view.state, (counts.get(member.view.state) ?? 0) + 1);
  return joinMd([...counts].map(([state, n]) => md`${CARD_STATES[state].emoji} ${n} ${CARD_STATES[state].words.toLowerCase()}`), ', ');
}

/** Namespace and image, the two things a storm's incidents most often share (one bad rollout, one base image). */
function groups(members: readonly StormMember[]): Array<{ namespace: string; image: string; members: StormMember[] }> {
  const byKey = new Map<string, { namespace: string; image: string; members: StormMember[] }>();
  for (const member of members) {
    const image = member.image ?? 'image unknown';
    const key = `${member.view.namespace}\n${image}`;
    const group = byKey.get(key) ?? { namespace: member.view.namespace, image, members: [] };
    group.members.push(member);
    byKey.set(key, group);
  }
  return [...byKey.values()].sort((a, b) => b.members.length - a.members.length);
}

/** `init container migrate 64Mi → 128Mi (480)`: the proposals waiting, grouped by what they change. */
function proposalKinds(waiting: readonly StormMember[]): Mrkdwn {
  const kinds = new Map<string, number>();
  for (const { view } of waiting) {
    const key = `${view.container?.name ?? 'container'} ${view.proposal?.before ?? 'none'} → ${view.proposal?.after ?? '?'}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  return joinMd([...kinds].slice(0, 10).map(([kind, n]) => md`\`${kind}\` (${n})`), ', ');
}

/**
 * The storm card: how many incidents, grouped by namespace and image with their states, the
 * proposals waiting (each incident by id) and one "Approve all N proposals" button behind a
 * confirmation. Drawn from the members' state alone, like an incident card.
 */
export function renderStormCard(storm: Storm, members: readonly StormMember[], settings: StormSettings): OutboundMessage & { blocks: types.KnownBlock[] } {
  const waiting = members.filter((member) => member.view.actions.approve && member.view.proposal);
  const title = storm.endedAt ? `🌬️ Storm over: ${members.length} incidents` : `🌪️ Storm: ${members.length} incidents`;
  const minutes = Math.round(settings.windowMs / 60_000);
  const about = storm.endedAt
    ? md`from ${utcTime(storm.startedAt)} to ${utcTime(storm.endedAt)}; new incidents get their own cards again`
    : md`since ${utcTime(storm.startedAt)}: more than ${settings.threshold} incidents within ${minutes} min, so one card lists them`;
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: shorten(title, 149), emoji: true } },
    { type: 'context', elements: [mrkdwnObject(joinMd([about, md`each incident's steps are on its timeline (\`/oom-check export <id>\`)`], ' · '))] },
  ];
  const all = groups(members);
  for (const group of all.slice(0, MAX_GROUPS)) {
    const ids = group.members.map((member) => member.view.incidentId);
    blocks.push({ type: 'section', text: mrkdwnObject(fit(md`*${group.namespace}* · \`${group.image}\` · ${group.members.length} incident${group.members.length === 1 ? '' : 's'}: ${countStates(group.members)}\n${idRanges(ids)}`)) });
  }
  if (all.length > MAX_GROUPS) blocks.push({ type: 'context', elements: [mrkdwnObject(md`…and ${all.length - MAX_GROUPS} more groups: \`/oom-check status\` lists every open incident`)] });
  if (waiting.length > 0) {
    const ids = idRanges(waiting.map((member) => member.view.incidentId));
    blocks.push(
      { type: 'section', block_id: STORM_WAITING_BLOCK, text: mrkdwnObject(fit(md`*${waiting.length} proposal${waiting.length === 1 ? '' : 's'} wait for approval:* ${ids}\n${proposalKinds(waiting)}`)) },
      {
        type: 'actions',
        block_id: `storm_${storm.id}_${waiting.length}`,
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: `Approve all ${waiting.length} proposals` },
            action_id: STORM_ACTIONS.approveAll,
            value: String(storm.id),
            style: 'primary',
            confirm: {
              title: { type: 'plain_text', text: `Approve ${waiting.length} proposals?` },
              text: { type: 'plain_text', text: shorten(`Each is checked as a single approval is, then patched: ${waiting.length} workloads roll their pods with the raised limits listed on this card. Those decided meanwhile are left as they are.`, 299) },
              confirm: { type: 'plain_text', text: 'Approve all' },
              deny: { type: 'plain_text', text: 'Cancel' },
              style: 'primary',
            },
          },
        ],
      },
    );
  }
  return { text: plain(`${title}: ${members.length - waiting.length} in progress or done, ${waiting.length} waiting for approval`), blocks };
}
