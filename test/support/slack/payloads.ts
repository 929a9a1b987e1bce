/**
 * What Slack sends to an app, shaped like the real thing: slash command fields, `block_actions`
 * and `view_submission` interaction payloads, and `event_callback` envelopes. The same objects go
 * over HTTP (see sign-request.ts for the encodings) or as Socket Mode envelope payloads.
 * Ids match the replica's workspace (team T0001, app A0001); the acting user is never the bot.
 */
import type { BlockAction, ButtonAction, EnvelopedEvent, SlashCommand, ViewStateValue, ViewSubmitAction } from '@slack/bolt';
import { replicaIdentity } from './replica-identity.js';

export interface SlackUserRef {
  id: string;
  username: string;
}

/** The verification token Slack still sends in every payload (deprecated; Bolt ignores it). */
const VERIFICATION_TOKEN = 'replica-verification-token';
const DEFAULT_USER: SlackUserRef = { id: 'U0ALICE', username: 'alice' };
const DEFAULT_CHANNEL = { id: 'C0INCIDENT', name: 'incidents' };

let counter = 0;
/** A trigger id like Slack's `1234567890123.1234567890.abcdef…`, unique per call. */
export function triggerId(): string {
  counter += 1;
  return `${1_764_237_600_000 + counter}.4455667788.${counter.toString(16).padStart(32, '0')}`;
}

function responseUrl(kind: 'commands' | 'actions'): string {
  counter += 1;
  return `https://hooks.slack.com/${kind}/${replicaIdentity.teamId}/${4_000_000 + counter}/replica${counter}`;
}

const team = { id: replicaIdentity.teamId, domain: replicaIdentity.teamDomain };

export interface SlashCommandOptions {
  command?: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  trigger_id?: string;
  response_url?: string;
  team_id?: string;
}

/** The fields of a slash command, in the order Slack posts them (all strings). */
export function slashCommandFields(options: SlashCommandOptions): SlashCommand {
  return {
    token: VERIFICATION_TOKEN,
    team_id: options.team_id ?? replicaIdentity.teamId,
    team_domain: replicaIdentity.teamDomain,
    channel_id: options.channel_id,
    channel_name: options.channel_name ?? DEFAULT_CHANNEL.name,
    user_id: options.user_id,
    user_name: options.user_name ?? options.user_id.toLowerCase(),
    command: options.command ?? '/oom-check',
    text: options.text,
    api_app_id: replicaIdentity.appId,
    is_enterprise_install: 'false',
    response_url: options.response_url ?? responseUrl('commands'),
    trigger_id: options.trigger_id ?? triggerId(),
  };
}

export interface ButtonOptions {
  action_id: string;
  block_id?: string;
  value?: string;
  text?: string;
}

export interface BlockActionOptions {
  actions: ButtonOptions[];
  user?: SlackUserRef;
  channel?: { id: string; name: string };
  /** The message the buttons are on; `ts` should be one the replica returned from chat.postMessage. */
  message: { ts: string; text?: string; blocks?: unknown[]; thread_ts?: string };
  trigger_id?: string;
  response_url?: string;
  state?: Record<string, Record<string, ViewStateValue>>;
}

/** A `block_actions` payload for button clicks on a message the bot posted. */
export function blockActionPayload(options: BlockActionOptions): BlockAction<ButtonAction> {
  const user = options.user ?? DEFAULT_USER;
  const channel = options.channel ?? DEFAULT_CHANNEL;
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(Date.now() % 1000).padStart(3, '0')}000`;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.username, name: user.username, team_id: replicaIdentity.teamId },
    api_app_id: replicaIdentity.appId,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: options.message.ts, channel_id: channel.id, is_ephemeral: false },
    trigger_id: options.trigger_id ?? triggerId(),
    team,
    is_enterprise_install: false,
    channel,
    message: {
      type: 'message',
      user: replicaIdentity.botUserId,
      bot_id: replicaIdentity.botId,
      app_id: replicaIdentity.appId,
      team: replicaIdentity.teamId,
      ts: options.message.ts,
      text: options.message.text ?? '',
      blocks: options.message.blocks ?? [],
      ...(options.message.thread_ts !== undefined ? { thread_ts: options.message.thread_ts } : {}),
    },
    state: { values: options.state ?? {} },
    response_url: options.response_url ?? responseUrl('actions'),
    actions: options.actions.map((a, i) => ({
      type: 'button',
      action_id: a.action_id,
      block_id: a.block_id ?? `block-${i}`,
      text: { type: 'plain_text', text: a.text ?? a.action_id, emoji: true },
      ...(a.value !== undefined ? { value: a.value } : {}),
      action_ts: actionTs,
    })),
  };
}

export interface ViewSubmissionOptions {
  callback_id: string;
  /** `state.values`: block id -> action id -> value, e.g. `{ limit: { input: { type: 'plain_text_input', value: '512Mi' } } }`. */
  values?: Record<string, Record<string, ViewStateValue>>;
  private_metadata?: string;
  /** A view id the replica returned from views.open (default V0001). */
  view_id?: string;
  user?: SlackUserRef;
  blocks?: unknown[];
  title?: string;
  trigger_id?: string;
}

/** A `view_submission` payload for a modal the bot opened. */
export function viewSubmissionPayload(options: ViewSubmissionOptions): ViewSubmitAction {
  const user = options.user ?? DEFAULT_USER;
  const viewId = options.view_id ?? 'V0001';
  return {
    type: 'view_submission',
    team,
    user: { id: user.id, username: user.username, name: user.username, team_id: replicaIdentity.teamId } as ViewSubmitAction['user'],
    api_app_id: replicaIdentity.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: options.trigger_id ?? triggerId(),
    view: {
      id: viewId,
      team_id: replicaIdentity.teamId,
      type: 'modal',
      blocks: (options.blocks ?? []) as ViewSubmitAction['view']['blocks'],
      private_metadata: options.private_metadata ?? '',
      callback_id: options.callback_id,
      state: { values: options.values ?? {} },
      hash: '1764237600.replica',
      title: { type: 'plain_text', text: options.title ?? 'oom-check', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: replicaIdentity.appId,
      external_id: '',
      app_installed_team_id: replicaIdentity.teamId,
      bot_id: replicaIdentity.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/** An `event_callback` envelope around `event`, as the Events API posts it. */
export function eventCallbackPayload<E extends { type: string }>(event: E, options: { event_id?: string; event_time?: number } = {}): EnvelopedEvent<E> {
  counter += 1;
  return {
    token: VERIFICATION_TOKEN,
    team_id: replicaIdentity.teamId,
    context_team_id: replicaIdentity.teamId,
    api_app_id: replicaIdentity.appId,
    event,
    type: 'event_callback',
    event_id: options.event_id ?? `Ev${String(counter).padStart(9, '0')}`,
    event_time: options.event_time ?? Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: replicaIdentity.teamId, user_id: replicaIdentity.botUserId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  };
}
