import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pollUntil } from '../sim/helpers/poll.js';
import { startBotHarness, type BotHarness } from '../slack/bot-harness.js';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager/start-alertmanager.js';
import { scrapeValue } from '../support/scrape-metrics.js';

const TOKEN = 'am-bearer-token-123';

/** In front of the bot: answers the first `failures` webhooks with 500, forwards the rest. */
async function startFlakyProxy(target: string, failures: number): Promise<{ url: string; seen: () => number; close(): Promise<void> }> {
  let seen = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen++;
      if (seen <= failures) {
        res.writeHead(500).end('injected failure');
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([key]) => ['authorization', 'content-type', 'user-agent'].includes(key))) as Record<string, string>;
      fetch(`${target}${req.url ?? ''}`, { method: 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (reply) => res.writeHead(reply.status, { 'content-type': 'application/json' }).end(await reply.text()))
        .catch((error: unknown) => res.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: () => seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a real Alertmanager posting to the bot', () => {
  let h: BotHarness;
  let am: RunningAlertmanager | undefined;
  let proxy: Awaited<ReturnType<typeof startFlakyProxy>> | undefined;
  afterEach(async () => {
    await am?.stop();
    await proxy?.close();
    await h.close();
  });

  const alert = (pod: string, endsAt?: string) => ({
    labels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', pod, container: 'migrate', severity: 'warning' },
    annotations: { summary: 'Init container was OOMKilled.' },
    ...(endsAt ? { endsAt } : {}),
  });

  test('a posted alert -> incident and card; its resolution -> timeline row and card state', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN, SLACK_CHANNEL: 'C0ALERTS' } });
    am = await startAlertmanager({ webhookUrl: `${h.bot.url}/webhooks/alertmanager`, auth: { bearerToken: TOKEN } });
    const pod = await h.oomKilledPod('checkout-');
    await am.postAlerts([alert(pod)]);
    await h.card();
    const [incident] = h.bot.checklist.incidents.listIncidents();
    expect(incident).toMatchObject({ trigger: 'alertmanager', owner: { kind: 'Deployment', name: 'checkout' } });
    await am.postAlerts([alert(pod, new Date().toISOString())]);
    await pollUntil(async () => h.bot.checklist.incidents.timeline(incident!.id).find((e) => e.kind === 'alert.resolved'), 'the resolution on the timeline', 30_000);
    await h.cardShows('alerts: all 1 resolved', 30_000);
  }, 60_000);

  test('the bot answering 500 once: Alertmanager retries, and there is still one incident', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN, SLACK_CHANNEL: 'C0ALERTS' } });
    proxy = await startFlakyProxy(h.bot.url, 1);
    am = await startAlertmanager({ webhookUrl: `${proxy.url}/webhooks/alertmanager`, auth: { bearerToken: TOKEN }, groupInterval: '1s' });
    const pod = await h.oomKilledPod('checkout-');
    await am.postAlerts([alert(pod)]);
    await h.card();
    await pollUntil(async () => (proxy!.seen() >= 2 ? true : undefined), 'a retried delivery', 30_000);
    await h.bot.processAlerts();
    expect(h.bot.checklist.incidents.listIncidents()).toHaveLength(1);
    expect(h.bot.checklist.incidents.timeline(1).filter((e) => e.kind === 'alert.firing')).toHaveLength(1);
  }, 60_000);

  test('a wrong token: 401, counted, and no incident', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN, SLACK_CHANNEL: 'C0ALERTS' } });
    am = await startAlertmanager({ webhookUrl: `${h.bot.url}/webhooks/alertmanager`, auth: { bearerToken: 'not-the-token' }, groupInterval: '10s' });
    const pod = await h.oomKilledPod('checkout-');
    await am.postAlerts([alert(pod)]);
    await pollUntil(async () => ((await scrapeValue(h.bot.url, 'oom_check_webhook_deliveries_total', { outcome: 'unauthorized' })) >= 1 ? true : undefined), 'a refused delivery', 30_000);
    expect(h.bot.checklist.incidents.listIncidents()).toEqual([]);
    expect((h.bot.checklist.db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n).toBe(0);
  }, 60_000);
});
