/**
 * The Web API methods the replica answers, with Slack's response shapes and the argument errors
 * a bot is most likely to trip over (`no_text`, `message_not_found`, `hash_conflict`, ...).
 */
import { FakeWorkspace, type StoredMessage } from './fake-workspace.js';
import { replicaIdentity } from './replica-identity.js';

export interface MethodContext {
  workspace: FakeWorkspace;
  /** `http://127.0.0.1:PORT`: upload URLs point back here. */
  origin: string;
  /** A fresh single-use Socket Mode URL (`ws://127.0.0.1:PORT/socket-mode?ticket=…`). */
  socketUrl: () => string;
  /** When true (default), chat.update/chat.delete of a ts the replica never posted is `message_not_found`. */
  strictMessages: boolean;
}

export type MethodAnswer = { ok: boolean; [key: string]: unknown };
export type MethodHandler = (args: Record<string, unknown>, ctx: MethodContext) => MethodAnswer;

const fail = (error: string): MethodAnswer => ({ ok: false, error });

/** A scalar argument as a string (form posts send everything as strings; JSON bodies may not). */
function str(args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasContent(args: Record<string, unknown>): boolean {
  return str(args, 'text') !== undefined || args.blocks !== undefined || args.attachments !== undefined;
}

/** The message as Slack returns it (no `channel` field inside `message`). */
function asReturned(message: StoredMessage): Record<string, unknown> {
  const returned: Record<string, unknown> = { ...message };
  delete returned.channel;
  return returned;
}

function contentOf(args: Record<string, unknown>): Pick<StoredMessage, 'text' | 'blocks' | 'attachments'> {
  return {
    text: str(args, 'text') ?? '',
    ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
    ...(args.attachments !== undefined ? { attachments: args.attachments } : {}),
  };
}

/** A message as the bot posts it: the replica's own bot, app and team. */
function botMessage(channel: string, ts: string): Pick<StoredMessage, 'type' | 'channel' | 'ts' | 'user' | 'bot_id' | 'app_id' | 'team'> {
  return { type: 'message', channel, ts, user: replicaIdentity.botUserId, bot_id: replicaIdentity.botId, app_id: replicaIdentity.appId, team: replicaIdentity.teamId };
}

function postMessage(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  const channel = str(args, 'channel');
  if (channel === undefined) return fail('channel_not_found');
  if (!hasContent(args)) return fail('no_text');
  const ts = workspace.nextTs();
  const threadTs = str(args, 'thread_ts');
  const message: StoredMessage = {
    ...botMessage(channel, ts),
    ...contentOf(args),
    ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
  };
  workspace.messages.set(FakeWorkspace.messageKey(channel, ts), message);
  return { ok: true, channel, ts, message: asReturned(message) };
}

function findMessage(args: Record<string, unknown>, ctx: MethodContext): StoredMessage | MethodAnswer {
  const channel = str(args, 'channel');
  const ts = str(args, 'ts');
  if (channel === undefined) return fail('channel_not_found');
  if (ts === undefined) return fail('message_not_found');
  const found = ctx.workspace.messages.get(FakeWorkspace.messageKey(channel, ts));
  if (found !== undefined) return found;
  if (ctx.strictMessages) return fail('message_not_found');
  const adopted: StoredMessage = { ...botMessage(channel, ts), text: '' };
  ctx.workspace.messages.set(FakeWorkspace.messageKey(channel, ts), adopted);
  return adopted;
}

function updateMessage(args: Record<string, unknown>, ctx: MethodContext): MethodAnswer {
  const found = findMessage(args, ctx);
  if ('ok' in found) return found;
  if (!hasContent(args)) return fail('no_text');
  Object.assign(found, contentOf(args), { edited: { user: replicaIdentity.botUserId, ts: ctx.workspace.nextTs() } });
  return { ok: true, channel: found.channel, ts: found.ts, text: found.text, message: asReturned(found) };
}

function deleteMessage(args: Record<string, unknown>, ctx: MethodContext): MethodAnswer {
  const found = findMessage(args, ctx);
  if ('ok' in found) return found;
  ctx.workspace.messages.delete(FakeWorkspace.messageKey(found.channel, found.ts));
  return { ok: true, channel: found.channel, ts: found.ts };
}

function postEphemeral(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  if (str(args, 'channel') === undefined) return fail('channel_not_found');
  if (str(args, 'user') === undefined) return fail('user_not_found');
  if (!hasContent(args)) return fail('no_text');
  return { ok: true, message_ts: workspace.nextTs() };
}

function permalink(args: Record<string, unknown>): MethodAnswer {
  const channel = str(args, 'channel');
  const ts = str(args, 'message_ts');
  if (channel === undefined) return fail('channel_not_found');
  if (ts === undefined) return fail('message_not_found');
  return { ok: true, channel, permalink: `${replicaIdentity.url}archives/${channel}/p${ts.replace('.', '')}` };
}

function newHash(workspace: FakeWorkspace): string {
  return `${workspace.nextTs()}.replica`;
}

function openView(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  if (str(args, 'trigger_id') === undefined || !isObject(args.view)) return fail('invalid_arguments');
  const id = workspace.nextId('V');
  const view: Record<string, unknown> = {
    id,
    team_id: replicaIdentity.teamId,
    type: 'modal',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    state: { values: {} },
    hash: newHash(workspace),
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    previous_view_id: null,
    root_view_id: id,
    app_id: replicaIdentity.appId,
    external_id: '',
    app_installed_team_id: replicaIdentity.teamId,
    bot_id: replicaIdentity.botId,
    ...args.view,
  };
  workspace.views.set(id, view);
  return { ok: true, view };
}

function updateView(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  if (!isObject(args.view)) return fail('invalid_arguments');
  const viewId = str(args, 'view_id');
  const externalId = str(args, 'external_id');
  if (viewId === undefined && externalId === undefined) return fail('invalid_arguments');
  const view =
    viewId !== undefined
      ? workspace.views.get(viewId)
      : [...workspace.views.values()].find((v) => v.external_id === externalId);
  if (view === undefined) return fail('not_found');
  const hash = str(args, 'hash');
  if (hash !== undefined && hash !== view.hash) return fail('hash_conflict');
  Object.assign(view, args.view, { hash: newHash(workspace) });
  return { ok: true, view };
}

function usergroupMembers(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  const members = workspace.usergroups.get(str(args, 'usergroup') ?? '');
  return members === undefined ? fail('no_such_subteam') : { ok: true, users: [...members] };
}

/** Every configured group, its handle the id in lower case unless a test set one. */
function usergroupsList(_args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  return { ok: true, usergroups: [...workspace.usergroups.keys()].map((id) => ({ id, team_id: replicaIdentity.teamId, handle: workspace.usergroupHandles.get(id) ?? id.toLowerCase(), name: workspace.usergroupHandles.get(id) ?? id })) };
}

function usersInfo(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  const user = workspace.user(str(args, 'user') ?? '');
  return user === undefined ? fail('user_not_found') : { ok: true, user };
}

function conversationsInfo(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  const channel = workspace.channel(str(args, 'channel') ?? '');
  return channel === undefined ? fail('channel_not_found') : { ok: true, channel };
}

function getUploadUrl(args: Record<string, unknown>, { workspace, origin }: MethodContext): MethodAnswer {
  const filename = str(args, 'filename');
  const length = Number(str(args, 'length'));
  if (filename === undefined || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
  const fileId = workspace.nextId('F');
  workspace.uploads.set(fileId, { fileId, filename, declaredLength: length });
  return { ok: true, upload_url: `${origin}/upload/${fileId}`, file_id: fileId };
}

function completeUpload(args: Record<string, unknown>, { workspace }: MethodContext): MethodAnswer {
  const files = args.files;
  if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
  const entries = files.filter(isObject).map((f) => ({ id: String(f.id), title: typeof f.title === 'string' ? f.title : undefined }));
  const uploads = entries.map((f) => workspace.uploads.get(f.id));
  if (entries.length !== files.length || uploads.some((u) => u === undefined)) return fail('file_not_found');
  const shared = {
    ...(str(args, 'channel_id') !== undefined ? { channel_id: str(args, 'channel_id') } : {}),
    ...(str(args, 'thread_ts') !== undefined ? { thread_ts: str(args, 'thread_ts') } : {}),
    ...(str(args, 'initial_comment') !== undefined ? { initial_comment: str(args, 'initial_comment') } : {}),
    ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
  };
  const answered = entries.map((entry, i) => {
    const upload = uploads[i] as NonNullable<(typeof uploads)[number]>;
    const title = entry.title ?? upload.filename;
    upload.completed = { title, ...shared };
    return {
      id: upload.fileId,
      title,
      name: upload.filename,
      size: upload.bytes?.length ?? upload.declaredLength,
      user: replicaIdentity.botUserId,
      permalink: `${replicaIdentity.url}files/${replicaIdentity.botUserId}/${upload.fileId}/${upload.filename}`,
    };
  });
  return { ok: true, files: answered };
}

export const webApiMethods: ReadonlyMap<string, MethodHandler> = new Map<string, MethodHandler>([
  [
    'auth.test',
    () => ({
      ok: true,
      url: replicaIdentity.url,
      team: replicaIdentity.teamName,
      user: replicaIdentity.botUserName,
      team_id: replicaIdentity.teamId,
      user_id: replicaIdentity.botUserId,
      bot_id: replicaIdentity.botId,
      is_enterprise_install: false,
    }),
  ],
  ['apps.connections.open', (_args, ctx) => ({ ok: true, url: ctx.socketUrl() })],
  ['chat.postMessage', postMessage],
  ['chat.update', updateMessage],
  ['chat.delete', deleteMessage],
  ['chat.postEphemeral', postEphemeral],
  ['chat.getPermalink', permalink],
  ['reactions.add', () => ({ ok: true })],
  ['views.open', openView],
  ['views.push', openView],
  ['views.update', updateView],
  ['usergroups.users.list', usergroupMembers],
  ['usergroups.list', usergroupsList],
  ['users.info', usersInfo],
  ['conversations.info', conversationsInfo],
  ['files.getUploadURLExternal', getUploadUrl],
  ['files.completeUploadExternal', completeUpload],
]);
