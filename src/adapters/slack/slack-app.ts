import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type Middleware, type AnyMiddlewareArgs } from '@slack/bolt';
import type { Clock, Logger } from '../../core/ports.js';
import { EDIT_LIMIT_MODAL, handleAction, handleEditLimit, isActionId, LIMIT_BLOCK, LIMIT_INPUT } from './action-handler.js';
import { audited, slackAudit } from './audit-slack.js';
import { boltLogger } from './bolt-logger.js';
import { handleCommand } from './command-handler.js';
import { md, shorten, type Mrkdwn } from './mrkdwn.js';
import { parseIncidentId } from './parse-incident-id.js';
import { requestTimeProblem } from './request-time-problem.js';
import { slackFetch } from './slack-fetch.js';
import { approveAll } from './storm-actions.js';
import { STORM_ACTIONS } from './storm-card.js';
import type { SlackContext } from './slack-context.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string | null;
  appToken: string | null;
  apiUrl: string | null;
  log: Logger;
  /** Judges X-Slack-Request-Timestamp (HTTP mode). */
  clock: Clock;
  /** True the first time a request key is seen (persisted), so retries start nothing twice. */
  firstTime(key: string): boolean;
}

export interface SlackApp {
  app: App;
  /** HTTP mode: the listener for `/slack/events` on the bot's own server. Null in Socket Mode. */
  requestListener: RequestListener | null;
  /** Socket Mode: connects; HTTP mode: nothing to do. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Bolt's listener behind a check of the request's timestamp against the bot's clock, answered like a bad signature. */
function checkRequestTime(listener: RequestListener, clock: Clock, log: Logger): RequestListener {
  return (req, res) => {
    const problem = requestTimeProblem(req.headers['x-slack-request-timestamp'], clock.now().getTime());
    if (problem === null) {
      listener(req, res);
      return;
    }
    log.warn({ timestamp: shorten(String(req.headers['x-slack-request-timestamp']), 40) }, `refused a Slack request (401): ${problem}`);
    req.resume();
    res.writeHead(401).end();
  };
}

function requestKey(body: Record<string, unknown>): string | null {
  if (typeof body.event_id === 'string') return `event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `trigger:${body.trigger_id}`;
  return null;
}

/** Bolt, thin: signature checks, acks and retries are Bolt's and this file's; decisions are the handlers'. */
export function createSlackApp(options: SlackAppOptions, context: () => SlackContext): SlackApp {
  const logger = boltLogger(options.log);
  // Separate objects: the Socket Mode client writes its own retry settings into the options it is given.
  const clientOptions = () => ({ fetch: slackFetch, ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}) });
  const socket = options.appToken ? new SocketModeReceiver({ appToken: options.appToken, logger, installerOptions: { clientOptions: clientOptions() } }) : null;
  const http = socket ? null : new HTTPReceiver({ signingSecret: options.signingSecret ?? '', endpoints: '/slack/events', logger });
  // A 429 rejects at once instead of pausing the client's whole queue: the pacer waits out its
  // Retry-After for that method (and channel) only.
  const app = new App({ token: options.botToken, receiver: (socket ?? http)!, clientOptions: { ...clientOptions(), rejectRateLimitedCalls: true }, logger });

  const dedupe: Middleware<AnyMiddlewareArgs> = async (args) => {
    const key = requestKey(args.body as unknown as Record<string, unknown>);
    if (key && !options.firstTime(key)) {
      options.log.info({ key }, 'Slack re-sent a request already handled; acknowledged, nothing started');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    await args.next();
  };
  app.use(dedupe);

  app.command('/oom-check', async ({ command, ack }) => {
    const answer = handleCommand(context(), { text: command.text, userId: command.user_id, channelId: command.channel_id });
    await ack(answer.reply ? { response_type: 'ephemeral', text: answer.reply.text } : undefined);
    const audit = slackAudit(context(), { userId: command.user_id, channelId: command.channel_id, action: answer.action, target: answer.target, detail: { text: shorten(command.text, 500) } });
    const then = answer.then;
    if (then) context().background(`/oom-check ${command.text}`, () => audited(audit, then));
    else audit(answer.outcome ?? { result: 'answered' });
  });

  app.action(/^oom_/, async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    if (action.action_id === STORM_ACTIONS.approveAll) {
      const stormId = parseIncidentId(action.value);
      if (stormId !== null) context().background('approve all', () => approveAll(context(), stormId, body.user.id));
      return;
    }
    const incidentId = parseIncidentId(action.value);
    const channelId = body.channel?.id ?? null;
    const audit = slackAudit(context(), { userId: body.user.id, channelId, action: `slack.button.${shorten(action.action_id, 80)}`, target: incidentId === null ? null : `incident:${incidentId}` });
    if (incidentId === null || !isActionId(action.action_id)) {
      options.log.warn({ action: shorten(action.action_id, 80), value: shorten(String(action.value), 80), user: body.user.id }, 'a button click names no known action or incident id; ignored');
      audit({ result: 'ignored: the click names no known action or incident id', allowed: false });
      return;
    }
    const request = { action: action.action_id, incidentId, userId: body.user.id, triggerId: body.trigger_id };
    context().background(`action ${request.action}`, () => audited(audit, async (report) => report(await handleAction(context(), request))));
  });

  app.view(EDIT_LIMIT_MODAL, async ({ ack, body, view }) => {
    const value = view.state.values[LIMIT_BLOCK]?.[LIMIT_INPUT]?.value ?? '';
    const incidentId = parseIncidentId(view.private_metadata);
    if (incidentId === null) options.log.warn({ privateMetadata: shorten(view.private_metadata, 80), user: body.user.id }, 'an Edit limit submission names no incident id');
    let problem: Mrkdwn | null;
    const channelId = incidentId === null ? null : (context().incidents.getIncident(incidentId)?.chat?.channel ?? null);
    const audit = slackAudit(context(), { userId: body.user.id, channelId, action: 'slack.modal.oom_edit_limit', target: incidentId === null ? null : `incident:${incidentId}`, detail: { value: shorten(value, 100) } });
    try {
      const answer = await handleEditLimit(context(), { incidentId, userId: body.user.id, value });
      problem = answer.problem;
      audit(answer.outcome);
    } catch (error) {
      audit({ result: `failed: ${(error as Error).message}` });
      // Slack shows "We had some trouble connecting" for a submission never acknowledged: say more.
      options.log.error({ err: error, incidentId }, 'an Edit limit submission failed');
      problem = md`oom-check could not handle this limit (the error is in its log). Try again, or use the buttons on the incident's card.`;
    }
    await ack(problem ? { response_action: 'errors', errors: { [LIMIT_BLOCK]: problem.text } } : undefined);
  });

  app.event('message', async ({ event }) => {
    if (!('thread_ts' in event) || !event.thread_ts || event.subtype !== undefined || !('user' in event) || !event.user || 'bot_id' in event && event.bot_id) return;
    const { incidents, clock } = context();
    const incident = incidents.findIncidentByChat({ channel: event.channel, ts: event.thread_ts });
    if (!incident) return;
    incidents.append({ incidentId: incident.id, at: clock.now().toISOString(), kind: 'note', actor: `slack:${event.user}`, data: { text: event.text ?? '' } });
  });

  app.error(async (error) => {
    options.log.error({ err: error }, 'a Slack listener failed');
  });

  return {
    app,
    requestListener: http ? checkRequestTime(http.requestListener, options.clock, options.log) : null,
    start: async () => {
      if (socket) await app.start();
    },
    // Bolt's stop does not wait for the socket to close; the client's disconnect does.
    stop: async () => {
      if (socket) await socket.client.disconnect();
    },
  };
}
