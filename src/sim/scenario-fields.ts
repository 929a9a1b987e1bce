/**
 * The building blocks every part of the scenario schema uses: names as the API server checks them,
 * quantities as Kubernetes writes them, and a byte reader for cross-field checks that must never
 * throw (the field's own check has already reported a bad quantity).
 */
import { z } from 'zod';
import { parseQuantity, QuantityError } from '../core/quantity.js';
import { parseGoQuantity, quantityText } from './parse-go-quantity.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const dnsLabel = z
  .string()
  .max(63)
  .regex(DNS_LABEL, 'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit');

export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, 'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and "."');

/** A Kubernetes quantity such as `64Mi`; YAML numbers are read as bytes. */
export const quantity = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .superRefine((value, ctx) => {
    try {
      parseQuantity(value);
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  });

export const stringMap = z.record(z.string(), z.string());

export const resourceList = z.strictObject({ memory: quantity.optional(), cpu: quantity.optional() });

/** `sha256:` and 64 lowercase hex digits, as image digests are written. */
export const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits');

/** Bytes of a quantity, or undefined when absent or invalid (already reported by the field's own check). */
export function bytes(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  try {
    return parseQuantity(q);
  } catch (error) {
    if (error instanceof QuantityError) return undefined;
    throw error;
  }
}

/** CPU in millicores (`500m` -> 500, `2` -> 2000), or undefined when absent or invalid. */
export function millicores(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const parsed = parseGoQuantity(quantityText(q));
  return parsed.ok ? Math.ceil(parsed.value * 1000) : undefined;
}
