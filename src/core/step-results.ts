import { z } from 'zod';
import { ErrorCode, OomCheckError } from './errors.js';
import { EVIDENCE_SOURCES } from './evidence.js';
import type { StepName } from './run.js';
import type { JsonValue } from './timeline.js';

/*
 * What each checklist step keeps in its run, as schemas: a step writes its result through them
 * and the store parses what it reads back with them, so no step reads a field it has to guess.
 * A stored result may be partial (a pending step, a step that ended the run early, an apply
 * interrupted after recording its intent); `requireResult` asks for the whole of it.
 */

const text = z.string();
const bytesOrNull = z.number().nonnegative().nullable();

export const detectResultSchema = z.object({
  container: text,
  containerKind: z.enum(['init', 'app']),
  limit: text.nullable(),
  limitBytes: bytesOrNull,
  request: text.nullable(),
  restartCount: z.number().int().nonnegative(),
  oomKilledAt: text.nullable(),
  image: text.nullable(),
  podUid: text.nullable(),
  annotations: z.record(text, text),
  events: z.array(text),
});

export const imageInfoResultSchema = z.object({
  available: z.boolean(),
  endpoint: text,
  /** Where the facts came from: a pod (this one or another of the same image), a node, the registry. */
  source: text.optional(),
  problem: text.optional(),
  sizeBytes: z.number().nonnegative().optional(),
  goVersion: text.optional(),
  info: z
    .object({
      layers: z.array(z.object({ digest: text, size: z.number().nonnegative() })),
      go: z.object({ version: text, cgo_enabled: z.boolean() }),
      binary: z.object({ size: z.number().nonnegative().optional(), symtab_ratio: z.number() }),
    })
    .optional(),
  advice: z.array(text).optional(),
});

export const evidenceSchema = z.object({
  source: z.enum(EVIDENCE_SOURCES),
  kind: z.enum(['measured-peak', 'lower-bound']),
  bytes: z.number().nonnegative(),
  detail: text,
  at: text.optional(),
});

export const evidenceResultSchema = z.object({
  evidence: z.array(evidenceSchema),
  /** Why a source said nothing (not configured, not running, unreachable...), one line each. */
  problems: z.array(text),
  samples: z.array(z.number().nonnegative()).optional(),
});

const probeSchema = z.object({ container: text, command: z.array(text), initialDelaySeconds: z.number().int().nonnegative() });

/** The quick downgrade as proposed: the image to swap in, what it must be, and the probe that comes with it. */
export const downgradeSchema = z.object({
  container: text,
  /** The image the init container runs now, and the slim one (repo@sha256:...). */
  fromImage: text.nullable(),
  image: text,
  sha256: text,
  maxBytes: z.number().positive(),
  probe: probeSchema.nullable(),
});

export const proposeResultSchema = z.object({
  limit: text,
  limitBytes: z.number().positive(),
  previousLimit: text.nullable(),
  /** The rule applied, in one plain sentence (e.g. "measured peak 96Mi / 0.85 = 113Mi, rounded up to 128Mi"). */
  rationale: text,
  workload: text,
  /** The container the patch changes, and whether it is an init container. */
  container: text.optional(),
  containerKind: z.enum(['init', 'app']).optional(),
  /** What the limit rests on: a measured peak, only a lower bound (a kill), or nothing but the kill. */
  basis: z.enum(['measured-peak', 'lower-bound', 'no-evidence']).optional(),
  evidence: evidenceSchema.nullable().optional(),
  /** The request to set with the limit when it must rise too (a Guaranteed pod), else absent. */
  request: text.nullable().optional(),
  requestNote: text.nullable().optional(),
  /** How many pods approving rolls (the workload's replicas). */
  rolls: z.number().int().nonnegative().optional(),
  /** Will the patched pod schedule: nodes it fits on, and what stands in the way. */
  schedule: z.object({ fits: z.boolean(), fitsNodes: z.number().int().nonnegative(), totalNodes: z.number().int().nonnegative(), problems: z.array(text) }).optional(),
  /** Who owns the manifest (Argo CD, Flux, Helm) and reverts a live edit: the patch is a temporary mitigation. */
  owner: z.object({ tool: text, source: text, revertsLiveEdits: z.boolean(), followUp: text }).nullable().optional(),
  /** Which round of the incident this proposal is (1 unless the fix escalated), out of how many allowed. */
  round: z.number().int().positive().optional(),
  maxSteps: z.number().int().positive().optional(),
  /** The seed's quick downgrade, offered beside the limit with its own button; absent when the runbook names no slim image. */
  downgrade: downgradeSchema.nullable().optional(),
});

export const approvalResultSchema = z.object({
  /** The limit the run proposed when it started waiting. */
  proposedLimit: text.nullable().optional(),
  decision: z.enum(['approve', 'reject']),
  actor: text,
  at: text,
  /** The limit approved (the proposal, or an edited one); absent when rejected or when the downgrade was chosen. */
  limit: text.optional(),
  /** Which fix was approved: the limit (the default) or the quick downgrade's image swap. */
  fix: z.enum(['limit', 'downgrade']).optional(),
  /** Approved by a self-heal policy: which, and this fix's number of the most its window allows. */
  policy: z.object({ name: text, fixNumber: z.number().int().positive(), maxFixes: z.number().int().positive(), windowSeconds: z.number().positive() }).optional(),
});

const limitsBefore = z.object({ limit: text.nullable(), request: text.nullable() });

export const applyResultSchema = z.object({
  /** The values the patch replaces, recorded with the intent before the first request that writes. */
  before: limitsBefore,
  limit: text,
  selector: text,
  /** Pods that existed before the patch: the wait step only looks at pods that are not among them. */
  podUids: z.array(text),
  /** When the intent was recorded: the proof that a limit found in place later is oom-check's own. */
  intentAt: text.optional(),
  /** True when the workload had the limit before oom-check meant to patch: someone else set it. */
  alreadyApplied: z.boolean(),
  /** True when an interrupted attempt's patch was found in place and recorded after a restart. */
  recovered: z.boolean().optional(),
  /** The quick downgrade's swap (the limit then stays as it was): the image and probe it replaced, for rollback. */
  swap: z
    .object({
      container: text,
      beforeImage: text,
      image: text,
      probe: probeSchema.nullable(),
      /** The probe container's readinessProbe before the swap, as JSON (null: it had none). */
      probeBefore: text.nullable(),
    })
    .optional(),
});

export const waitResultSchema = z.object({
  pod: text.optional(),
  /** The new pod was OOMKilled under the approved limit: the kill that starts the next round. */
  escalation: evidenceSchema.optional(),
  /** A quick downgrade failed its check: it is owed a rollback, which a restart still carries out. */
  rollBack: z.boolean().optional(),
});

export const healthResultSchema = z.object({ pod: text, status: z.number().int(), attempts: z.number().int().positive() });

export const STEP_RESULT_SCHEMAS = {
  detect: detectResultSchema,
  'image-info': imageInfoResultSchema,
  evidence: evidenceResultSchema,
  propose: proposeResultSchema,
  approve: approvalResultSchema,
  apply: applyResultSchema,
  wait: waitResultSchema,
  health: healthResultSchema,
} as const satisfies Record<StepName, z.ZodType>;

export type StepResults = { [N in StepName]: z.output<(typeof STEP_RESULT_SCHEMAS)[N]> };
export type DetectResult = StepResults['detect'];
export type ProposeResult = StepResults['propose'];
export type ApprovalResult = StepResults['approve'];
export type ApplyResult = StepResults['apply'];

/** A step's stored result, which may be partial; every field present has its type. */
export type StoredResult<N extends StepName> = Partial<StepResults[N]>;

/** What a step hands the store to keep: JSON, typed by the step that writes it. */
export type ResultData = { [key: string]: JsonValue | undefined };

type Schemas<T extends { [N in StepName]: unknown }> = { [N in StepName]: z.ZodType<T[N]> };
type Partials = { [N in StepName]: StoredResult<N> };

// TypeScript cannot relate an indexed schema to an indexed output by itself; these two tables
// say that each entry parses to its own step's type, which the `satisfies` above checks per entry.
const WHOLE: Schemas<StepResults> = STEP_RESULT_SCHEMAS;
const PARTIAL: Schemas<Partials> = {
  detect: detectResultSchema.partial(),
  'image-info': imageInfoResultSchema.partial(),
  evidence: evidenceResultSchema.partial(),
  propose: proposeResultSchema.partial(),
  approve: approvalResultSchema.partial(),
  apply: applyResultSchema.partial(),
  wait: waitResultSchema.partial(),
  health: healthResultSchema.partial(),
};

function problems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(result)'}: ${issue.message}`).join('; ');
}

/** Parses a stored (possibly partial) result; a field of the wrong type is corrupt state, named. */
export function parseStoredResult<N extends StepName>(step: N, value: unknown, where: string): StoredResult<N> {
  const parsed = PARTIAL[step].safeParse(value);
  if (!parsed.success) {
    throw new OomCheckError(ErrorCode.RunStateInvalid, `${where}: the stored result of step ${step} is invalid (${problems(parsed.error)})`);
  }
  return parsed.data;
}

/** The whole result of a step that must have finished with it; anything less is corrupt state. */
export function requireResult<N extends StepName>(step: N, value: unknown, where: string): StepResults[N] {
  const parsed = WHOLE[step].safeParse(value);
  if (!parsed.success) {
    throw new OomCheckError(ErrorCode.RunStateInvalid, `${where}: step ${step} has no complete result (${problems(parsed.error)})`);
  }
  return parsed.data;
}
