import { join } from 'node:path';
import type { Runbook } from '../../src/core/runbook-schema.js';
import { runbooksDir } from '../../src/paths.js';
import { loadRunbook } from '../../src/runbook/load-runbook.js';

/** The shipped runbook, as a copy a test may change. */
export function defaultRunbook(tweak: (runbook: Runbook) => void = () => {}): Runbook {
  const runbook = structuredClone(loadRunbook(join(runbooksDir, 'oom-initcontainer.yaml')));
  tweak(runbook);
  return runbook;
}
