import { z } from 'zod';
import { isOomCheckError } from '../core/errors.js';
import type { PolicyFile } from '../core/policy/policy-schema.js';
import { loadPolicies } from '../runbook/load-policies.js';

/**
 * OOM_CHECK_POLICIES: the path of the self-heal policies file, read and validated at start like
 * the runbook. Unset: no policy, so nothing is approved without a person (as before policies).
 */
export const policiesSection = z
  .object({ OOM_CHECK_POLICIES: z.string().optional() })
  .transform((env, ctx): { path: string | null; file: PolicyFile | null } => {
    if (env.OOM_CHECK_POLICIES === undefined) return { path: null, file: null };
    try {
      return { path: env.OOM_CHECK_POLICIES, file: loadPolicies(env.OOM_CHECK_POLICIES) };
    } catch (error) {
      if (!isOomCheckError(error)) throw error;
      ctx.addIssue({ code: 'custom', path: ['OOM_CHECK_POLICIES'], message: `names a policies file that cannot be used: ${error.message}` });
      return { path: env.OOM_CHECK_POLICIES, file: null };
    }
  });
