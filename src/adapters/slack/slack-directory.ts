import type { webApi } from '@slack/bolt';
import type { ApproverDirectory } from './approvers.js';

/** SLACK_APPROVERS as Slack's directory knows them: group members (usergroups:read), names (users:read). */
export function slackDirectory(client: webApi.WebClient): ApproverDirectory {
  return {
    members: async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [],
    userName: async (user) => {
      const found = (await client.users.info({ user })).user;
      return found?.profile?.display_name || found?.real_name || found?.name || null;
    },
    groupHandle: async (id) => ((await client.usergroups.list({})).usergroups ?? []).find((group) => group.id === id)?.handle ?? null,
  };
}
