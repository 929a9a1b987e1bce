import { z } from 'zod';
import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from './core/dns-names.js';

/**
 * The environment of many clusters and of leader election, read apart from src/config.ts (which
 * plugs these in): OOM_CHECK_CLUSTERS and the OOM_CHECK_LEASE_* variables.
 */

/** A cluster's name in OOM_CHECK_CLUSTERS: no `/` (it is the first part of `cluster/namespace/pod`), `,` or `=`. */
export const CLUSTER_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

export interface ClusterEntry {
  /** How incidents, alerts (their cluster label) and commands name the cluster. */
  name: string;
  /** The kubeconfig context that reaches it. */
  context: string;
}

const CLUSTERS_FORMAT = 'name=context pairs, comma-separated, e.g. OOM_CHECK_CLUSTERS=prod=gke-prod,staging=kind-staging (a bare context is named after itself)';

/**
 * OOM_CHECK_CLUSTERS: `name=context,name=context`; a bare `context` is its own name. Unset: null,
 * the one cluster of KUBE_CONTEXT (or the kubeconfig's current context), named after it as before.
 * Every problem is reported, each naming the entry.
 */
export function readClusterMap(text: string | undefined, ctx: z.RefinementCtx): ClusterEntry[] | null {
  if (text === undefined) return null;
  const entries: ClusterEntry[] = [];
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
  for (const raw of text.split(',').map((part) => part.trim())) {
    if (raw === '') {
      problem(`has an empty entry (two commas, or one at an end): it must be ${CLUSTERS_FORMAT}`);
      continue;
    }
    const [name, context, ...more] = raw.includes('=') ? raw.split('=').map((part) => part.trim()) : [raw, raw];
    if (more.length > 0 || !name || !context) {
      problem(`entry ${JSON.stringify(raw)} is not name=context: it must be ${CLUSTERS_FORMAT}`);
      continue;
    }
    if (!CLUSTER_NAME.test(name)) {
      problem(`entry ${JSON.stringify(raw)}: ${JSON.stringify(name)} is not a cluster name (letters, digits, ".", "_" and "-", starting and ending with a letter or digit, at most 63 characters; name a context with other characters as name=context)`);
      continue;
    }
    const sameName = entries.find((entry) => entry.name === name);
    const sameContext = entries.find((entry) => entry.context === context);
    if (sameName) problem(`names the cluster ${JSON.stringify(name)} twice: give each cluster one name`);
    else if (sameContext) problem(`lists the context ${JSON.stringify(context)} twice (as ${sameContext.name} and ${name}): one cluster, one name, or the bot would act on it twice`);
    else entries.push({ name, context });
  }
  return entries;
}

const DURATION = /^(\d+)(s|m)$/;
const seconds = (text: string) => {
  const [, amount, unit] = DURATION.exec(text) ?? [];
  return Number(amount) * (unit === 'm' ? 60 : 1);
};

/** Leader election: one Lease per cluster, by the same name and namespace in each. */
export const leaseSection = z
  .object({
    OOM_CHECK_LEASE: z.enum(['on', 'off'], { error: 'must be on or off (off: this process acts without a Lease; run one process only)' }).default('on'),
    OOM_CHECK_LEASE_NAME: z
      .string()
      .default('oom-check')
      .refine((text) => DNS_1123_SUBDOMAIN.test(text), { error: 'must be a Lease name (lower-case letters, digits, "-" and ".", at most 253 characters), e.g. oom-check' }),
    OOM_CHECK_LEASE_NAMESPACE: z
      .string()
      .refine((text) => DNS_1123_LABEL.test(text), { error: 'must be a namespace name (lower-case letters, digits and "-"), e.g. oom-check; unset: the bot\'s own namespace, else default' })
      .optional(),
    OOM_CHECK_LEASE_DURATION: z
      .string()
      .default('15s')
      .refine((text) => DURATION.test(text) && seconds(text) >= 1 && seconds(text) <= 300, {
        error: 'must be whole seconds or minutes from 1s to 5m, such as 15s: how long a Lease holds without renewal (a standby takes over after it)',
      }),
  })
  .transform((env) => ({
    enabled: env.OOM_CHECK_LEASE === 'on',
    name: env.OOM_CHECK_LEASE_NAME,
    /** null: the namespace of the bot's service account when it runs in a cluster, else `default`. */
    namespace: env.OOM_CHECK_LEASE_NAMESPACE ?? null,
    durationSeconds: seconds(env.OOM_CHECK_LEASE_DURATION),
  }));

export type LeaseSettings = z.output<typeof leaseSection>;
