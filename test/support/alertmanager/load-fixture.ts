import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/paths.js';

export const alertmanagerFixturesDir = join(packageRoot, 'test', 'fixtures', 'alertmanager');

/** Webhook bodies captured from a real Alertmanager 0.25 (see test/fixtures/alertmanager/README.md). */
export type PayloadFixture =
  | 'firing-single'
  | 'resolved-single'
  | 'firing-grouped-3-pods'
  | 'resolved-grouped-3-pods'
  | 'firing-same-pod-3-containers';

/** A captured webhook body, JSON-parsed afresh on each call so that a test may change it. */
export function loadFixture(name: PayloadFixture): unknown {
  return JSON.parse(readFileSync(join(alertmanagerFixturesDir, `${name}.json`), 'utf8')) as unknown;
}

/** A captured request line and headers (`bearer`: token s3cret-token; `basic`: alertmanager / b4sic-p@ss). */
export function loadHeadersFixture(kind: 'bearer' | 'basic'): { method: string; url: string; headers: Record<string, string> } {
  return JSON.parse(readFileSync(join(alertmanagerFixturesDir, `headers-${kind}.json`), 'utf8')) as {
    method: string;
    url: string;
    headers: Record<string, string>;
  };
}
