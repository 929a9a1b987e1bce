import { describeBytes } from '../../core/rules/describe-bytes.js';
import type { CardView, ProposalView } from './card-view.js';
import { md, type Mrkdwn } from './mrkdwn.js';

/** `init container `migrate``, `container `app``, or `the container` when detect has not named it. */
export function containerWords(view: Pick<CardView, 'container'>): Mrkdwn {
  const container = view.container;
  if (!container) return md`the container`;
  return container.kind === 'app' ? md`container \`${container.name}\`` : container.kind === 'init' ? md`init container \`${container.name}\`` : md`container \`${container.name}\``;
}

/** `raised by 20 %, at least 100Mi` (the Vertical Pod Autoscaler's bump after an OOM kill). */
function bumpWords(bump: ProposalView['bump']): string {
  return `raised by ${Math.round((bump.ratio - 1) * 100)} %, at least ${bump.minBump}, as the Vertical Pod Autoscaler does after an OOM kill`;
}

/** What approving does to the workload, in one sentence. */
export function approvingDoes(proposal: ProposalView): Mrkdwn {
  const workload = proposal.workload;
  if (proposal.rolls === null) return md`Approving patches ${workload}; Kubernetes then rolls its pods onto the new limit.`;
  if (proposal.rolls === 0) return md`Approving patches ${workload}; it runs no pods now, so nothing rolls until it scales up.`;
  return md`Approving patches ${workload} and rolls its ${proposal.rolls} pod${proposal.rolls === 1 ? '' : 's'}.`;
}

/**
 * Why this limit, in one plain line: a measured peak kept under the runbook's water line, or a
 * kill that only proves "more than the old limit", with the runbook's bump. Falls back to
 * the rule's own sentence when propose did not say what it rested on.
 */
export function whyWords(proposal: ProposalView): Mrkdwn {
  const capped = /capped at the maximum (\S+)/.exec(proposal.rationale)?.[1];
  const cap = capped ? md` (capped at the ${capped} maximum)` : md``;
  const evidence = proposal.evidence;
  if (proposal.basis === 'measured-peak' || (proposal.basis === null && /^peak /.test(proposal.rationale))) {
    const peak = evidence?.kind === 'measured-peak' ? describeBytes(evidence.bytes) : /^peak (\S+)/.exec(proposal.rationale)?.[1];
    if (!peak) return md`*Why:* ${proposal.rationale}.`;
    return md`*Why:* its memory peaked at ${peak}; ${proposal.after} keeps that under ${Math.round(proposal.headroom * 100)} % of the limit${cap}.`;
  }
  if (proposal.basis === 'lower-bound' && evidence && evidence.source !== 'oom-kill') {
    return md`*Why:* it used at least ${describeBytes(evidence.bytes)} (${evidence.source}) and was OOMKilled, so it needs more; nothing measured its peak, so the limit is ${bumpWords(proposal.bump)}${cap}.`;
  }
  if (proposal.round > 1 && proposal.before) {
    return md`*Why:* it was OOMKilled again at ${proposal.before}, so it needs more, and nothing measured how much: the limit is ${bumpWords(proposal.bump)}${cap}.`;
  }
  if (proposal.before && (proposal.basis !== null || /^no memory evidence/.test(proposal.rationale))) {
    return md`*Why:* it was OOMKilled at its ${proposal.before} limit, so it needs more, and nothing measured how much: the limit is ${bumpWords(proposal.bump)}${cap}.`;
  }
  return md`*Why:* ${proposal.rationale}.`;
}

/** Will the patched pod schedule, and who else owns the manifest: the lines an approver must see before approving. */
export function proposalWarnings(proposal: ProposalView): Mrkdwn[] {
  const lines: Mrkdwn[] = [];
  if (proposal.request) {
    lines.push(md`It also sets \`requests.memory\` to ${proposal.request}${proposal.requestNote ? md`: ${proposal.requestNote}` : md``}.`);
  }
  const schedule = proposal.schedule;
  if (schedule) {
    lines.push(
      schedule.fits
        ? md`:white_check_mark: Fits on ${schedule.fitsNodes} of ${schedule.totalNodes} node${schedule.totalNodes === 1 ? '' : 's'}.`
        : md`:warning: *Will not schedule:* it fits on ${schedule.fitsNodes} of ${schedule.totalNodes} nodes${schedule.problems.length > 0 ? md` (${schedule.problems.join('; ')})` : md``}.`,
    );
  }
  const owner = proposal.owner;
  if (owner) {
    lines.push(
      owner.revertsLiveEdits
        ? md`:warning: *Temporary mitigation:* ${owner.tool} (${owner.source}) will revert it at its next sync. ${owner.followUp}`
        : md`:information_source: Managed by ${owner.tool} (${owner.source}): ${owner.followUp}`,
    );
  }
  if (proposal.round > 1) lines.push(md`:arrow_up: Step ${proposal.round} of ${proposal.maxSteps}: the last limit was OOMKilled too.`);
  return lines;
}
