/** Slack's limits on a message: 50 blocks, 3,000 characters in a section's text. */
export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;

/** Text from the cluster, alerts or people, made inert in mrkdwn: Slack reads `<...>` and `&` as markup. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts text to Slack's limit, pointing at the export where the rest is. */
export function fitText(text: string, incidentId: number, limit = MAX_TEXT): string {
  if (text.length <= limit) return text;
  const pointer = `… (truncated: the full text is in \`/oom-check export ${incidentId}\`)`;
  return text.slice(0, limit - pointer.length) + pointer;
}

/** `slack:U123` as a mention, anything else as escaped text. */
export function who(actor: string): string {
  const match = /^slack:([UW][A-Z0-9]+)$/.exec(actor);
  return match ? `<@${match[1]}>` : escapeText(actor);
}

/** `10:01:05 UTC` */
export function utcTime(at: string): string {
  return `${at.slice(11, 19)} UTC`;
}

export function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
