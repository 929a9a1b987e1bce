import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { startBotHarness, STRANGER, type BotHarness } from './bot-harness.js';

const SLIM = 'registry.example.com/shop/checkout-migrate-slim@sha256:69223baaaa751a5cf5fcbd0dfc19b4eb7a982f249451de360c6033d7225be8d2';

/** The Quick downgrade button over signed HTTP: approvers only, and the card says what runs now. */
describe('the quick downgrade from the card', () => {
  let h: BotHarness;
  let dir: string;
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a stranger is refused; an approver swaps the image; the card says the slim image runs, limit unchanged', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-downgrade-'));
    const runbook = join(dir, 'runbook.yaml');
    writeFileSync(runbook, stringify(defaultRunbook((r) => {
      r.quickDowngrade = { image: SLIM, sha256: SLIM.slice(SLIM.indexOf('@') + 1), maxImageMB: 12, probe: null };
      r.steps.wait.timeoutSeconds = 20;
    })));
    h = await startBotHarness({ scenario: 'quick-downgrade', env: { OOM_CHECK_RUNBOOK: runbook } });
    const pod = await h.oomKilledPod('checkout-');
    expect((await h.command(`shop/${pod}`)).status).toBe(200);
    await h.cardShows('Or the quick downgrade');
    const id = h.bot.checklist.incidents.listIncidents()[0]!.id;

    await h.click(ACTIONS.downgrade, id, STRANGER);
    const denied = await pollUntil(async () => h.bot.checklist.incidents.timeline(id).find((event) => event.kind === 'access.denied'), 'the refusal on the timeline');
    expect(denied.data).toMatchObject({ action: ACTIONS.downgrade, message: expect.stringContaining('refused to approve the quick downgrade') });

    await h.click(ACTIONS.downgrade, id);
    const fixed = await h.cardShows('now runs the slim image', 20_000);
    expect(JSON.stringify(fixed.args.blocks)).toContain(`the slim image \`${SLIM}\`*, limit unchanged`);
    const workload = h.sim.getObject('Deployment', 'shop', 'checkout') as unknown as { spec: { template: { spec: { initContainers: Array<{ image: string; resources: { limits: { memory: string } } }> } } } };
    expect(workload.spec.template.spec.initContainers[0]).toMatchObject({ image: SLIM, resources: { limits: { memory: '64Mi' } } });
  }, 60_000);
});
