import { isClusterError } from '../../core/cluster-error.js';
import { ErrorCode, isOomCheckError, OomCheckError } from '../../core/errors.js';
import { describeSubject } from '../../core/incident.js';
import { renderPostmortemMarkdown } from '../../core/postmortem/render-markdown.js';
import { startIncident } from '../../runbook/start-incident.js';
import { refusal, takeOwnership, type AuditOutcome } from './action-handler.js';
import { setSeverity } from '../../runbook/triage-incident.js';
import { ACTIONS } from './card-blocks.js';
import { headline, clockWords } from './card-text.js';
import { buildCardView } from './card-view.js';
import { channelLink, joinMd, link, md, mention, utcTime, type Mrkdwn } from './mrkdwn.js';
import { COMMAND_USAGE, parseCommand } from './parse-command.js';
import { slackActor, type SlackContext } from './slack-context.js';

export interface CommandRequest {
  text: string;
  userId: string;
  channelId: string;
}

/** Open incidents, each with its state in the card's words: "🔴 Needs approval: Deployment shop/checkout". */
function statusText(context: SlackContext): Mrkdwn {
  const open = context.incidents.listIncidents({ status: 'open', limit: 20 });
  if (open.length === 0) return md`No open incidents.`;
  const now = context.clock.now();
  return joinMd([md`*Open incidents*`, ...open.map((incident) => {
    const view = buildCardView(incident, context.runs.getRun(incident.id), context.incidents.timeline(incident.id), now);
    return md`• #${incident.id} ${headline(view)} (${clockWords(view)})`;
  })], '\n');
}

/** "Incident #7 for Deployment shop/checkout: open its card" with a link, or the channel when Slack gives no link. */
async function cardLink(context: SlackContext, incidentId: number, fallbackChannel: string): Promise<Mrkdwn> {
  const url = await context.messenger.permalink(incidentId);
  const channel = context.incidents.getIncident(incidentId)?.chat?.channel ?? fallbackChannel;
  return url ? link(url, 'its card') : md`its card in ${channelLink(channel)}`;
}

async function resolveNamespace(context: SlackContext, cluster: string | null, pod: string): Promise<string> {
  if (context.allowedNamespaces.length === 1) return context.allowedNamespaces[0]!;
  const found = await context.clusters.get(cluster).findPodNamespaces(pod, context.allowedNamespaces);
  if (found.length === 1) return found[0]!;
  throw new OomCheckError(
    ErrorCode.TargetInvalid,
    found.length === 0
      ? `No pod \`${pod}\` in ${context.allowedNamespaces.length > 0 ? `namespaces ${context.allowedNamespaces.join(', ')}` : 'any namespace'}. Check the name, or give the namespace: \`/oom-check <namespace>/<pod>\`.`
      : `Pods named \`${pod}\` are in ${found.join(', ')}: say which with \`/oom-check <namespace>/${pod}\`.`,
  );
}

async function startRun(context: SlackContext, request: CommandRequest, target: { cluster: string | null; namespace: string | null; pod: string }, audit: (outcome: AuditOutcome) => void): Promise<void> {
  const reply = (text: Mrkdwn) => context.slack.ephemeral(request.channelId, request.userId, text);
  const { cluster, namespace, pod } = target;
  try {
    const started = await startIncident(context, {
      cluster,
      namespace: namespace ?? (await resolveNamespace(context, cluster, pod)),
      pod,
      trigger: 'slack',
      actor: slackActor(request.userId),
      runbook: context.runbook,
      maxLimitBytes: context.maxLimitBytes,
      allowedNamespaces: context.allowedNamespaces,
    });
    const id = started.incident.id;
    await context.messenger.refreshCard(id, request.channelId);
    audit({ result: `incident #${id} ${started.created ? 'opened' : 'already open'} for ${describeSubject(started.incident)}` });
    const card = await cardLink(context, id, request.channelId);
    await reply(
      started.created
        ? md`Incident #${id} for ${describeSubject(started.incident)}: ${card}. The approvers are mentioned in its thread when their decision is needed.`
        : md`Incident #${id} is already open for ${describeSubject(started.incident)}: ${card}.`,
    );
    await context.runner.advance(id);
  } catch (error) {
    if (!isClusterError(error) && !isOomCheckError(error)) throw error;
    audit({ result: `not started: ${(error as Error).message}` });
    const hint = isClusterError(error, 'NotFound') ? ' Check the pod name with `kubectl get pods -n <namespace>`.' : '';
    // The message is plain text (it may quote what the user typed): escaped here, once.
    await reply(md`:warning: ${(error as Error).message}${hint}`);
  }
}

export interface CommandAnswer {
  /** The ack's ephemeral text, or null for a bare ack. */
  reply: Mrkdwn | null;
  /** What the audit log names: the command (`slack.command.status`) and what it was about. */
  action: string;
  target: string | null;
  /** The result, when the ack is the whole answer. */
  outcome?: AuditOutcome;
  /** Work to start once Slack has its ack; it reports its result to `audit` once known. */
  then?: (audit: (outcome: AuditOutcome) => void) => Promise<void>;
}

/**
 * `/oom-check ...`: answers at once what it can (help, status, a malformed name); a run or an
 * export goes on after the ack, its problems reported ephemerally.
 */
export function handleCommand(context: SlackContext, request: CommandRequest): CommandAnswer {
  const command = parseCommand(request.text);
  const action = `slack.command.${command.kind}`;
  switch (command.kind) {
    case 'help':
      return { action, target: null, outcome: { result: 'answered with the usage' }, reply: md`*oom-check* runs the 3-minute hotfix checklist for OOMKilled initContainers.\n${COMMAND_USAGE}` };
    case 'invalid':
      return { action, target: null, outcome: { result: `invalid: ${command.message}` }, reply: md`:warning: ${command.message}` };
    case 'status': {
      const open = context.incidents.listIncidents({ status: 'open', limit: 20 }).length;
      return { action, target: null, outcome: { result: `listed ${open} open incident${open === 1 ? '' : 's'}` }, reply: statusText(context) };
    }
    case 'export': {
      const target = `incident:${command.incidentId}`;
      const incident = context.incidents.getIncident(command.incidentId);
      if (!incident) return { action, target, outcome: { result: 'not found' }, reply: md`:warning: Incident #${command.incidentId} does not exist. \`/oom-check status\` lists open incidents.` };
      return {
        action,
        target,
        reply: md`Exporting the postmortem of incident #${incident.id} into its thread…`,
        then: async (audit) => {
          await exportPostmortem(context, incident.id, request.userId);
          audit({ result: 'exported the postmortem into the thread' });
        },
      };
    }
    case 'resolve': {
      const target = `incident:${command.incidentId}`;
      const incident = context.incidents.getIncident(command.incidentId);
      if (!incident) return { action, target, outcome: { result: 'not found' }, reply: md`:warning: Incident #${command.incidentId} does not exist. \`/oom-check status\` lists open incidents.` };
      return { action, target, reply: md`Resolving incident #${incident.id}…`, then: (audit) => resolveIncident(context, request, incident.id, command.note, audit) };
    }
    case 'severity': {
      const target = `incident:${command.incidentId}`;
      const answer = setSeverity(context, command.incidentId, command.severity, slackActor(request.userId));
      if (answer.outcome === 'not-found') return { action, target, outcome: { result: 'not found' }, reply: md`:warning: Incident #${command.incidentId} does not exist. \`/oom-check status\` lists open incidents.` };
      if (answer.outcome === 'unchanged') return { action, target, outcome: { result: `already ${command.severity}` }, reply: md`Incident #${command.incidentId} is already ${command.severity}.` };
      void context.messenger.refreshCard(command.incidentId);
      return { action, target, outcome: { result: `set to ${command.severity}` }, reply: md`Incident #${command.incidentId} is now ${command.severity}${answer.previous ? md` (was ${answer.previous})` : md``}.` };
    }
    case 'assign': {
      const target = `incident:${command.incidentId}`;
      if (!context.incidents.getIncident(command.incidentId)) return { action, target, outcome: { result: 'not found' }, reply: md`:warning: Incident #${command.incidentId} does not exist. \`/oom-check status\` lists open incidents.` };
      return {
        action,
        target,
        reply: md`Assigning incident #${command.incidentId} to ${mention(command.userId)}…`,
        then: async (audit) => {
          await takeOwnership(context, command.incidentId, command.userId, request.userId);
          audit({ result: `assigned to ${command.userId}` });
        },
      };
    }
    case 'run': {
      const target = [command.cluster, command.namespace, command.pod].filter((part) => part !== null).join('/');
      return { action, target, reply: md`:mag: Checking \`${target}\`… a link to the incident's card follows here.`, then: (audit) => startRun(context, request, command, audit) };
    }
  }
}

/** `/oom-check resolve <id> [note]`: approvers only, through the lifecycle, answered to its author. */
async function resolveIncident(context: SlackContext, request: CommandRequest, incidentId: number, note: string | null, audit: (outcome: AuditOutcome) => void): Promise<void> {
  const reply = (text: Mrkdwn) => context.slack.ephemeral(request.channelId, request.userId, text);
  const actor = slackActor(request.userId);
  if (!(await context.approvers.allows(request.userId))) {
    context.incidents.append({ incidentId, at: context.clock.now().toISOString(), kind: 'access.denied', actor, data: { action: ACTIONS.resolve, message: 'refused to resolve the incident (command): not one of the approvers' } });
    audit({ result: 'refused: not one of the approvers', allowed: false });
    await reply(await refusal(context, ACTIONS.resolve));
    return;
  }
  const answer = context.lifecycle.resolve(incidentId, actor, note ?? undefined);
  audit({ result: answer.outcome === 'resolved' ? 'resolved' : answer.outcome === 'already-closed' ? 'already closed' : `not resolved: ${answer.message}` });
  void context.messenger.refreshCard(incidentId);
  const card = await cardLink(context, incidentId, request.channelId);
  if (answer.outcome === 'resolved') await reply(md`Incident #${incidentId} is resolved and closed: ${card}.`);
  else if (answer.outcome === 'already-closed') await reply(md`Incident #${incidentId} is already closed${answer.at ? md` (${utcTime(answer.at)})` : md``}: ${card}.`);
  else await reply(md`:warning: Incident #${incidentId} is not resolved: ${answer.message}. ${card}.`);
}

export async function exportPostmortem(context: SlackContext, incidentId: number, userId: string): Promise<void> {
  const incident = context.incidents.getIncident(incidentId);
  if (!incident) return;
  const markdown = renderPostmortemMarkdown(incident, context.incidents.timeline(incidentId));
  await context.messenger.uploadToThread(incidentId, {
    filename: `postmortem-incident-${incidentId}.md`,
    title: `Postmortem: incident ${incidentId}`,
    content: markdown,
    comment: md`Postmortem of incident #${incidentId}, exported by ${mention(userId)}`,
  });
}
