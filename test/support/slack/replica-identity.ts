/**
 * The one workspace the Slack replica pretends to be. Payload factories use the same ids, so a
 * request "from Slack" and the replica's `auth.test` agree (Bolt drops events from its own bot
 * user, UBOT, so factories never use it as the acting user).
 */
export const replicaIdentity = Object.freeze({
  teamId: 'T0001',
  teamName: 'OOM Check Test',
  teamDomain: 'oom-check-test',
  url: 'https://oom-check-test.slack.com/',
  botUserId: 'UBOT',
  botUserName: 'oom-check',
  botId: 'BBOT',
  appId: 'A0001',
});
