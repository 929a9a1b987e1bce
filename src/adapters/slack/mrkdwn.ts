/**
 * Text for Slack's mrkdwn, escaped exactly once. Slack reads `<...>` as mentions and links
 * (`<!channel>`, `<https://x|click>`) and `&` as the start of an entity, so every piece of text
 * from the cluster, alerts or people must be escaped before it reaches Slack, and escaped only
 * once (`&amp;lt;` shows as `&lt;`).
 *
 * A `Mrkdwn` value is text already fit for Slack. The only ways to make one: the `md` template
 * (its literal parts are the bot's own markup; every interpolated string is escaped, a Mrkdwn
 * value goes in as it is), `plain` (escapes a whole string), and the mention helpers (which build
 * `<@U…>`, `<#C…>`, `<!subteam^S…>` from validated ids). The outbound path (SlackOutbound) and the
 * acks accept only Mrkdwn, so a builder cannot forget to escape, nor escape twice.
 */

/** Slack's limits on a message: 50 blocks, 3,000 characters in a section's text. */
export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;

const made = Symbol('mrkdwn');

export class Mrkdwn {
  /** Use `md`, `plain` or a mention helper; the key keeps other modules from wrapping raw text. */
  constructor(
    key: typeof made,
    readonly text: string,
  ) {
    if (key !== made) throw new TypeError('build Mrkdwn with md`…` or plain()');
  }

  /** `${mrkdwn}` in an ordinary template would lose the type and be escaped again later: refuse it loudly. */
  [Symbol.toPrimitive](): never {
    throw new TypeError('Mrkdwn used as a plain string: interpolate it with md`…` or send .text');
  }
}

/** `&`, `<` and `>` as entities: the text Slack shows is exactly `text`. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A whole string from outside, as Mrkdwn. */
export function plain(text: string): Mrkdwn {
  return new Mrkdwn(made, escapeText(text));
}

export type MrkdwnValue = string | number | Mrkdwn;

function piece(value: MrkdwnValue): string {
  return value instanceof Mrkdwn ? value.text : escapeText(String(value));
}

/** md`*Pod* \`${pod}\`` : the literal parts are markup, the values are escaped (Mrkdwn values are not). */
export function md(strings: TemplateStringsArray, ...values: readonly MrkdwnValue[]): Mrkdwn {
  return new Mrkdwn(made, strings.reduce((text, literal, index) => text + piece(values[index - 1]!) + literal));
}

/** Parts joined by a separator (escaped like any string). */
export function joinMd(parts: readonly MrkdwnValue[], separator: string): Mrkdwn {
  return new Mrkdwn(made, parts.map(piece).join(escapeText(separator)));
}

/** `<@U…>` for people, `<!subteam^S…>` for user groups: how Slack notifies each. Anything else is shown as text. */
export function mention(id: string): Mrkdwn {
  if (/^[UW][A-Z0-9]{2,20}$/.test(id)) return new Mrkdwn(made, `<@${id}>`);
  if (/^S[A-Z0-9]{2,20}$/.test(id)) return new Mrkdwn(made, `<!subteam^${id}>`);
  return plain(id);
}

/** `<#C…>`: a link to a channel; anything else is shown as text. */
export function channelLink(id: string): Mrkdwn {
  return /^[CG][A-Z0-9]{2,20}$/.test(id) ? new Mrkdwn(made, `<#${id}>`) : plain(id);
}

/** `<https://…|text>`: a link Slack's own API gave (a permalink); anything that is not a plain http(s) URL is shown as text. */
export function link(url: string, text: MrkdwnValue): Mrkdwn {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return md`${text}`;
  return new Mrkdwn(made, `<${escapeText(url)}|${piece(text)}>`);
}

/** `slack:U123` as a mention, anything else as text. */
export function who(actor: string): Mrkdwn {
  const match = /^slack:([UW][A-Z0-9]{2,20})$/.exec(actor);
  return match ? mention(match[1]!) : plain(actor);
}

/** Text from outside cut to `max` characters with an ellipsis, before it is escaped (a cut never splits an entity). */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  // Not half of a surrogate pair.
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/**
 * Cuts text to Slack's limit, pointing at the export where the rest is. The cut never leaves half
 * an entity (`&am`), half a mention (`<@U12`) or half a surrogate pair behind.
 */
export function fitText(text: Mrkdwn, incidentId: number, limit = MAX_TEXT): Mrkdwn {
  if (text.text.length <= limit) return text;
  const pointer = `… (truncated: the full text is in \`/oom-check export ${incidentId}\`)`;
  const cut = text.text
    .slice(0, Math.max(0, limit - pointer.length))
    .replace(/&[a-z]{0,4}$/, '')
    .replace(/<[^<>]*$/, '')
    .replace(/[\uD800-\uDBFF]$/, '');
  return new Mrkdwn(made, cut + pointer);
}

/** A Block Kit mrkdwn text object. */
export function mrkdwnObject(text: Mrkdwn): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: text.text };
}

/** `10:01:05 UTC` */
export function utcTime(at: string): string {
  return `${at.slice(11, 19)} UTC`;
}

export function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
