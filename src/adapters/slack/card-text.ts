import { fixCountWords } from '../../core/rules/judge-policy.js';
import { CARD_STATES } from './card-state.js';
import type { CardView } from './card-view.js';
import { clock, joinMd, md, utcTime, who, type Mrkdwn } from './mrkdwn.js';
import { approvingDoes, containerWords, proposalWarnings, whyWords } from './proposal-words.js';
import { STEP_DOING, STEP_LABELS } from './step-words.js';

/** `🔴 Needs approval: Deployment shop/checkout` (plain text: the header block). */
export function headline(view: CardView): string {
  const { emoji, words } = CARD_STATES[view.state];
  const round = view.state === 'needs-approval' && view.proposal && view.proposal.round > 1 ? ` (step ${view.proposal.round} of ${view.proposal.maxSteps})` : '';
  return `${emoji} ${words}${round}: ${view.subject}`;
}

/** The clock line: live while anything waits, the time to fix once fixed, the kill's time while it still fails. */
export function clockWords(view: CardView): Mrkdwn {
  const c = view.clock;
  const since = c.from === 'kill' ? 'since the OOM kill' : 'since detection';
  if (c.live) {
    return c.elapsedMs > c.budgetMs
      ? md`:warning: *${clock(c.elapsedMs)}* ${since}: over the ${clock(c.budgetMs)} budget`
      : md`:stopwatch: *${clock(c.elapsedMs)}* ${since} · budget ${clock(c.budgetMs)}`;
  }
  if (view.state === 'fixed' && c.mitigatedMs !== null) {
    return md`:stopwatch: fixed *${clock(c.mitigatedMs)}* after the ${c.from === 'kill' ? 'OOM kill' : 'detection'} · budget ${clock(c.budgetMs)} ${c.mitigatedMs <= c.budgetMs ? 'met' : 'missed'}`;
  }
  if (view.open) return md`${c.from === 'kill' ? 'OOMKilled' : 'detected'} at ${utcTime(c.startAt)}, still failing`;
  return md`closed at ${c.closedAt ? utcTime(c.closedAt) : '—'}`;
}

/** `#7 · via Slack · cluster `prod` · pod `checkout-2` (replaced `checkout-1`)` */
export function factsWords(view: CardView): Mrkdwn {
  const via = { slack: 'Slack', alertmanager: 'an alert', sweep: 'the sweep', cli: 'the command line' }[view.trigger] ?? view.trigger;
  const pod = view.newPod ? md`pod \`${view.newPod}\` (replaced \`${view.pod}\`)` : md`pod \`${view.pod}\``;
  return md`#${view.incidentId} · via ${via} · cluster \`${view.cluster}\` · ${pod}`;
}

/** `*P1* no available replica (0 of 3) · owner @alice (TTA 1:12)`, or what is still missing. */
export function triageWords(view: CardView): Mrkdwn {
  const s = view.severity;
  const severity = s ? md`*${s.level}*${s.reason ? md` ${s.reason}` : md``}${s.assessed ? md`` : md` (set by ${who(s.actor)})`}` : md`severity not assessed`;
  const owner = view.owner ? md`owner ${who(view.owner.owner)} (TTA ${clock(view.owner.ttaMs)})` : view.open ? md`no owner yet` : md``;
  return joinMd([severity, owner].filter((part) => part.text !== ''), ' · ');
}

const by = (act: { actor: string; at: string }) => md`${who(act.actor)} at ${utcTime(act.at)}`;

/** "policy shop-init-bumps (2 of 3 today)", or a person and when. */
const approvedBy = (approval: NonNullable<CardView['approval']>) => (approval.policy ? md`policy *${approval.policy.name}* (${fixCountWords(approval.policy)})` : by(approval));

/** "run the checklist again, choose the limit with Edit limit, slim the image; resolve once it runs". */
function nextAfterDecline(view: CardView): Mrkdwn {
  const build = view.buildAdvice ? md`, or slim the image (build advice in the thread)` : md``;
  return md`*Next:* run the checklist again (\`/oom-check ${view.namespace}/${view.pod}\`) and pick the limit with *Edit limit*${build}. *Resolve* once the workload runs.`;
}

/** What the checklist found, before anything is proposed. */
function killWords(view: CardView): Mrkdwn | null {
  if (!view.kill) return null;
  const restarts = view.kill.restarts === null ? md`` : md` (${view.kill.restarts} restart${view.kill.restarts === 1 ? '' : 's'})`;
  return md`${containerWords(view)} was OOMKilled${view.kill.limit ? md` at its ${view.kill.limit} limit` : md``}${restarts}.`;
}

/** The card's main section: the decision first when one is needed, else what happened and what to do next. */
export function bodyWords(view: CardView): Mrkdwn {
  const p = view.proposal;
  const target = containerWords(view);
  const applied = view.approval?.limit ?? p?.after ?? '?';
  // The quick downgrade changes the image, not the limit: its words say so.
  const slim = view.approval?.image ?? null;
  const lines: Array<Mrkdwn | null> = [];
  switch (view.state) {
    case 'checking':
      lines.push(killWords(view), view.running ? md`Now: ${STEP_DOING[view.running]}…` : md`Starting the checklist…`);
      break;
    case 'needs-approval':
      if (!p) break;
      lines.push(
        md`*Raise the memory limit of ${target} from ${p.before ?? 'none'} to ${p.after}*`,
        approvingDoes(p),
        whyWords(p),
        ...proposalWarnings(p),
        p.downgrade ? md`*Or the quick downgrade:* swap to the slim image \`${p.downgrade.image}\`, limit unchanged; rolled back unless the new pod runs exactly its digest within ${String(p.downgrade.maxBytes / 1e6)} MB.` : null,
      );
      break;
    case 'fixing':
      lines.push(
        slim ? md`*Swapping ${target} to the slim image \`${slim}\`*, limit unchanged, approved by ${view.approval ? approvedBy(view.approval) : md`the runbook`}.` : md`*Raising ${target} to ${applied}*${p?.before ? md` (from ${p.before})` : md``}, approved by ${view.approval ? approvedBy(view.approval) : md`the runbook`}.`,
        view.running ? md`Now: ${STEP_DOING[view.running]}…` : null,
      );
      break;
    case 'paused':
      lines.push(md`:warning: *${view.running ? STEP_LABELS[view.running] : 'A step'} could not finish:* ${view.message ?? 'no answer'}`, md`The run resumes where it stopped; nothing is lost.`);
      break;
    case 'fixed':
      lines.push(
        md`*${target} now runs ${slim ? md`the slim image \`${slim}\`*, limit unchanged` : md`with ${applied}*${p?.before ? md` (was ${p.before})` : md``}`}: ${view.newPod ? md`the new pod \`${view.newPod}\` initialized` : md`the new pod initialized`} and passed its health check.`,
        view.approval ? md`Approved by ${approvedBy(view.approval)}.` : null,
        p?.owner ? md`:warning: *Follow up:* ${p.owner.followUp}` : null,
      );
      break;
    case 'not-verified':
      lines.push(
        slim ? md`*Swapped to the slim image, but it did not verify:* ${view.message ?? ''}` : md`*Patched to ${applied}, but the fix did not verify:* ${view.message ?? ''}`,
        md`*Next:* roll back to ${p?.before ?? 'the old limit'} (the OOM kill will return), or look at the app container's logs. *Resolve* once the workload runs.`,
        view.approval ? md`Approved by ${approvedBy(view.approval)}.` : null,
      );
      break;
    case 'declined':
      lines.push(
        md`*Nothing was changed:* ${view.rejection ? who(view.rejection.actor) : md`someone`} declined raising ${target} to ${p?.after ?? 'a higher limit'}${view.rejection ? md` at ${utcTime(view.rejection.at)}` : md``}. ${view.subject} still fails.`,
        nextAfterDecline(view),
      );
      break;
    case 'not-approved':
      lines.push(md`*Nothing was changed:* nobody approved raising ${target} to ${p?.after ?? 'a higher limit'} in time. ${view.subject} still fails.`, nextAfterDecline(view));
      break;
    case 'rolled-back':
      lines.push(
        md`*Rolled back to ${view.rollback?.restored ?? p?.before ?? 'the old limit'}* by ${view.rollback ? by(view.rollback) : md`someone`}: the OOM kill will return, and ${view.subject} still fails.`,
        nextAfterDecline(view),
      );
      break;
    case 'nothing-to-patch':
    case 'not-oom':
      lines.push(md`${view.message ?? ''}`);
      break;
    case 'failed':
      lines.push(md`${view.message ?? 'A step failed.'}`, md`*Next:* fix what the message says, then run the checklist again.`);
      break;
    case 'resolved':
      lines.push(md`*Resolved* by ${view.resolution ? by(view.resolution) : md`someone`}${view.resolution?.note ? md`: ${view.resolution.note}` : md``}.`);
      break;
    case 'superseded':
      lines.push(md`The checklist was run again on ${view.subject}: the new incident's card is in this channel.`);
      break;
  }
  return joinMd(lines.filter((line): line is Mrkdwn => line !== null && line.text !== ''), '\n');
}
