/**
 * Freeze windows as people write them: a cron expression for when a window opens (five fields,
 * minute hour day-of-month month day-of-week, UTC) and how long it lasts. A pure matcher, so the
 * policy decision can be tested on any instant without a scheduler.
 */
export type CronFields = [minute: Set<number>, hour: Set<number>, dayOfMonth: Set<number>, month: Set<number>, dayOfWeek: Set<number>];

export interface CronExpression {
  fields: CronFields;
  /** Cron's rule: when both day fields are restricted, a day matches if either does. */
  dayOfMonthAny: boolean;
  dayOfWeekAny: boolean;
}

const RANGES: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function value(text: string, range: (typeof RANGES)[number]): number {
  const named = range.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (range.name === 'month' ? 1 : 0);
  if (!/^\d{1,2}$/.test(text)) return Number.NaN;
  return Number(text);
}

function parseField(text: string, range: (typeof RANGES)[number]): Set<number> | string {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [span = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `the ${range.name} field "${text}" has a bad step "/${stepText}"`;
    let from: number;
    let to: number;
    if (span === '*') [from, to] = [range.min, range.max];
    else {
      const [a = '', b] = span.split('-');
      from = value(a, range);
      to = b === undefined ? (stepText === undefined ? from : range.max) : value(b, range);
    }
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < range.min || to > range.max || from > to) {
      return `the ${range.name} field "${text}" must hold values from ${range.min} to ${range.max}`;
    }
    for (let v = from; v <= to; v += step) out.add(range.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(text: string): { ok: true; cron: CronExpression } | { ok: false; problem: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 5) return { ok: false, problem: `"${text}" must have five fields: minute hour day-of-month month day-of-week, e.g. "0 18 * * fri"` };
  const fields: Array<Set<number>> = [];
  for (const [index, part] of parts.entries()) {
    const field = parseField(part, RANGES[index]!);
    if (typeof field === 'string') return { ok: false, problem: field };
    fields.push(field);
  }
  return { ok: true, cron: { fields: fields as CronFields, dayOfMonthAny: parts[2] === '*', dayOfWeekAny: parts[4] === '*' } };
}

/** Whether the cron fires at the minute holding `at` (UTC). */
export function cronFiresAt(cron: CronExpression, at: Date): boolean {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.fields;
  if (!minute.has(at.getUTCMinutes()) || !hour.has(at.getUTCHours()) || !month.has(at.getUTCMonth() + 1)) return false;
  const byMonthDay = dayOfMonth.has(at.getUTCDate());
  const byWeekDay = dayOfWeek.has(at.getUTCDay());
  if (cron.dayOfMonthAny || cron.dayOfWeekAny) return byMonthDay && byWeekDay;
  return byMonthDay || byWeekDay;
}

const MINUTE_MS = 60_000;

/**
 * The start of the window holding `at`, if any: the latest minute the cron fired within
 * `durationMs` before `at` (a window opened at 18:00 for 1h holds 18:00 up to, not including, 19:00).
 */
export function openWindowStart(cron: CronExpression, durationMs: number, at: Date): Date | null {
  const minute = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
  for (let start = minute; start > at.getTime() - durationMs; start -= MINUTE_MS) {
    if (cronFiresAt(cron, new Date(start))) return new Date(start);
  }
  return null;
}
