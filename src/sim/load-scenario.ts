/**
 * Reads a scenario file. A bare name such as `seed-oom` resolves to the bundled
 * `scenarios/seed-oom.yaml`, so the demo and tests need not know where the package is installed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { packageRoot, scenariosDir } from '../paths.js';
import { parseScenario, ScenarioError } from './parse-scenario.js';
import type { Scenario } from './scenario-schema.js';

/** The file a scenario argument names: an existing path, or a bundled scenario by name. */
export function resolveScenarioPath(file: string): string {
  if (existsSync(file)) return resolve(file);
  const bundled = join(scenariosDir, file.endsWith('.yaml') ? file : `${file}.yaml`);
  if (!isAbsolute(file) && !file.includes('/') && existsSync(bundled)) return bundled;
  return resolve(file);
}

/** A short name for messages: relative to the package when inside it (`scenarios/x.yaml`). */
function displayName(path: string): string {
  const rel = relative(packageRoot, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolveScenarioPath(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ScenarioError([`${displayName(path)}: cannot read the scenario: ${reason}`]);
  }
  return parseScenario(text, displayName(path));
}
