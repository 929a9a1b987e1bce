import type { Logger } from '../../core/ports.js';

const GROUP_TTL_MS = 5 * 60 * 1000;

export interface UserGroupSource {
  members(groupId: string): Promise<string[]>;
}

/**
 * Who may approve, edit or roll back: SLACK_APPROVERS user IDs, and members of the user groups
 * it names, expanded through usergroups.users.list and cached for a few minutes.
 */
export class Approvers {
  private readonly users: Set<string>;
  private readonly groups: string[];
  private readonly cache = new Map<string, { members: Set<string>; until: number }>();

  constructor(
    ids: readonly string[],
    private readonly source: UserGroupSource,
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
