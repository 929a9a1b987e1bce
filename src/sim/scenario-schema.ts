/**
 * What a scenario file may say, as a zod schema. The field reference is in src/sim/README.md.
 * Cross-field rules (namespaces declared, ports served, requests <= limits, ...) live here too, so
 * that a scenario that loads is one the simulator can run without further checks.
 */
import { z } from 'zod';
import { parseQuantity, QuantityError } from '../core/quantity.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const dnsLabel = z
  .string()
  .max(63)
  .regex(DNS_LABEL, 'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit');
const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, 'must be an RFC 1123 subdomain: lowercase letters, digits, "-" and "."');

/** A Kubernetes quantity such as `64Mi`; YAML numbers are read as bytes. */
const quantity = z
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

const stringMap = z.record(z.string(), z.string());

const resourceList = z.strictObject({ memory: quantity.optional(), cpu: quantity.optional() });

/** The product's image-info contract; extra keys are allowed since the payload is data, not config. */
export const imageInfoPayloadSchema = z.looseObject({
  layers: z
    .array(
      z.looseObject({
        digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits'),
        size: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  go: z.looseObject({ version: z.string().regex(/^go\d+\.\d+/, 'must look like go1.21.5'), cgo_enabled: z.boolean() }),
  binary: z.looseObject({ size: z.number().int().positive(), symtab_ratio: z.number().min(0).max(1) }),
});

const httpSchema = z.strictObject({
  /** Port these endpoints listen on; defaults to the container's first port. */
  port: z.number().int().min(1).max(65535).optional(),
  /**
   * Sim seconds from the container's start until its server listens (a process binds its port after
   * its start-up work); before that, and whenever the container is not running, nothing listens.
   */
  listenAfterSeconds: z.number().nonnegative().default(0),
  /** A payload object, or `malformed` for a truncated JSON body; omit for a 404 on that path. */
  imageInfo: z.union([imageInfoPayloadSchema, z.literal('malformed')]).optional(),
  imageInfoPath: z.string().startsWith('/').default('/debug/image-info'),
  /** `ok` 200, `failing` 500, `slow` 200 after healthDelaySeconds; omit for a 404 on that path. */
  health: z.enum(['ok', 'failing', 'slow']).optional(),
  healthPath: z.string().startsWith('/').default('/healthz'),
  /** Real seconds (not scaled): a slow endpoint must stay slow against a client's real timeout. */
  healthDelaySeconds: z.number().positive().default(5),
});

const execSchema = z.strictObject({
  command: z.union([z.string().min(1).transform((s) => s.split(/\s+/)), z.array(z.string()).min(1)]),
  stdout: z.string().default(''),
  stderr: z.string().default(''),
  exitCode: z.number().int().min(0).max(255).default(0),
});

const containerSchema = z.strictObject({
  name: dnsLabel,
  image: z.string().min(1),
  limits: resourceList.optional(),
  requests: resourceList.optional(),
  /** Highest RSS the process reaches if its limit allows; above the limit it is OOMKilled. */
  peakMemory: quantity,
  /** RSS after the start-up peak (defaults to the peak). */
  steadyMemory: quantity.optional(),
  /** Sim seconds the process runs: init containers default to 2; app containers run until stopped unless set. */
  runSeconds: z.number().positive().optional(),
  /** Exit code when runSeconds elapse (app containers: a crasher; init containers: non-zero fails). */
  exitCode: z.number().int().min(0).max(255).optional(),
  /**
   * App containers: the container gets a readiness probe whose first success comes this many sim
   * seconds after the start. Without it there is no probe and the container is ready once it runs.
   */
  readySeconds: z.number().int().positive().optional(),
  ports: z.array(z.number().int().min(1).max(65535)).default([]),
  http: httpSchema.optional(),
  exec: z.array(execSchema).default([]),
});

const workloadSchema = z.strictObject({
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']),
  name: dnsSubdomain,
  namespace: dnsLabel,
  /** Labels of the workload, its selector and its pods; default `app: <name>`. */
  labels: stringMap.optional(),
  annotations: stringMap.default({}),
  /** Annotations of the pod template (e.g. to move the image-info endpoint). */
  podAnnotations: stringMap.default({}),
  replicas: z.number().int().min(0).optional(),
  podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).optional(),
  initContainers: z.array(containerSchema).default([]),
  containers: z.array(containerSchema).min(1),
});

const namespaceSchema = z.strictObject({
  name: dnsLabel,
  /** Every request in this namespace gets 403 Forbidden, worded like an RBAC denial. */
  denied: z.boolean().default(false),
  labels: stringMap.default({}),
});

/** Bytes of a quantity, or undefined when absent or invalid (already reported by the field's own check). */
function bytes(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  try {
    return parseQuantity(q);
  } catch (error) {
    if (error instanceof QuantityError) return undefined;
    throw error;
  }
}

export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    /** The user RBAC denials name. */
    user: z.string().min(1).default('system:serviceaccount:oom-check:oom-check'),
    nodes: z.array(dnsLabel).min(1).default(['sim-node-1']),
    /** node-problem-detector on the nodes: OOM kills also become Warning OOMKilling events on the Node. */
    nodeProblemDetector: z.boolean().default(false),
    namespaces: z.array(namespaceSchema).min(1),
    workloads: z.array(workloadSchema).default([]),
  })
  .superRefine((scenario, ctx) => {
    const namespaces = new Set(scenario.namespaces.map((n) => n.name));
    const seen = new Set<string>();
    scenario.workloads.forEach((w, wi) => {
      const at = (...path: Array<string | number>) => ['workloads', wi, ...path];
      if (!namespaces.has(w.namespace)) {
        ctx.addIssue({ code: 'custom', path: at('namespace'), message: `"${w.namespace}" is not declared under namespaces` });
      }
      const id = `${w.kind}/${w.namespace}/${w.name}`;
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: at('name'), message: `${id} is declared twice` });
      seen.add(id);
      if (w.replicas !== undefined && (w.kind === 'Pod' || w.kind === 'DaemonSet')) {
        ctx.addIssue({ code: 'custom', path: at('replicas'), message: `a ${w.kind} has no replicas` });
      }
      if (w.podManagementPolicy && w.kind !== 'StatefulSet') {
        ctx.addIssue({ code: 'custom', path: at('podManagementPolicy'), message: 'only a StatefulSet has a podManagementPolicy' });
      }
      const names = new Set<string>();
      for (const [field, list] of [['initContainers', w.initContainers], ['containers', w.containers]] as const) {
        list.forEach((c, ci) => {
          if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: at(field, ci, 'name'), message: `container name "${c.name}" is used twice` });
          names.add(c.name);
          const limit = bytes(c.limits?.memory);
          const request = bytes(c.requests?.memory);
          if (limit !== undefined && request !== undefined && request > limit) {
            ctx.addIssue({ code: 'custom', path: at(field, ci, 'requests', 'memory'), message: `must be less than or equal to the memory limit ${c.limits?.memory}` });
          }
          const steady = bytes(c.steadyMemory);
          const peak = bytes(c.peakMemory);
          if (steady !== undefined && peak !== undefined && steady > peak) {
            ctx.addIssue({ code: 'custom', path: at(field, ci, 'steadyMemory'), message: 'must not exceed peakMemory' });
          }
          if (c.http) {
            if (c.http.port === undefined && c.ports.length === 0) {
              ctx.addIssue({ code: 'custom', path: at(field, ci, 'http', 'port'), message: 'is required when the container declares no ports' });
            } else if (c.http.port !== undefined && !c.ports.includes(c.http.port)) {
              ctx.addIssue({ code: 'custom', path: at(field, ci, 'http', 'port'), message: `${c.http.port} is not one of the container's ports` });
            }
          }
        });
      }
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioWorkload = Scenario['workloads'][number];
export type ScenarioContainer = ScenarioWorkload['containers'][number];
export type ScenarioHttp = NonNullable<ScenarioContainer['http']>;
export type ImageInfoPayload = z.output<typeof imageInfoPayloadSchema>;
