import type { PodSpec } from '../../../src/core/k8s-types.js';
import { planQuickDowngrade, type DowngradeInput } from '../../../src/core/rules/plan-quick-downgrade.js';

const HEX = '3f8a1c9d2e7b4a6f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7';
const SLIM = `registry.example.com/shop/migrate-slim@sha256:${HEX}`;
const podSpec: PodSpec = { initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/migrate:1.8.2' }], containers: [{ name: 'app', image: 'app:1' }] };
const plan = (config: Partial<DowngradeInput['config']>, container: DowngradeInput['container'] = { kind: 'init', name: 'migrate' }) =>
  planQuickDowngrade({ config: { image: SLIM, sha256: HEX, maxImageMB: 12, probe: null, ...config }, container, podSpec });

describe('planQuickDowngrade: the slim image, offered only when its pin is confirmed', () => {
  test('offered: the digest is the configured SHA-256 (written with its prefix)', () => {
    const { offer, finding } = plan({ sha256: `sha256:${HEX}`, probe: { container: null, command: ['/usr/bin/checker', '--health'], initialDelaySeconds: 1 } });
    expect(offer).toEqual({
      container: 'migrate',
      fromImage: 'registry.example.com/shop/migrate:1.8.2',
      image: SLIM,
      sha256: `sha256:${HEX}`,
      maxBytes: 12_000_000,
      probe: { container: 'app', command: ['/usr/bin/checker', '--health'], initialDelaySeconds: 1 },
    });
    expect(finding?.detail).toContain('runs exactly sha256:3f8a1c9d2e7b… and the image is at most 12 MB');
  });

  test.each<[string, Partial<DowngradeInput['config']>, string]>([
    ['no SHA-256 to confirm against', { sha256: null }, 'the runbook gives no quickDowngrade.sha256 to confirm the image against: set it to the digest the config centre hands out'],
    ['another SHA-256', { sha256: 'b'.repeat(64) }, "the image's digest sha256:3f8a1c9d2e7b… is not the configured SHA-256 sha256:bbbbbbbbbbbb…: the reference or the config is wrong"],
    ['a tag, not a digest', { image: 'registry.example.com/shop/migrate-slim:1.8.2' }, 'image registry.example.com/shop/migrate-slim:1.8.2 is not pinned by digest: write it as repo[:tag]@sha256:<64 lower-case hex> so the swap runs exactly the image that was checked'],
    ['a probe container not in the pod', { probe: { container: 'sidecar', command: ['true'], initialDelaySeconds: 1 } }, "the probe's container sidecar is not in the pod template: fix quickDowngrade.probe.container"],
  ])('not offered, with the reason: %s', (_case, config, detail) => {
    expect(plan(config)).toEqual({ offer: null, finding: { title: 'Quick downgrade not offered', severity: 'warning', detail } });
  });

  test.each<[string, Partial<DowngradeInput['config']>, DowngradeInput['container']]>([
    ['the runbook names no slim image', { image: null }, { kind: 'init', name: 'migrate' }],
    ['the kill is an app container', {}, { kind: 'app', name: 'app' }],
    ['the slim image already runs', {}, { kind: 'init', name: 'migrate' }],
  ])('nothing at all when %s', (name, config, container) => {
    const spec = name.includes('already') ? { ...podSpec, initContainers: [{ name: 'migrate', image: SLIM }] } : podSpec;
    expect(planQuickDowngrade({ config: { image: SLIM, sha256: HEX, maxImageMB: 12, probe: null, ...config }, container, podSpec: spec })).toEqual({ offer: null, finding: null });
  });
});
