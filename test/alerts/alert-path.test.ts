import { startBotHarness, type BotHarness } from '../slack/bot-harness.js';
import { startAlertPath, type RunningAlertPath } from '../support/alert-path.js';

const TOKEN = 'alert-path-bearer-token';

/**
 * The whole alert path, real on both ends: the simulator runs the seed's case (init container
 * `migrate` of Deployment shop/checkout OOMKilled) and exports kube-state-metrics; the real
 * Prometheus scrapes it and evaluates the shipped rule (its `for:` shortened in a temporary copy);
 * the real Alertmanager, configured with the shipped receiver (group_wait shortened), delivers to
 * the bot; the bot posts the card to the Slack replica. Nothing is posted by hand.
 */
describe('kill -> Prometheus -> Alertmanager -> bot -> card', () => {
  let h: BotHarness | undefined;
  let path: RunningAlertPath | undefined;
  afterEach(async () => {
    await path?.stop();
    await h?.close();
  });

  test('the seed\'s OOM kill becomes a card naming its workload', async () => {
    // Watch and sweep off (the harness' default): only the alert can open the incident.
    h = await startBotHarness({ timeScale: 0.01, env: { ALERTMANAGER_BEARER_TOKEN: TOKEN, SLACK_CHANNEL: 'C0ALERTS' } });
    path = await startAlertPath({ simUrl: h.sim.url, botUrl: h.bot.url, token: TOKEN });
    const prometheus = path.prometheus;
    const alertmanager = path.alertmanager;
    const card = await h.replica
      .waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 45_000)
      .catch(async (error: unknown) => {
        // Say where the chain stopped: the rule, Alertmanager, or the bot.
        const rule = await prometheus.get('/api/v1/alerts').then((reply) => reply.body, (e: unknown) => String(e));
        throw new Error(`${(error as Error).message}\nPrometheus alerts: ${rule}\nAlertmanager log (tail): ${alertmanager.output().slice(-2000)}`);
      });
    expect(card.args.channel).toBe('C0ALERTS');
    expect(JSON.stringify(card.args.blocks)).toContain('shop/checkout');
    const [incident] = h.bot.checklist.incidents.listIncidents();
    expect(incident).toMatchObject({ trigger: 'alertmanager', namespace: 'shop', owner: { kind: 'Deployment', name: 'checkout' } });
    const alert = h.bot.checklist.incidents.timeline(incident!.id).find((event) => event.kind === 'alert.firing');
    expect(alert?.data).toMatchObject({ message: 'KubeInitContainerOOMKilled', container: 'migrate' });
  }, 60_000);
});
