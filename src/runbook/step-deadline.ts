import type { StepName } from '../core/run.js';
import type { Runbook } from '../core/runbook-schema.js';

/** Slack over a step's own timeout, so the step reports its own failure before the runner's net catches it. */
const MARGIN_SECONDS = 5;
const QUICK_STEP_SECONDS = 30;

/** How long the runner lets a step run before it aborts it as timed out. */
export function stepDeadlineMs(step: StepName, runbook: Runbook): number {
  const { steps } = runbook;
  const seconds: Record<StepName, number> = {
    detect: steps.detect.timeoutSeconds,
    'image-info': steps['image-info'].timeoutSeconds + MARGIN_SECONDS,
    // Its sources run side by side: the slowest is RSS sampling or catching a crash-looping container's next run.
    evidence: Math.max((steps['rss-peak'].samples * steps['rss-peak'].intervalMs) / 1000 + steps['rss-peak'].timeoutSeconds, steps.evidence.catchSeconds + 10) + MARGIN_SECONDS,
    propose: QUICK_STEP_SECONDS,
    approve: QUICK_STEP_SECONDS,
    apply: steps.apply.timeoutSeconds * 3,
    wait: steps.wait.timeoutSeconds + MARGIN_SECONDS,
    health: steps.health.timeoutSeconds + MARGIN_SECONDS,
  };
  return seconds[step] * 1000;
}
