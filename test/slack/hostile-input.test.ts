/**
 * Bad and hostile input over real HTTP (signed requests to the Bolt receiver, the local Slack
 * replica, the simulator): requests from the future, text Slack would read as markup, modal
 * submissions the bot never opened, names the API server chokes on.
 */
import type { Clock } from '../../src/core/ports.js';
import { startBotHarness, type BotHarness } from './bot-harness.js';
import { captureLog } from './capture-log.js';

describe('hostile input over HTTP', () => {
  let h: BotHarness;
  afterEach(async () => h.close());

  test('a request timestamped more than 5 minutes from the bot clock, either way, gets 401 and a logged reason', async () => {
    // Stands still unless the test moves it, so the skews logged are exact.
    const frozen = { ms: Date.now() };
    const clock: Clock = { now: () => new Date(frozen.ms) };
    const captured = captureLog('warn');
    h = await startBotHarness({ clock, log: captured.log });
    const botNow = () => Math.floor(clock.now().getTime() / 1000);

    expect((await h.command('help', { timestamp: botNow() + 10 * 60 })).status).toBe(401);
    expect(captured.warnings().at(-1)?.msg).toMatch(/X-Slack-Request-Timestamp is 600 s in the future/);
    expect((await h.command('help', { timestamp: botNow() + 4 * 60 })).status).toBe(200);
    expect((await h.command('help', { timestamp: botNow() - 4 * 60 })).status).toBe(200);
    expect((await h.command('help', { timestamp: botNow() - 6 * 60 })).status).toBe(401);
    expect(captured.warnings().at(-1)?.msg).toMatch(/X-Slack-Request-Timestamp is 360 s in the past/);

    // The bot's clock decides, not the machine's: an hour ahead, a request signed at the machine's time is stale.
    const machineTime = botNow();
    frozen.ms += 60 * 60 * 1000;
    expect((await h.command('help', { timestamp: machineTime })).status).toBe(401);
    expect(captured.warnings().at(-1)?.msg).toMatch(/X-Slack-Request-Timestamp is 3600 s in the past/);
    expect((await h.command('help', { timestamp: botNow() })).status).toBe(200);
    expect(h.bot.checklist.incidents.listIncidents()).toEqual([]);
  });
});
