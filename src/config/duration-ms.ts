import { z } from 'zod';

/** A duration as the variables take it: a whole number and ms, s, m or h (10s, 5m). */
export const DURATION = /^(\d+)(ms|s|m|h)$/;

export function durationMs(text: string): number {
  const [, amount, unit] = DURATION.exec(text) ?? [];
  return Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
}

/** A deadline of one outside request (a Kubernetes API call, one evidence look-up), 100ms to 5m. */
export const requestTimeout = (fallback: string, what: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => DURATION.test(text) && durationMs(text) >= 100 && durationMs(text) <= 300_000, {
      error: `must be a duration from 100ms to 5m, such as ${fallback}: ${what}`,
    });
