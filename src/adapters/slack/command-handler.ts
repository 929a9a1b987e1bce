import { isClusterError } from '../../core/cluster-error.js';
import { ErrorCode, isOomCheckError, OomCheckError } from '../../core/errors.js';
import { describeSubject } from '../../core/incident.js';
import { renderPostmortemMarkdown } from '../../core/postmortem/render-markdown.js';
import { startIncident } from '../../runbook/start-incident.js';
import { channelLink, joinMd, md, mention, type Mrkdwn } from './mrkdwn.js';
import { COMMAND_USAGE, parseCommand } from './parse-command.js';
import { slackActor, type SlackContext } from './slack-context.js';

export interface CommandRequest {
  text: string;
  userId: string;
  channelId: string;
}

function statusText(context: SlackContext): Mrkdwn {
  const open = context.incidents.listIncidents({ status: 'open', limit: 20 });
  if (open.length === 0) return md`No open incidents.`;
  return joinMd([md`*Open incidents*`, ...open.map((incident) => {
    const run = context.runs.getRun(incident.id);
    const where = run?.steps.find((step) => step.status !== 'succeeded' && step.status !== 'skipped');
    return md`• #${incident.id} ${describeSubject(incident)}: ${run?.status === 'finished' ? (run.verdict ?? '') : (where ? `${where.step} ${where.status}` : 'starting')}`;
  })], '\n');
}

async function resolveNamespace(context: SlackContext, pod: string): Promise<string> {
  if (context.allowedNamespaces.length === 1) return context.allowedNamespaces[0]!;
  const found = await context.cluster.findPodNamespaces(pod, context.allowedNamespaces);
  if (found.length === 1) return found[0]!;
  throw new OomCheckError(
    ErrorCode.TargetInvalid,
    found.length === 0
      ? `No pod \`${pod}\` in ${context.allowedNamespaces.length > 0 ? `namespaces ${context.allowedNamespaces.join(', ')}` : 'any namespace'}. Check the name, or give the namespace: \`/oom-check <namespace>/<pod>\`.`
      : `Pods named \`${pod}\` are in ${found.join(', ')}: say which with \`/oom-check <namespace>/${pod}\`.`,
  );
}

async function startRun(context: SlackContext, request: CommandRequest, namespace: string | null, pod: string): Promise<void> {
  const reply = (text: Mrkdwn) => context.slack.ephemeral(request.channelId, request.userId, text);
  try {
    const started = await startIncident(context, {
      namespace: namespace ?? (await resolveNamespace(context, pod)),
      pod,
      trigger: 'slack',
      actor: slackActor(request.userId),
      runbook: context.runbook,
      maxLimitBytes: context.maxLimitBytes,
      allowedNamespaces: context.allowedNamespaces,
    });
    await context.messenger.refreshCard(started.incident.id, request.channelId);
    if (!started.created) await reply(md`Incident #${started.incident.id} is already open for ${describeSubject(started.incident)}; its card is in ${channelLink(started.incident.chat?.channel ?? request.channelId)}.`);
    await context.runner.advance(started.incident.id);
  } catch (error) {
    if (!isClusterError(error) && !isOomCheckError(error)) throw error;
    const hint = isClusterError(error, 'NotFound') ? ' Check the pod name with `kubectl get pods -n <namespace>`.' : '';
    // The message is plain text (it may quote what the user typed): escaped here, once.
    await reply(md`:warning: ${(error as Error).message}${hint}`);
  }
}

export interface CommandAnswer {
  /** The ack's ephemeral text, or null for a bare ack. */
  reply: Mrkdwn | null;
  /** Work to start once Slack has its ack. */
  then?: () => Promise<void>;
}

/**
 * `/oom-check ...`: answers at once what it can (help, status, a malformed name); a run or an
 * export goes on after the ack, its problems reported ephemerally.
 */
export function handleCommand(context: SlackContext, request: CommandRequest): CommandAnswer {
  const command = parseCommand(request.text);
  switch (command.kind) {
    case 'help':
      return { reply: md`*oom-check* runs the 3-minute hotfix checklist for OOMKilled initContainers.\n${COMMAND_USAGE}` };
    case 'invalid':
      return { reply: md`:warning: ${command.message}` };
    case 'status':
      return { reply: statusText(context) };
    case 'export': {
      const incident = context.incidents.getIncident(command.incidentId);
      if (!incident) return { reply: md`:warning: Incident #${command.incidentId} does not exist. \`/oom-check status\` lists open incidents.` };
      return { reply: md`Exporting the postmortem of incident #${incident.id} into its thread…`, then: () => exportPostmortem(context, incident.id, request.userId) };
    }
    case 'run':
      return { reply: null, then: () => startRun(context, request, command.namespace, command.pod) };
  }
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
