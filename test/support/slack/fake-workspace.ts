/**
 * What the replica remembers between calls: the messages and views the bot created, pending file
 * uploads, and the directory (users, channels, user groups) tests configure. Web API method
 * handlers read and change it; tests inspect it through the replica.
 */
import { replicaIdentity } from './replica-identity.js';

export interface SlackUserRecord {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  tz: string;
  profile: { display_name: string; real_name: string; email?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface SlackChannelRecord {
  id: string;
  name: string;
  is_channel: boolean;
  is_private: boolean;
  is_im: boolean;
  is_member: boolean;
  is_archived: boolean;
  created: number;
  [key: string]: unknown;
}

/** A message as it stands now (after any `chat.update`). */
export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  text: string;
  blocks?: unknown;
  attachments?: unknown;
  thread_ts?: string;
  edited?: { user: string; ts: string };
}

export interface ReplicaUpload {
  fileId: string;
  filename: string;
  /** `length` the client announced in files.getUploadURLExternal. */
  declaredLength: number;
  /** Bytes posted to the upload URL (undefined until then). */
  bytes?: Buffer;
  /** `bytes` as UTF-8. */
  content?: string;
  /** Arguments of the files.completeUploadExternal call that shared the file. */
  completed?: { title?: string; channel_id?: string; thread_ts?: string; initial_comment?: string; blocks?: unknown };
}

export interface WorkspaceOptions {
  /** Members per user group id, for `usergroups.users.list`. */
  usergroups?: Record<string, string[]>;
  /** Fields to override per user id in `users.info` (any `U…`/`W…` id answers with a generated user). */
  users?: Record<string, Partial<SlackUserRecord>>;
  /** Fields to override per channel id in `conversations.info` (any `C…`/`G…`/`D…` id answers). */
  channels?: Record<string, Partial<SlackChannelRecord>>;
}

/** 2025-11-27T10:00:00Z: message timestamps count up from here in steps of 100 µs. */
const TS_EPOCH_SECONDS = 1_764_237_600;

export class FakeWorkspace {
  readonly messages = new Map<string, StoredMessage>();
  readonly views = new Map<string, Record<string, unknown>>();
  readonly uploads = new Map<string, ReplicaUpload>();
  readonly usergroups = new Map<string, string[]>();
  /** Handles per user group id, for `usergroups.list` (default: the id in lower case). */
  readonly usergroupHandles = new Map<string, string>();
  private readonly userOverrides = new Map<string, Partial<SlackUserRecord>>();
  private readonly channelOverrides = new Map<string, Partial<SlackChannelRecord>>();
  private tsCounter = 0;
  private readonly idCounters = new Map<string, number>();

  constructor(options: WorkspaceOptions = {}) {
    for (const [id, members] of Object.entries(options.usergroups ?? {})) this.usergroups.set(id, [...members]);
    for (const [id, user] of Object.entries(options.users ?? {})) this.userOverrides.set(id, user);
    for (const [id, channel] of Object.entries(options.channels ?? {})) this.channelOverrides.set(id, channel);
  }

  /** A unique, increasing message timestamp: `1764237600.000100`, `1764237600.000200`, ... */
  nextTs(): string {
    this.tsCounter += 1;
    const micros = this.tsCounter * 100;
    const seconds = TS_EPOCH_SECONDS + Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** `F0001`, `V0001`, ... one sequence per prefix. */
  nextId(prefix: string): string {
    const n = (this.idCounters.get(prefix) ?? 0) + 1;
    this.idCounters.set(prefix, n);
    return `${prefix}${String(n).padStart(4, '0')}`;
  }

  static messageKey(channel: string, ts: string): string {
    return `${channel}/${ts}`;
  }

  setUser(id: string, fields: Partial<SlackUserRecord>): void {
    this.userOverrides.set(id, fields);
  }

  setChannel(id: string, fields: Partial<SlackChannelRecord>): void {
    this.channelOverrides.set(id, fields);
  }

  user(id: string): SlackUserRecord | undefined {
    const override = this.userOverrides.get(id);
    if (override === undefined && !/^[UW][A-Z0-9]+$/.test(id)) return undefined;
    const name = id === replicaIdentity.botUserId ? replicaIdentity.botUserName : `user-${id.toLowerCase()}`;
    const base: SlackUserRecord = {
      id,
      team_id: replicaIdentity.teamId,
      name,
      real_name: name,
      deleted: false,
      is_bot: id === replicaIdentity.botUserId,
      tz: 'Europe/Berlin',
      profile: { display_name: name, real_name: name },
    };
    return { ...base, ...override, profile: { ...base.profile, ...override?.profile } };
  }

  channel(id: string): SlackChannelRecord | undefined {
    const override = this.channelOverrides.get(id);
    if (override === undefined && !/^[CGD][A-Z0-9]+$/.test(id)) return undefined;
    const base: SlackChannelRecord = {
      id,
      name: id.startsWith('D') ? id : `channel-${id.toLowerCase()}`,
      is_channel: id.startsWith('C'),
      is_private: id.startsWith('G'),
      is_im: id.startsWith('D'),
      is_member: true,
      is_archived: false,
      created: TS_EPOCH_SECONDS - 86_400,
    };
    return { ...base, ...override };
  }

  /** Forgets messages, views and uploads; keeps the directory and the ts/id counters (ids stay unique). */
  reset(): void {
    this.messages.clear();
    this.views.clear();
    this.uploads.clear();
  }
}
