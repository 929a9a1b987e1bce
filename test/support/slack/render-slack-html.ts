/**
 * A small Block Kit renderer for pictures of what the bot sent: the messages the Slack replica
 * holds (the card as last updated, its thread replies) as an HTML page styled after Slack's
 * desktop client, which a headless browser screenshots. It renders only what oom-check uses:
 * header, section (text and fields), context, actions (buttons, with their confirmation shown
 * beneath), and mrkdwn (bold, italic, code, pre, quotes, mentions, links, a few emoji). Not a
 * product: a faithful-enough mirror for the README and for reviewing a card by eye.
 */
import type { StoredMessage } from './fake-workspace.js';

export interface SlackNames {
  users: Record<string, string>;
  groups: Record<string, string>;
  channels: Record<string, string>;
}

const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  warning: '⚠️',
  stopwatch: '⏱️',
  arrows_counterclockwise: '🔄',
  hourglass_flowing_sand: '⏳',
  x: '❌',
  information_source: 'ℹ️',
  rotating_light: '🚨',
  red_circle: '🔴',
  '+1': '👍',
  mag: '🔍',
  no_entry: '⛔',
  arrow_up: '⬆️',
};

type Json = Record<string, unknown>;

/** Text that is not yet HTML (plain_text objects, names): escaped. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Shortcodes as Slack shows them; ⚪ asks for its emoji form, which some fonts draw as text otherwise. */
function emoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (match, name: string) => EMOJI[name] ?? match).replace(/\u26aa(?!\ufe0f)/g, '\u26aa\ufe0f');
}

/**
 * Slack mrkdwn (already escaped for Slack: `&amp;`, `&lt;`, `&gt;` are valid HTML too) as HTML.
 * Only the bot's own markup tokens contain a raw `<`; anything else left over is escaped.
 */
export function mrkdwnToHtml(text: string, names: SlackNames): string {
  const tokens: string[] = [];
  const keep = (html: string) => `\u0000${tokens.push(html) - 1}\u0000`;
  let out = text
    .replace(/```([\s\S]*?)```/g, (_m, code: string) => keep(`<pre>${code.replace(/^\n/, '')}</pre>`))
    .replace(/`([^`\n]+)`/g, (_m, code: string) => keep(`<code>${code}</code>`))
    .replace(/<@([UW][A-Z0-9]+)>/g, (_m, id: string) => keep(`<span class="mention">@${escapeHtml(names.users[id] ?? id)}</span>`))
    .replace(/<!subteam\^(S[A-Z0-9]+)>/g, (_m, id: string) => keep(`<span class="mention">@${escapeHtml(names.groups[id] ?? id)}</span>`))
    .replace(/<#([CG][A-Z0-9]+)>/g, (_m, id: string) => keep(`<span class="mention">#${escapeHtml(names.channels[id] ?? id)}</span>`))
    .replace(/<(https?:\/\/[^|>]+)\|([^>]*)>/g, (_m, url: string, label: string) => keep(`<a href="${url}">${label}</a>`))
    .replace(/</g, '&lt;');
  out = out
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>');
  out = out
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') ? `<blockquote>${line.slice(5)}</blockquote>` : line))
    .join('<br>')
    .replace(/<\/blockquote><br>/g, '</blockquote>');
  return emoji(out).replace(/\u0000(\d+)\u0000/g, (_m, index: string) => emoji(tokens[Number(index)] ?? ''));
}

function textOf(object: unknown, names: SlackNames): string {
  if (!object || typeof object !== 'object') return '';
  const { type, text } = object as Json;
  if (typeof text !== 'string') return '';
  return type === 'mrkdwn' ? mrkdwnToHtml(text, names) : emoji(escapeHtml(text));
}

function button(element: Json, names: SlackNames): string {
  const style = typeof element.style === 'string' ? ` ${element.style}` : '';
  const confirm = element.confirm as Json | undefined;
  const dialog = confirm
    ? `<div class="confirm"><div class="confirm-title">${textOf(confirm.title, names)}</div><div>${textOf(confirm.text, names)}</div>` +
      `<div class="confirm-buttons"><span class="button">${textOf(confirm.deny, names)}</span><span class="button ${String(confirm.style ?? 'primary')}">${textOf(confirm.confirm, names)}</span></div></div>`
    : '';
  return `<span class="button-wrap"><span class="button${style}">${textOf(element.text, names)}</span>${dialog}</span>`;
}

function block(value: Json, names: SlackNames, showConfirms: boolean): string {
  switch (value.type) {
    case 'header':
      return `<div class="header">${textOf(value.text, names)}</div>`;
    case 'section': {
      const fields = ((value.fields ?? []) as Json[]).map((field) => `<div class="field">${textOf(field, names)}</div>`).join('');
      return `<div class="section">${textOf(value.text, names)}${fields ? `<div class="fields">${fields}</div>` : ''}</div>`;
    }
    case 'context':
      return `<div class="context">${((value.elements ?? []) as Json[]).map((element) => `<span>${textOf(element, names)}</span>`).join(' ')}</div>`;
    case 'actions': {
      const elements = (value.elements ?? []) as Json[];
      const buttons = elements.map((element) => button(showConfirms ? element : { ...element, confirm: undefined }, names)).join('');
      return `<div class="actions">${buttons}</div>`;
    }
    case 'divider':
      return '<hr>';
    default:
      return '';
  }
}

function message(stored: StoredMessage, names: SlackNames, options: { showConfirms: boolean; time: string }): string {
  const blocks = Array.isArray(stored.blocks) ? (stored.blocks as Json[]) : [];
  const body = blocks.length > 0 ? blocks.map((value) => block(value, names, options.showConfirms)).join('') : `<div class="section">${mrkdwnToHtml(stored.text, names)}</div>`;
  return (
    `<div class="message"><div class="avatar">oc</div><div class="content">` +
    `<div class="meta"><b>oom-check</b> <span class="app">APP</span> <span class="time">${escapeHtml(options.time)}</span>${stored.edited ? ' <span class="time">(edited)</span>' : ''}</div>` +
    `${body}</div></div>`
  );
}

const STYLE = `
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1d1c1d; font: 15px/1.46668 "Lato", "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
.page { padding: 12px 16px 16px; }
.caption { font-size: 12px; color: #616061; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; }
.message { display: flex; gap: 8px; padding: 6px 0; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center; font-size: 14px; }
.content { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.meta { font-size: 15px; } .meta b { font-weight: 900; }
.app { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 3px; border-radius: 2px; vertical-align: 2px; }
.time { color: #616061; font-size: 12px; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 4px 0 6px; }
.section { margin: 4px 0 8px; }
.context { font-size: 13px; color: #616061; margin: 4px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; align-items: flex-start; }
.button-wrap { display: inline-flex; flex-direction: column; align-items: flex-start; gap: 6px; }
.button { display: inline-block; border: 1px solid #bbbabb; border-radius: 4px; padding: 3px 12px; font-size: 13px; font-weight: 700; height: 28px; line-height: 20px; white-space: nowrap; background: #fff; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { color: #e01e5a; border-color: #e01e5a; }
.confirm-buttons .button.danger { background: #e01e5a; color: #fff; }
.confirm { border: 1px solid #ddd; border-radius: 8px; box-shadow: 0 4px 12px rgba(0,0,0,.12); padding: 10px 12px; font-size: 13px; max-width: 320px; white-space: normal; }
.confirm-title { font-weight: 900; font-size: 15px; margin-bottom: 4px; }
.confirm-buttons { display: flex; gap: 8px; justify-content: flex-end; margin-top: 8px; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; }
code { font: 12px/1.5 "DejaVu Sans Mono", Menlo, monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 3px; padding: 1px 3px; }
pre { font: 12px/1.5 "DejaVu Sans Mono", Menlo, monospace; background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; }
blockquote { margin: 0; padding-left: 10px; border-left: 4px solid #ddd; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
a { color: #1264a3; text-decoration: none; }
.thread { margin: 6px 0 0 44px; border-left: 2px solid #e8e8e8; padding-left: 10px; }
.thread-title { font-size: 13px; font-weight: 700; color: #1264a3; margin: 4px 0; }
.thread .message { font-size: 14px; } .thread .avatar { flex-basis: 24px; height: 24px; font-size: 10px; }
`;

/** A page with the card and, below it, its thread (the newest `threadLimit` replies). */
export function renderSlackHtml(card: StoredMessage, thread: readonly StoredMessage[], names: SlackNames, options: { caption?: string; showConfirms?: boolean; threadLimit?: number } = {}): string {
  const time = (ts: string) => new Date(Number(ts.split('.')[0]) * 1000).toISOString().slice(11, 16);
  const replies = thread.slice(-(options.threadLimit ?? thread.length));
  const threadHtml =
    replies.length > 0
      ? `<div class="thread"><div class="thread-title">${thread.length} ${thread.length === 1 ? 'reply' : 'replies'}${replies.length < thread.length ? ` (the last ${replies.length})` : ''}</div>` +
        replies.map((reply) => message(reply, names, { showConfirms: false, time: time(reply.ts) })).join('') +
        '</div>'
      : '';
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${STYLE}</style></head>` +
    `<body><div class="page">${options.caption ? `<div class="caption">${escapeHtml(options.caption)}</div>` : ''}` +
    message(card, names, { showConfirms: options.showConfirms ?? false, time: time(card.ts) }) +
    `${threadHtml}</div></body></html>`
  );
}
