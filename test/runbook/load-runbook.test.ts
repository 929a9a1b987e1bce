import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isOomCheckError, ErrorCode } from '../../src/core/errors.js';
import { loadRunbook } from '../../src/runbook/load-runbook.js';
import { packageRoot, runbooksDir } from '../../src/paths.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'runbooks');

describe('runbooks', () => {
  test.each(readdirSync(runbooksDir).filter((file) => file.endsWith('.yaml')))('shipped runbook %s is valid', (file) => {
    const runbook = loadRunbook(join(runbooksDir, file));
    expect(runbook.apiVersion).toBe('oom-check/v1');
    expect(runbook.budgetSeconds).toBeGreaterThan(0);
  });

  test('the default runbook carries the seed checklist parameters', () => {
    const runbook = loadRunbook(join(runbooksDir, 'oom-initcontainer.yaml'));
    expect(runbook.budgetSeconds).toBe(180);
    expect(runbook.steps['image-info']).toMatchObject({ port: 8080, path: '/debug/image-info' });
    expect(runbook.steps['rss-peak']).toMatchObject({ samples: 10, intervalMs: 100 });
    expect(runbook.steps.propose).toEqual({ headroom: 0.85, oomBumpRatio: 1.2, oomMinBump: '100Mi', roundTo: '16Mi', maxSteps: 3 });
    expect(runbook.steps.evidence).toEqual({ goRuntime: { enabled: true, port: 8080, path: '/debug/vars' }, cgroupFiles: false, catchSeconds: 30 });
    expect(runbook.steps.approve.mode).toBe('manual');
    expect(runbook.steps.apply.dryRunFirst).toBe(true);
    expect(runbook.steps.wait.condition).toBe('Initialized');
    expect(runbook.steps.health).toMatchObject({ path: '/healthz', expectStatus: '2xx' });
  });

  test.each([
    ['bad-port.yaml', 'steps.image-info.port: must be a port from 1 to 65535'],
    ['bad-headroom.yaml', 'steps.propose.headroom: must be above 0 and at most 1, e.g. 0.85'],
    ['bad-quantity.yaml', 'steps.propose.roundTo: must be a positive Kubernetes quantity such as 16Mi'],
    ['unknown-field.yaml', 'steps.wait: unknown field(s) timeoutSecond'],
    ['missing-step.yaml', 'steps.health: is required'],
    ['bad-image.yaml', 'quickDowngrade.image: must be pinned by digest: repository@sha256:<64 hex>'],
    ['not-yaml.yaml', 'YAML: '],
    ['duplicate-key.yaml', 'YAML: Map keys must be unique'],
  ])('invalid %s fails naming the file, the field and the problem', (file, message) => {
    let error: unknown;
    try {
      loadRunbook(join(fixtures, file));
    } catch (caught) {
      error = caught;
    }
    expect(isOomCheckError(error, ErrorCode.RunbookInvalid)).toBe(true);
    expect((error as Error).message).toContain(`runbook test/fixtures/runbooks/${file} is invalid:`);
    expect((error as Error).message).toContain(message);
  });

  test('a missing file says which and where to set it', () => {
    expect(() => loadRunbook(join(fixtures, 'nope.yaml'))).toThrow(/runbook test\/fixtures\/runbooks\/nope\.yaml cannot be read \(ENOENT\); check OOM_CHECK_RUNBOOK or --runbook/);
  });
});
