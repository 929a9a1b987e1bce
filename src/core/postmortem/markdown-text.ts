/**
 * Markdown for text that came from users, alerts or the cluster: it must read as text, never as
 * markup, table structure or HTML.
 */
/** HTML that would be markup, punctuation that would be emphasis, code, links or table borders, and line breaks. */
const UNSAFE = /\r\n|[&<>\\`*_[\]|~\r\n]/g;
const REPLACEMENTS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r\n': '<br>', '\r': '<br>', '\n': '<br>' };

/** One line of inline text: safe in a table cell or a list item. Line breaks become `<br>`. */
export function inline(text: string): string {
  return text.replace(UNSAFE, (match) => REPLACEMENTS[match] ?? `\\${match}`);
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
