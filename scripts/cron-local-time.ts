import type { Plugin } from 'esbuild';
import { patchPackageText, type TextPatch } from './patch-package-text.js';

/**
 * node-cron reads the time of day through Intl.DateTimeFormat, even for a job without a time
 * zone (the bot's sweep): the first one maps ICU's locale and time-zone data, ~8 MB of RSS held
 * for good (bench:footprint), for what Date's getters answer in the same local time zone (both
 * follow TZ through ICU's default zone).
 *
 * This plugin makes node-cron (pinned in package.json) read a job without a time zone from Date's
 * getters, in the bundle only: the parts (year to second, English weekday) and the UTC offset
 * ("GMT+02:00", or "Z") as its Intl path gives them. Jobs with a time zone keep the Intl path.
 * test/cron-local-time.test.ts checks both paths give the same times, DST changes included.
 */
const SHARED = /[\\/]node-cron[\\/]dist[\\/]_shared\.js$/;

const LOCAL_TIME = `const LOCAL_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function localDateParts(date) {
    const result = { day: date.getDate(), month: date.getMonth() + 1, year: date.getFullYear(), hour: date.getHours(), minute: date.getMinutes(), second: date.getSeconds(), millisecond: date.getMilliseconds(), weekday: LOCAL_WEEKDAYS[date.getDay()] };
    let gmt;
    Object.defineProperty(result, 'gmt', { enumerable: true, configurable: true, get() { return gmt ??= localGMT(date); } });
    return result;
}
function localGMT(date) {
    const offset = -date.getTimezoneOffset();
    if (offset === 0) return 'Z';
    const pad = (n) => String(n).padStart(2, '0');
    return \`GMT\${offset > 0 ? '+' : '-'}\${pad(Math.floor(Math.abs(offset) / 60))}:\${pad(Math.abs(offset) % 60)}\`;
}
`;

const PATCHES: readonly TextPatch[] = [
  {
    file: SHARED,
    from: 'function buildDateParts(date, timezone) {\n    const dateFormat = getPartsFormatter(timezone);',
    to: `${LOCAL_TIME}function buildDateParts(date, timezone) {\n    if (!timezone) return localDateParts(date);\n    const dateFormat = getPartsFormatter(timezone);`,
  },
  {
    file: SHARED,
    from: 'function getTimezoneGMT(date, timezone) {\n    const fmt = getOffsetFormatter(timezone);',
    to: 'function getTimezoneGMT(date, timezone) {\n    if (!timezone) return localGMT(date);\n    const fmt = getOffsetFormatter(timezone);',
  },
];

export function cronLocalTime(): Plugin {
  return patchPackageText('cron-local-time', PATCHES);
}
