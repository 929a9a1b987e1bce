import type { ImageFacts, MemoryHistory } from '../core/evidence-ports.js';
import type { StepName } from '../core/run.js';
import { cgroupFiles } from './evidence/cgroup-files.js';
import { goRuntime } from './evidence/go-runtime.js';
import { kernelReport } from './evidence/kernel-report.js';
import { prometheusHistory } from './evidence/prometheus-history.js';
import { rssSamples } from './evidence/rss-samples.js';
import { theKill } from './evidence/the-kill.js';
import type { Step } from './step-types.js';
import { applyStep } from './steps/apply-step.js';
import { approveStep } from './steps/approve-step.js';
import { detectStep } from './steps/detect-step.js';
import { evidenceStep } from './steps/evidence-step.js';
import { healthStep } from './steps/health-step.js';
import { imageInfoStep } from './steps/image-info-step.js';
import { proposeStep } from './steps/propose-step.js';
import { waitStepWith } from './steps/wait-step.js';

/** Each step typed by its name: its context gives it its own stored result. */
export type ChecklistSteps = { readonly [N in StepName]: Step<N> };

/** The optional sources outside the cluster (Prometheus, a registry), when configured. */
export interface OutsideSources {
  memoryHistory?: MemoryHistory | null;
  /** PROMETHEUS_WINDOW, in seconds. */
  historyWindowSeconds?: number;
  imageFacts?: ImageFacts | null;
}

const WEEK_SECONDS = 7 * 86_400;

/** The seed's checklist, with the evidence ladder best first: Prometheus, the Go runtime, cgroup files, the kernel, RSS samples, the kill. */
export function checklistSteps(outside: OutsideSources = {}): ChecklistSteps {
  return {
    detect: detectStep,
    'image-info': imageInfoStep(outside.imageFacts ?? null),
    evidence: evidenceStep([prometheusHistory(outside.memoryHistory ?? null, outside.historyWindowSeconds ?? WEEK_SECONDS), goRuntime, cgroupFiles, kernelReport, rssSamples, theKill]),
    propose: proposeStep,
    approve: approveStep(null),
    apply: applyStep,
    wait: waitStepWith(outside.imageFacts ?? null),
    health: healthStep,
  };
}

export const CHECKLIST_STEPS: ChecklistSteps = checklistSteps();
