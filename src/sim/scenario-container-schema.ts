/**
 * What a scenario says about a container and the program its image runs: resources, memory curve,
 * run time, HTTP endpoints, exec answers, image facts. The same program fields describe an entry of
 * the top-level `images:` list, a program that runs whenever a container is switched to that image
 * (the slim image of `quick-downgrade`). The field reference is in src/sim/README.md.
 */
import { z } from 'zod';
import { bytes, digest, dnsLabel, quantity, resourceList } from './scenario-fields.js';

/** The product's image-info contract; extra keys are allowed since the payload is data, not config. */
export const imageInfoPayloadSchema = z.looseObject({
  layers: z.array(z.looseObject({ digest, size: z.number().int().nonnegative() })).min(1),
  go: z.looseObject({ version: z.string().regex(/^go\d+\.\d+/, 'must look like go1.21.5'), cgo_enabled: z.boolean() }),
  binary: z.looseObject({ size: z.number().int().positive(), symtab_ratio: z.number().min(0).max(1) }),
});

/** Go's expvar on the container's port: `true`, or the share of the runtime's memory that is heap. */
const expvarSchema = z
  .union([z.boolean(), z.strictObject({ heapShare: z.number().gt(0).max(1).default(0.8) })])
  .transform((v) => (v === false ? undefined : v === true ? { heapShare: 0.8 } : v));

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
  /** Go's expvar JSON (memstats following the memory curve); omit for a 404 on that path. */
  expvar: expvarSchema.optional(),
  expvarPath: z.string().startsWith('/').default('/debug/vars'),
});

const execSchema = z.strictObject({
  command: z.union([z.string().min(1).transform((s) => s.split(/\s+/)), z.array(z.string()).min(1)]),
  stdout: z.string().default(''),
  stderr: z.string().default(''),
  exitCode: z.number().int().min(0).max(255).default(0),
});

/** What the program in an image does, wherever it runs. */
const programFields = {
  /** Highest RSS the process reaches if its limit allows; above the limit it is OOMKilled. */
  peakMemory: quantity,
  /** RSS after the start-up peak (defaults to the peak). */
  steadyMemory: quantity.optional(),
  /** RSS right after the start (default: 10 % of the peak). */
  startMemory: quantity.optional(),
  /** Sim seconds from the start to the peak (default: 80 % of an init container's run, at most 2 s for an app). */
  rampSeconds: z.number().positive().optional(),
  /** Sim seconds the process runs: init containers default to 2; app containers run until stopped unless set. */
  runSeconds: z.number().positive().optional(),
  /** Exit code when runSeconds elapse (app containers: a crasher; init containers: non-zero fails). */
  exitCode: z.number().int().min(0).max(255).optional(),
  /** The process name the kernel knows (comm, 15 characters at most); default: the container name. */
  process: z.string().min(1).max(15).regex(/^[^\s/]+$/, 'must be a file name without spaces or "/"').optional(),
  http: httpSchema.optional(),
  exec: z.array(execSchema).default([]),
};

const imageFacts = {
  /** The image's manifest digest (imageID, node images); default: derived from the image reference. */
  digest: digest.optional(),
  /** The image's size on the node (status.images sizeBytes); default: derived from the reference. */
  sizeBytes: z.number().int().positive().optional(),
};

/** An image reference that pins a digest (`repo@sha256:...`) must agree with an explicit `digest`. */
function checkDigest(entry: { image: string; digest?: string | undefined }, ctx: z.RefinementCtx): void {
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(entry.image)?.[1];
  if (pinned && entry.digest && pinned !== entry.digest) {
    ctx.addIssue({ code: 'custom', path: ['digest'], message: `does not match the digest pinned in the image reference (${pinned})` });
  }
}

/** Memory figures in order: start <= steady <= peak and start <= peak. */
function checkMemory(p: { peakMemory: string; steadyMemory?: string | undefined; startMemory?: string | undefined }, ctx: z.RefinementCtx): void {
  const peak = bytes(p.peakMemory);
  const steady = bytes(p.steadyMemory);
  const start = bytes(p.startMemory);
  if (steady !== undefined && peak !== undefined && steady > peak) ctx.addIssue({ code: 'custom', path: ['steadyMemory'], message: 'must not exceed peakMemory' });
  if (start !== undefined && peak !== undefined && start > peak) ctx.addIssue({ code: 'custom', path: ['startMemory'], message: 'must not exceed peakMemory' });
}

export const containerSchema = z
  .strictObject({
    name: dnsLabel,
    image: z.string().min(1),
    ...imageFacts,
    limits: resourceList.optional(),
    requests: resourceList.optional(),
    /**
     * App containers: the container gets a readiness probe whose first success comes this many sim
     * seconds after the start. Without it there is no probe and the container is ready once it runs.
     */
    readySeconds: z.number().int().positive().optional(),
    /**
     * App containers: a liveness probe (period 10 s, 3 failures) that starts failing this many sim
     * seconds after each start; the kubelet then kills the container (137, Error) and restarts it.
     */
    livenessFailsAfterSeconds: z.number().nonnegative().optional(),
    ports: z.array(z.number().int().min(1).max(65535)).default([]),
    ...programFields,
  })
  .superRefine((c, ctx) => {
    checkDigest(c, ctx);
    checkMemory(c, ctx);
    const limit = bytes(c.limits?.memory);
    const request = bytes(c.requests?.memory);
    if (limit !== undefined && request !== undefined && request > limit) {
      ctx.addIssue({ code: 'custom', path: ['requests', 'memory'], message: `must be less than or equal to the memory limit ${c.limits?.memory}` });
    }
    if (c.http) {
      if (c.http.port === undefined && c.ports.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['http', 'port'], message: 'is required when the container declares no ports' });
      } else if (c.http.port !== undefined && !c.ports.includes(c.http.port)) {
        ctx.addIssue({ code: 'custom', path: ['http', 'port'], message: `${c.http.port} is not one of the container's ports` });
      }
    }
  });

/** A program that runs whenever a container's image is this one (by reference or digest). */
export const imageSchema = z
  .strictObject({
    image: z.string().min(1),
    ...imageFacts,
    ...programFields,
  })
  .superRefine((entry, ctx) => {
    checkDigest(entry, ctx);
    checkMemory(entry, ctx);
    if (entry.http && entry.http.port === undefined) ctx.addIssue({ code: 'custom', path: ['http', 'port'], message: 'is required for an image (it declares no ports of its own)' });
  });

export type ScenarioContainer = z.output<typeof containerSchema>;
export type ScenarioImage = z.output<typeof imageSchema>;
export type ScenarioHttp = NonNullable<ScenarioContainer['http']>;
export type ImageInfoPayload = z.output<typeof imageInfoPayloadSchema>;
/** The fields a container and an image entry share: what the program does. */
export type ScenarioProgram = Pick<ScenarioContainer, 'peakMemory' | 'steadyMemory' | 'startMemory' | 'rampSeconds' | 'runSeconds' | 'exitCode' | 'process' | 'http' | 'exec'>;
