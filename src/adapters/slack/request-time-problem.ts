/** How far a request's timestamp may be from the bot's clock, either way: Slack's five minutes. */
export const MAX_REQUEST_SKEW_SECONDS = 5 * 60;

/**
 * Why a Slack request's `X-Slack-Request-Timestamp` is refused, or null when it is within five
 * minutes of `nowMs` in either direction. Bolt refuses only old timestamps; a signed request
 * stamped in the future could otherwise be replayed until that future has passed. A missing
 * header is left to Bolt, which refuses it unless the request is Slack's `ssl_check`.
 */
export function requestTimeProblem(header: string | string[] | undefined, nowMs: number): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header)) return 'X-Slack-Request-Timestamp is not a number of seconds';
  const skew = Number(header) - Math.floor(nowMs / 1000);
  if (Math.abs(skew) <= MAX_REQUEST_SKEW_SECONDS) return null;
  return `X-Slack-Request-Timestamp is ${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'}, more than ${MAX_REQUEST_SKEW_SECONDS} s from this bot's clock: a replayed request, or a clock out of sync (check NTP)`;
}
