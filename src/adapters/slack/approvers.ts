import type { Logger } from '../../core/ports.js';
import { joinMd, md, mention, type Mrkdwn } from './mrkdwn.js';

const GROUP_TTL_MS = 5 * 60 * 1000;

/** What Slack's directory tells about SLACK_APPROVERS: user-group members, and names to show people. */
export interface ApproverDirectory {
  members(groupId: string): Promise<string[]>;
  /** A user's display name (`alice`), or null when Slack has none. */
  userName?(userId: string): Promise<string | null>;
  /** A user group's handle (`sre-leads`), or null. */
  groupHandle?(groupId: string): Promise<string | null>;
}

/**
 * Who may approve, edit, reject, roll back or resolve: SLACK_APPROVERS user IDs, and members of
 * the user groups it names, expanded through usergroups.users.list and cached for a few minutes.
 */
export class Approvers {
  private readonly users: Set<string>;
  private readonly groups: string[];
  private readonly cache = new Map<string, { members: Set<string>; until: number }>();
  private names: { text: Mrkdwn; until: number } | null = null;

  constructor(
    private readonly ids: readonly string[],
    private readonly source: ApproverDirectory,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.users = new Set(ids.filter((id) => !id.startsWith('S')));
    this.groups = ids.filter((id) => id.startsWith('S'));
  }

  async allows(userId: string): Promise<boolean> {
    if (this.users.has(userId)) return true;
    for (const group of this.groups) {
      if ((await this.membersOf(group)).has(userId)) return true;
    }
    return false;
  }

  /** Every approver as a notifying mention (`<@U…>`, `<!subteam^S…>`): for when their decision is needed. */
  mentions(): Mrkdwn {
    return joinMd(this.ids.map(mention), ' ');
  }

  /**
   * "@alice or @sre-leads": the approvers by name, for refusals (which should not notify anyone).
   * A name Slack does not give stays a mention, which Slack shows as the name.
   */
  async describe(): Promise<Mrkdwn> {
    if (this.names && this.names.until > this.now()) return this.names.text;
    const named = await Promise.all(this.ids.map((id) => this.nameOf(id)));
    const text = named.length <= 1 ? joinMd(named, '') : md`${joinMd(named.slice(0, -1), ', ')} or ${named.at(-1)!}`;
    this.names = { text, until: this.now() + GROUP_TTL_MS };
    return text;
  }

  private async nameOf(id: string): Promise<Mrkdwn> {
    try {
      const name = id.startsWith('S') ? await this.source.groupHandle?.(id) : await this.source.userName?.(id);
      return name ? md`@${name}` : mention(id);
    } catch (error) {
      this.log.warn({ err: error, id }, 'cannot read the name of an approver from Slack; shown as a mention');
      return mention(id);
    }
  }

  private async membersOf(group: string): Promise<Set<string>> {
    const cached = this.cache.get(group);
    if (cached && cached.until > this.now()) return cached.members;
    try {
      const members = new Set(await this.source.members(group));
      this.cache.set(group, { members, until: this.now() + GROUP_TTL_MS });
      return members;
    } catch (error) {
      // A group we cannot read keeps its last known members, or grants nothing: never more.
      this.log.warn({ err: error, group }, 'cannot expand the Slack user group in SLACK_APPROVERS; its members are refused until it can be read');
      return cached?.members ?? new Set();
    }
  }
}
