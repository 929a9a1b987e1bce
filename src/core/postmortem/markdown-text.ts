/**
 * Markdown for text that came from users, alerts or the cluster: it must read as text, never as
 * markup, table structure or HTML.
 */
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Emphasis, code spans, links and table borders; other punctuation is inert inside one line. */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]|~]/g;

/** One line of inline text: safe in a table cell or a list item. Line breaks become `<br>`. */
export function inline(text: string): string {
  return text
    .replace(/[&<>]/g, (char) => HTML_ENTITIES[char] ?? char)
    .replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`)
    .replace(/\r\n|\r|\n/g, '<br>');
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
  return new Date(at).toISOString().slice(0, 19).replace('T', ' ');
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
