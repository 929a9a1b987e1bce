/**
 * Storm mode: when more than `threshold` incidents open within `windowMs`, one storm card lists
 * them instead of a card each (the cards would bury each other, and Slack allows about one message
 * a second per channel). Defaults: more than 5 within 5 minutes.
 */
export interface StormSettings {
  threshold: number;
  windowMs: number;
}

export const DEFAULT_STORM_SETTINGS: StormSettings = { threshold: 5, windowMs: 5 * 60_000 };

export type StormVerdict =
  /** No storm runs and none starts: the incident gets its own card. */
  | 'calm'
  /** The opening rate passed the threshold: a storm starts. */
  | 'start'
  /** A storm runs and the rate is still above the threshold. */
  | 'continue'
  /** A storm runs but the rate fell to the threshold or below: it ends. */
  | 'end';

/**
 * Whether incidents open as a storm, from how many opened within the window ending now. The same
 * test starts and ends a storm ("more than threshold"), so the card leaves storm mode as soon as
 * the window holds no more than the threshold.
 */
export function stormVerdict(openedInWindow: number, running: boolean, settings: StormSettings = DEFAULT_STORM_SETTINGS): StormVerdict {
  const stormy = openedInWindow > settings.threshold;
  if (running) return stormy ? 'continue' : 'end';
  return stormy ? 'start' : 'calm';
}

/** The start of the window ending at `now`, as the ISO time the store compares with `opened_at`. */
export function windowStart(now: Date, settings: StormSettings = DEFAULT_STORM_SETTINGS): string {
  return new Date(now.getTime() - settings.windowMs).toISOString();
}

/** `#1–#3, #5, #7–#9`: incident ids as ranges, so hundreds fit on one card. */
export function idRanges(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `#${sorted[i]}` : `#${sorted[i]}–#${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
