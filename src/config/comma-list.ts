import { z } from 'zod';

/** A comma-separated variable as its trimmed, non-empty entries; unset or empty is no entry. */
export const commaList = (item: RegExp, problem: string) =>
  z
    .string()
    .default('')
    .transform((text) => text.split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every((entry) => item.test(entry)), { error: problem });
