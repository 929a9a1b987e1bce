import { DNS_1123_LABEL } from './core/dns-names.js';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_ALERT_LABELS, DEFAULT_ALERT_NAMES } from './core/alerts/map-alert.js';
import { ErrorCode, OomCheckError } from './core/errors.js';
import { isQuantity, parseQuantity } from './core/quantity.js';
import { runbooksDir } from './paths.js';
import { commaList } from './config/comma-list.js';
import { durationMs, requestTimeout } from './config/duration-ms.js';
import { escalationSection } from './config/escalation-section.js';
import { policiesSection } from './config/policies-section.js';
import { registrySection } from './config/registry-section.js';
import { scheduleSection } from './config/schedule-section.js';
import { slackSection } from './config/slack-section.js';
import { leaseSection, readClusterMap } from './cluster-config.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SECRET_VARS = new Set([
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'ALERTMANAGER_BEARER_TOKEN',
  'ALERTMANAGER_BASIC_AUTH',
  'PROMETHEUS_BEARER_TOKEN',
  'PROMETHEUS_BASIC_AUTH',
  // JSON with passwords, or the path of such a file: masked either way; a bad path is named in the message.
  'OOM_CHECK_REGISTRY_AUTH',
]);

/** Prometheus' own range units; a window shorter than 5m holds a sample or two at most. */
const WINDOW = /^(\d+)(m|h|d|w)$/;
const windowSeconds = (text: string) => {
  const [, amount, unit] = WINDOW.exec(text) ?? [];
  return Number(amount) * { m: 60, h: 3600, d: 86_400, w: 604_800 }[unit as 'm' | 'h' | 'd' | 'w'];
};

const sectionSchemas = {
  store: z
    .object({ OOM_CHECK_DB_PATH: z.string().default('./data/oom-check.db') })
    .transform((env) => ({ dbPath: env.OOM_CHECK_DB_PATH })),
  log: z
    .object({ LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info') })
    .transform((env) => ({ level: env.LOG_LEVEL })),
  server: z
    .object({
      PORT: z.coerce
        .number({ error: 'must be a whole number from 0 to 65535, e.g. PORT=3000' })
        .int({ error: 'must be a whole number from 0 to 65535, e.g. PORT=3000' })
        .min(0, { error: 'must be a whole number from 0 to 65535, e.g. PORT=3000' })
        .max(65535, { error: 'must be a whole number from 0 to 65535, e.g. PORT=3000' })
        .default(3000),
      HOST: z
        .string()
        .regex(/^[A-Za-z0-9.:-]+$/, { error: 'must be an address to listen on, e.g. 0.0.0.0 (all) or 127.0.0.1' })
        .default('0.0.0.0'),
    })
    .transform((env) => ({ port: env.PORT, host: env.HOST })),
  slack: slackSection,
  alertmanager: z
    .object({
      ALERTMANAGER_BEARER_TOKEN: z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).optional(),
      ALERTMANAGER_BASIC_AUTH: z
        .string()
        .regex(/^[^:]+:.+$/, { error: 'must be user:password, as in the receiver\'s http_config basic_auth' })
        .optional(),
      ALERTMANAGER_INSECURE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
      OOM_CHECK_ALERT_NAMES: commaList(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'must be alert names, comma-separated, e.g. KubeInitContainerOOMKilled,KubeContainerOOMKilled'),
      OOM_CHECK_ALERT_LABELS: z
        .string()
        .default('')
        .transform((text) => Object.fromEntries(text.split(',').map((pair) => pair.trim()).filter(Boolean).map((pair) => pair.split('=').map((part) => part.trim()))))
        .refine(
          (pairs: Record<string, string | undefined>) =>
            Object.entries(pairs).every(([key, value]) => ['namespace', 'pod', 'container', 'cluster'].includes(key) && value && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)),
          { error: 'must map namespace, pod, container and cluster to label names, e.g. namespace=namespace,pod=pod,container=container,cluster=k8s_cluster' },
        ),
    })
    .transform((env) => {
      const [user, ...password] = env.ALERTMANAGER_BASIC_AUTH?.split(':') ?? [];
      return {
        bearerToken: env.ALERTMANAGER_BEARER_TOKEN ?? null,
        basicAuth: user ? { user, password: password.join(':') } : null,
        insecure: env.ALERTMANAGER_INSECURE === 'true',
        /** Without a credential the webhook route stays closed unless ALERTMANAGER_INSECURE=true. */
        enabled: Boolean(env.ALERTMANAGER_BEARER_TOKEN || env.ALERTMANAGER_BASIC_AUTH) || env.ALERTMANAGER_INSECURE === 'true',
        alertNames: env.OOM_CHECK_ALERT_NAMES.length > 0 ? env.OOM_CHECK_ALERT_NAMES : [...DEFAULT_ALERT_NAMES],
        labels: { ...DEFAULT_ALERT_LABELS, ...(env.OOM_CHECK_ALERT_LABELS as Record<string, string>) },
      };
    }),
  schedule: scheduleSection,
  cluster: z
    .object({
      KUBECONFIG: z.string().optional(),
      KUBE_CONTEXT: z.string().optional(),
      OOM_CHECK_CLUSTERS: z
        .string()
        .optional()
        .transform((text, ctx) => readClusterMap(text, ctx)),
      OOM_CHECK_NAMESPACES: commaList(
        DNS_1123_LABEL,
        'must be namespace names (lower-case letters, digits and -), comma-separated, e.g. shop,billing; leave empty for all',
      ),
      OOM_CHECK_API_TIMEOUT: requestTimeout('10s', 'how long any one Kubernetes API request may take'),
    })
    .superRefine((env, ctx) => {
      if (env.KUBE_CONTEXT && env.OOM_CHECK_CLUSTERS) {
        ctx.addIssue({ code: 'custom', path: ['KUBE_CONTEXT'], message: 'cannot be used with OOM_CHECK_CLUSTERS: list the context there (name=context) and unset KUBE_CONTEXT' });
      }
    })
    .transform((env) => ({
      kubeconfig: env.KUBECONFIG ?? null,
      context: env.KUBE_CONTEXT ?? null,
      /** Named clusters (OOM_CHECK_CLUSTERS); null: the one of `context`, named after its context. */
      clusters: env.OOM_CHECK_CLUSTERS,
      namespaces: env.OOM_CHECK_NAMESPACES,
      // A watch is presumed dead after three request deadlines without a line (bookmarks included).
      timeouts: { requestMs: durationMs(env.OOM_CHECK_API_TIMEOUT), watchIdleMs: 3 * durationMs(env.OOM_CHECK_API_TIMEOUT) },
    })),
  prometheus: z
    .object({
      PROMETHEUS_URL: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL of the Prometheus server, e.g. http://prometheus.monitoring:9090 (with its path prefix, if any)' })
        .refine((text) => !/^[a-z]+:\/\/[^/]*@/i.test(text), { error: 'must not hold credentials: set PROMETHEUS_BASIC_AUTH or PROMETHEUS_BEARER_TOKEN instead' })
        .transform((url) => (url.endsWith('/') ? url : `${url}/`))
        .optional(),
      PROMETHEUS_BEARER_TOKEN: z.string().regex(/^\S+$/, { error: 'must not contain spaces' }).optional(),
      PROMETHEUS_BASIC_AUTH: z.string().regex(/^[^:]+:.+$/, { error: 'must be user:password' }).optional(),
      PROMETHEUS_TIMEOUT: requestTimeout('5s', 'how long one look-up in Prometheus (all its queries) may take'),
      PROMETHEUS_WINDOW: z
        .string()
        .default('7d')
        .refine((text) => WINDOW.test(text) && windowSeconds(text) >= 300 && windowSeconds(text) <= 366 * 86_400, {
          error: 'must be a duration from 5m to 366d in Prometheus units, such as 7d, 36h or 2w: how far back to look for the peak',
        }),
    })
    .superRefine((env, ctx) => {
      if (env.PROMETHEUS_BEARER_TOKEN && env.PROMETHEUS_BASIC_AUTH) {
        ctx.addIssue({ code: 'custom', path: ['PROMETHEUS_BASIC_AUTH'], message: 'cannot be used with PROMETHEUS_BEARER_TOKEN: set the one your Prometheus (or the proxy in front of it) expects' });
      }
      for (const name of ['PROMETHEUS_BEARER_TOKEN', 'PROMETHEUS_BASIC_AUTH'] as const) {
        if (env[name] && !env.PROMETHEUS_URL) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'is set but PROMETHEUS_URL is not: set PROMETHEUS_URL to use Prometheus, or unset this' });
        }
      }
    })
    .transform((env) => {
      const [user, ...password] = env.PROMETHEUS_BASIC_AUTH?.split(':') ?? [];
      return {
        /** Unset: no Prometheus evidence is looked for. */
        url: env.PROMETHEUS_URL ?? null,
        auth: env.PROMETHEUS_BEARER_TOKEN
          ? { bearerToken: env.PROMETHEUS_BEARER_TOKEN }
          : user
            ? { basicAuth: { user, password: password.join(':') } }
            : null,
        timeoutMs: durationMs(env.PROMETHEUS_TIMEOUT),
        windowSeconds: windowSeconds(env.PROMETHEUS_WINDOW),
      };
    }),
  registry: registrySection,
  lease: leaseSection,
  runbook: z
    .object({
      OOM_CHECK_RUNBOOK: z.string().default(join(runbooksDir, 'oom-initcontainer.yaml')),
      OOM_CHECK_MAX_MEMORY_LIMIT: z
        .string()
        .default('4Gi')
        .refine((text) => isQuantity(text) && parseQuantity(text) > 0, {
          error: 'must be a positive Kubernetes memory quantity, e.g. 4Gi or 2048Mi',
        }),
    })
    .transform((env) => ({
      path: env.OOM_CHECK_RUNBOOK,
      maxMemoryLimit: env.OOM_CHECK_MAX_MEMORY_LIMIT,
      maxMemoryLimitBytes: parseQuantity(env.OOM_CHECK_MAX_MEMORY_LIMIT),
    })),
  policies: policiesSection,
  escalation: escalationSection,
};

export type ConfigSection = keyof typeof sectionSchemas;
export type Config = { readonly [S in ConfigSection]: Readonly<z.output<(typeof sectionSchemas)[S]>> };

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function shown(name: string, value: string | undefined): string {
  if (value === undefined) return name;
  return SECRET_VARS.has(name) ? `${name} (set, ${value.length} characters)` : `${name}=${JSON.stringify(value)}`;
}

/**
 * Reads the sections a command needs from `env` (the only place that reads process.env is the
 * caller passing it). Empty variables count as unset. Every problem in every requested section is
 * reported at once, in a single error whose message says how to fix each.
 */
export function loadConfig<S extends ConfigSection>(env: NodeJS.ProcessEnv, sections: readonly S[]): Pick<Config, S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const config: Partial<Record<ConfigSection, unknown>> = {};
  const problems: string[] = [];
  for (const section of sections) {
    const result = sectionSchemas[section].safeParse(present);
    if (result.success) config[section] = result.data;
    else {
      for (const issue of result.error.issues) {
        const name = String(issue.path[0] ?? section);
        problems.push(`${shown(name, present[name])} ${issue.message}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new OomCheckError(
      ErrorCode.ConfigInvalid,
      `oom-check: ${problems.length} configuration problem${problems.length > 1 ? 's' : ''}:\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSet these environment variables and try again; the README lists every variable.',
    );
  }
  return deepFreeze(config as Pick<Config, S>);
}
