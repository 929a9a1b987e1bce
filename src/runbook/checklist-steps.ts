import type { StepName } from '../core/run.js';
import type { Step } from './step-types.js';
import { applyStep } from './steps/apply-step.js';
import { approveStep } from './steps/approve-step.js';
import { detectStep } from './steps/detect-step.js';
import { healthStep } from './steps/health-step.js';
import { imageInfoStep } from './steps/image-info-step.js';
import { proposeStep } from './steps/propose-step.js';
import { evidenceStep } from './steps/evidence-step.js';
import { waitStep } from './steps/wait-step.js';

/** Each step typed by its name: its context gives it its own stored result. */
export type ChecklistSteps = { readonly [N in StepName]: Step<N> };

export const CHECKLIST_STEPS: ChecklistSteps = {
  detect: detectStep,
  'image-info': imageInfoStep,
  evidence: evidenceStep(),
  propose: proposeStep,
  approve: approveStep,
  apply: applyStep,
  wait: waitStep,
  health: healthStep,
};
