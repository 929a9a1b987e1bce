/**
 * The incident id Slack hands back from what the bot put in a message or a modal: a button's
 * `value`, a modal's `private_metadata`. Anyone can send Slack-signed requests with any value
 * (a stale client, a crafted request from a workspace member), so it is parsed, not cast: a
 * positive whole number written plainly, within JavaScript's safe integers, or null.
 */
export function parseIncidentId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : null;
}
