/**
 * Markdown for text that came from users, alerts or the cluster: it must read as text, never as
 * markup, table structure or HTML, and read as it was written in the raw file too. So only what
 * Markdown would take as markup is escaped, with a backslash, where it would take it: `<` before
 * a tag or an autolink, `&` before an entity, `*`, `[`, `]`, `~`, `_` at a word's edge, a `>` that
 * starts the text, `|` in a table cell. `64Mi -> 128Mi` and `a & b` stay as they are. Text between
 * a pair of backticks is a code span, shown literally, as its writer meant ("container `migrate`").
 */
const PLAIN_UNSAFE = /<(?=[A-Za-z/!?])|&(?=#?[A-Za-z0-9]+;)|\\(?=[!-/:-@[-`{-~])|[*[\]~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|^>/g;
const LINE_BREAK = /\r\n|\r|\n/g;

function escapePlain(text: string, inTable: boolean): string {
  const escaped = text.replace(PLAIN_UNSAFE, (match) => `\\${match}`);
  return (inTable ? escaped.replace(/\|/g, '\\|') : escaped).replace(LINE_BREAK, '<br>');
}

/** A code span as written: its content is literal; a line break would end the cell, so it becomes a space. */
function codeSpan(span: string, inTable: boolean): string {
  const flat = span.replace(LINE_BREAK, ' ');
  // In a GFM table a pipe splits the cell even inside code; `\|` is the table's own escape.
  return inTable ? flat.replace(/\|/g, '\\|') : flat;
}

function escapeText(text: string, inTable: boolean): string {
  let out = '';
  let rest = text;
  for (;;) {
    // A backtick run closed by a run of the same length is a code span; any other backtick is literal.
    const open = /`+/.exec(rest);
    if (!open) return out + escapePlain(rest, inTable);
    const run = open[0];
    const close = new RegExp(`(?<!\`)${run}(?!\`)`).exec(rest.slice(open.index + run.length));
    if (!close) {
      out += escapePlain(rest.slice(0, open.index + run.length), inTable);
      rest = rest.slice(open.index + run.length);
      continue;
    }
    const end = open.index + run.length + close.index + run.length;
    out += escapePlain(rest.slice(0, open.index), inTable) + codeSpan(rest.slice(open.index, end), inTable);
    rest = rest.slice(end);
  }
}

/** One line of inline text in prose (a list item): line breaks become `<br>`. */
export function inline(text: string): string {
  return escapeText(text, false);
}

/** One line of inline text in a table cell: as `inline`, and `|` cannot split the cell. */
export function cell(text: string): string {
  return escapeText(text, true);
}

/** A fenced code block whose fence is longer than any backtick run inside, so content cannot close it. */
export function codeBlock(content: string, language = ''): string {
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${content.replace(/\n$/, '')}\n${fence}`;
}

/** `m:ss` for a duration; `—` when it is unknown. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const whole = Math.round(seconds);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  return `${sign}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

/** `T+mm:ss` (or `T-mm:ss`) of `at` relative to `origin`. */
export function relativeTime(at: string, origin: string): string {
  const seconds = Math.round((Date.parse(at) - Date.parse(origin)) / 1000);
  const abs = Math.abs(seconds);
  return `T${seconds < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `2026-11-27 10:00:01` (UTC, to the second). */
export function utc(at: string): string {
  // Stored times are ISO-8601 UTC (checked on append), so the first 19 characters are the second.
  return `${at.slice(0, 10)} ${at.slice(11, 19)}`;
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
