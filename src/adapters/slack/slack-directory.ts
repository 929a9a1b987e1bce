import type { webApi } from '@slack/bolt';
import type { ApproverDirectory } from './approvers.js';
import type { Pacer } from './pacer.js';

/** SLACK_APPROVERS as Slack's directory knows them: group members (usergroups:read), names (users:read), paced like every call. */
export function slackDirectory(client: webApi.WebClient, pacer: Pacer): ApproverDirectory {
  return {
    members: (usergroup) => pacer.call('usergroups.users.list', null, async () => (await client.usergroups.users.list({ usergroup })).users ?? []),
    userName: (user) =>
      pacer.call('users.info', null, async () => {
        const found = (await client.users.info({ user })).user;
        return found?.profile?.display_name || found?.real_name || found?.name || null;
      }),
    groupHandle: (id) => pacer.call('usergroups.list', null, async () => ((await client.usergroups.list({})).usergroups ?? []).find((group) => group.id === id)?.handle ?? null),
  };
}
