/**
 * What "escaped for Slack mrkdwn" means, checked independently of the bot's own escaping: every
 * `&` starts an entity (`&amp;`, `&lt;`, `&gt;`), and every `<` and `>` belongs to markup the bot
 * writes on purpose (a user, channel or user-group mention; `> ` opening a quoted line; a link to
 * a message of the replica's own workspace, which only chat.getPermalink gives). Anything else is
 * text from outside that Slack would read as markup (`<!channel>`, `<https://evil|click>`).
 */
const TOKEN = /<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>|<!subteam\^S[A-Z0-9]+>|<https:\/\/oom-check-test\.slack\.com\/archives\/[A-Z0-9]+\/p\d+\|[^<>|&]*>|&(?:amp|lt|gt);|(?<=^|\n)> /g;

export function isSafeMrkdwn(text: string): boolean {
  return !/[<>&]/.test(text.replace(TOKEN, ''));
}

/**
 * Every mrkdwn text in a Web API call's arguments or an ack body: the top-level `text` (the
 * notification fallback), a file's `initial_comment`, modal `errors`, and every mrkdwn text object
 * in blocks, fields, confirmations and views. plain_text objects are left out: Slack shows them as
 * they are.
 */
export function mrkdwnTexts(args: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const key of ['text', 'initial_comment']) if (typeof args[key] === 'string') found.push(args[key]);
  if (args.errors && typeof args.errors === 'object') found.push(...Object.values(args.errors).filter((value) => typeof value === 'string'));
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (object.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
      Object.values(object).forEach(walk);
    }
  };
  walk(Object.fromEntries(Object.entries(args).filter(([key]) => key !== 'text')));
  return found;
}
