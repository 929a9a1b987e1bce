/**
 * The Slack replica against the real clients: @slack/web-api's WebClient, a Bolt App over HTTP
 * (signed requests from sign-request.ts) and a Bolt App / SocketModeClient in Socket Mode.
 * Nothing here sleeps: every wait is for a recorded call, an ack or a connection.
 */
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import WebSocket from 'ws';
import { ErrorCode, WebClient, WebClientEvent, type WebAPIHTTPError, type WebClientOptions } from '@slack/web-api';
import { blockActionPayload, eventCallbackPayload, slashCommandFields, viewSubmissionPayload } from './slack/payloads.js';
import { recordingLogger, type RecordingLogger } from './slack/recording-logger.js';
import { blockActionBody, nowSeconds, postToBolt, signedHeaders, slashCommandBody } from './slack/sign-request.js';
import { startSlackReplica, type SlackReplica } from './slack/slack-replica.js';

const BOT_TOKEN = 'xoxb-1-replica-test';
const APP_TOKEN = 'xapp-1-A0001-replica-test';
const SIGNING_SECRET = 'replica-signing-secret';

let replica: SlackReplica;
let logger: RecordingLogger;

beforeEach(async () => {
  replica = await startSlackReplica({ usergroups: { S0ONCALL: ['U0ALICE', 'U0BOB'] } });
  logger = recordingLogger();
});

afterEach(async () => {
  await replica.close();
});

/** `token: null` builds a client without a token. */
function webClient(token: string | null = BOT_TOKEN, options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(token ?? undefined, { slackApiUrl: replica.apiUrl, logger, ...options });
}

describe('WebClient against the replica', () => {
  test('postMessage and update: blocks arrive decoded, ts is unique and increasing, messages track edits', async () => {
    const client = webClient();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*OOMKilled* `init-db`' } }];
    const first = await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'OOM', blocks });
    const second = await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'reply', thread_ts: first.ts });
    expect(first).toMatchObject({ ok: true, channel: 'C0INCIDENT', ts: '1764237600.000100', message: { text: 'OOM', blocks, bot_id: 'BBOT' } });
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    const updated = await client.chat.update({ channel: 'C0INCIDENT', ts: first.ts as string, text: 'OOM (fixed)', blocks: [] });
    expect(updated).toMatchObject({ ok: true, channel: 'C0INCIDENT', ts: first.ts, text: 'OOM (fixed)' });

    const [post] = replica.calls('chat.postMessage');
    expect(post?.args).toEqual({ channel: 'C0INCIDENT', text: 'OOM', blocks });
    expect(post?.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(post?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(replica.messages('C0INCIDENT').map((m) => [m.ts, m.text, m.thread_ts])).toEqual([
      [first.ts, 'OOM (fixed)', undefined],
      [second.ts, 'reply', first.ts],
    ]);
    await expect(client.chat.update({ channel: 'C0INCIDENT', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'message_not_found' },
    });
  });

  test('a 429 with Retry-After: 1 is waited out and retried by the WebClient; the faulted attempt is recorded', async () => {
    replica.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const rateLimited: number[] = [];
    const client = webClient();
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => rateLimited.push(seconds));
    const started = performance.now();

    const result = await client.chat.postMessage({ channel: 'C0INCIDENT', text: 'after the limit' });

    expect(result.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(rateLimited).toEqual([1]);
    expect(replica.calls('chat.postMessage').map((c) => [c.status, c.faulted])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect((await replica.waitForCall('chat.postMessage')).status).toBe(200);
    expect(replica.pendingFaults()).toEqual({});
  });

  test('rejectRateLimitedCalls turns a 429 into an immediate RateLimitedError', async () => {
    replica.failNext('chat.update', { status: 429, retryAfter: 30 });
    await expect(webClient(BOT_TOKEN, { rejectRateLimitedCalls: true }).chat.update({ channel: 'C1', ts: '1.1', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 30,
    });
  });

  test('an error fault is a platform error (not retried); a 500 is an HTTP error the WebClient retries', async () => {
    replica.failNext('chat.postMessage', { error: 'channel_not_found' });
    const noRetry = webClient(BOT_TOKEN, { retryConfig: { retries: 0 } });
    const platform = noRetry.chat.postMessage({ channel: 'C0GONE', text: 'x' });
    await expect(platform).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'channel_not_found' } });

    replica.failNext('chat.postMessage', { status: 500 });
    const http = (await noRetry.chat.postMessage({ channel: 'C0INCIDENT', text: 'x' }).catch((e: unknown) => e)) as WebAPIHTTPError;
    expect(http.code).toBe(ErrorCode.HTTPError);
    expect(http.statusCode).toBe(500);

    replica.failNext('chat.postMessage', { status: 500 });
    const retrying = webClient(BOT_TOKEN, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 10 } });
    await expect(retrying.chat.postMessage({ channel: 'C0INCIDENT', text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(replica.calls('chat.postMessage').map((c) => c.status)).toEqual([200, 500, 500, 200]);
    expect(replica.calls('chat.postMessage').map((c) => c.faulted)).toEqual([true, true, true, false]);
  });

  test('filesUploadV2 with content: URL, upload and completion land in the replica', async () => {
    const client = webClient();
    const result = await client.filesUploadV2({
      channel_id: 'C0INCIDENT',
      thread_ts: '1764237600.000100',
      content: 'peak RSS 812Mi\n',
      filename: 'postmortem.md',
      title: 'Postmortem',
      initial_comment: 'attached',
    });
    expect(result.ok).toBe(true);
    const [getUrl] = replica.calls('files.getUploadURLExternal');
    expect(getUrl?.args).toMatchObject({ filename: 'postmortem.md', length: '15' });
    const complete = await replica.waitForCall('files.completeUploadExternal');
    expect(complete.args).toMatchObject({ channel_id: 'C0INCIDENT', thread_ts: '1764237600.000100', initial_comment: 'attached' });
    expect(complete.args.files).toEqual([{ id: 'F0001', title: 'Postmortem' }]);
    expect(replica.uploads().get('F0001')).toMatchObject({
      filename: 'postmortem.md',
      declaredLength: 15,
      content: 'peak RSS 812Mi\n',
      completed: { title: 'Postmortem', channel_id: 'C0INCIDENT', thread_ts: '1764237600.000100', initial_comment: 'attached' },
    });
  });

  test('usergroups.users.list answers configured members; unknown groups are no_such_subteam', async () => {
    const client = webClient();
    await expect(client.usergroups.users.list({ usergroup: 'S0ONCALL' })).resolves.toMatchObject({ users: ['U0ALICE', 'U0BOB'] });
    replica.setUsergroupMembers('S0SRE', ['U0CAROL']);
    await expect(client.usergroups.users.list({ usergroup: 'S0SRE' })).resolves.toMatchObject({ users: ['U0CAROL'] });
    await expect(client.usergroups.users.list({ usergroup: 'S0NONE' })).rejects.toMatchObject({ data: { error: 'no_such_subteam' } });
    await expect(client.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({ user: { id: 'U0ALICE', team_id: 'T0001' } });
  });

  test('auth: no token is not_authed, an app token is not allowed for chat; unknown methods are unknown_method', async () => {
    await expect(webClient(null).auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
    await expect(webClient(APP_TOKEN).chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      data: { error: 'not_allowed_token_type' },
    });
    await expect(webClient().apiCall('pods.restart')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    await expect(webClient().auth.test()).resolves.toMatchObject({ user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001' });
    expect(replica.calls().map((c) => [c.method, c.response.error ?? 'ok'])).toEqual([
      ['auth.test', 'not_authed'],
      ['chat.postMessage', 'not_allowed_token_type'],
      ['pods.restart', 'unknown_method'],
      ['auth.test', 'ok'],
    ]);
  });

  test('waitForCall waits for a call still to come and times out with what it saw', async () => {
    const waiting = replica.waitForCall('views.open', (c) => c.args.trigger_id === 't-2');
    const client = webClient();
    const view = { type: 'modal' as const, callback_id: 'limit', title: { type: 'plain_text' as const, text: 'Limit' }, blocks: [] };
    await client.views.open({ trigger_id: 't-1', view });
    const opened = await client.views.open({ trigger_id: 't-2', view });
    expect((await waiting).args.view).toEqual(view);
    const updated = await client.views.update({ view_id: opened.view?.id as string, hash: opened.view?.hash as string, view });
    expect(updated.view).toMatchObject({ id: 'V0002', callback_id: 'limit' });
    await expect(client.views.update({ view_id: 'V0002', hash: opened.view?.hash as string, view })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });
    await expect(replica.waitForCall('chat.delete', undefined, 50)).rejects.toThrow(/No matching chat.delete call within 50 ms; the replica saw: views.open/);
  });
});

describe('raw HTTP and WebSocket clients', () => {
  test('a JSON body is read like a form body; raw bytes posted to an upload URL are stored', async () => {
    const blocks = [{ type: 'divider' }];
    const res = await fetch(`${replica.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0INCIDENT', text: 'json', blocks, unfurl_links: false }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0INCIDENT', message: { blocks } });
    expect(replica.calls('chat.postMessage')[0]?.args).toEqual({ channel: 'C0INCIDENT', text: 'json', blocks, unfurl_links: false });

    const target = await webClient().files.getUploadURLExternal({ filename: 'heap.bin', length: 3 });
    expect(target.upload_url).toBe(`${replica.origin}/upload/${target.file_id}`);
    const upload = await fetch(target.upload_url as string, { method: 'POST', body: new Uint8Array([0xde, 0xad, 0x01]) });
    expect([upload.status, await upload.text()]).toEqual([200, 'OK - 3']);
    expect(replica.uploads().get(target.file_id as string)?.bytes).toEqual(Buffer.from([0xde, 0xad, 0x01]));
  });

  test('the Socket Mode endpoint refuses a ticket apps.connections.open did not issue', async () => {
    const ws = new WebSocket(`${replica.origin.replace('http:', 'ws:')}/socket-mode?ticket=forged&app_id=A0001`);
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toBe('Unexpected server response: 401');
    expect(replica.socket.connectionCount()).toBe(0);
  });
});

describe('Bolt App over HTTP', () => {
  let app: App;
  let eventsUrl: string;

  beforeEach(async () => {
    app = new App({ signingSecret: SIGNING_SECRET, token: BOT_TOKEN, clientOptions: { slackApiUrl: replica.apiUrl }, logger });
    app.command('/oom-check', async ({ command, ack, client }) => {
      await ack();
      await client.chat.postMessage({ channel: command.channel_id, text: `checking ${command.text}` });
    });
    app.action('approve', async ({ ack, body, client }) => {
      await ack();
      if (body.type !== 'block_actions' || body.channel === undefined || body.message === undefined) return;
      await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: `approved by <@${body.user.id}>` });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterEach(async () => {
    await app.stop();
  });

  test('a signed slash command is acked with 200 and its postMessage reaches the replica', async () => {
    const body = slashCommandBody({ text: 'payments/api-7f9c', user_id: 'U0ALICE', channel_id: 'C0INCIDENT' });
    expect(body).toMatch(/^token=[^&]+&team_id=T0001&.*&command=%2Foom-check&text=payments%2Fapi-7f9c&/);

    const res = await postToBolt(eventsUrl, body, { secret: SIGNING_SECRET });

    expect(res).toMatchObject({ status: 200, body: '' });
    const post = await replica.waitForCall('chat.postMessage');
    // The listener's client is built per team: it adds team_id from auth.test to every call.
    expect(post.args).toEqual({ channel: 'C0INCIDENT', text: 'checking payments/api-7f9c', team_id: 'T0001' });
    expect(replica.calls('auth.test')).toHaveLength(1);
  });

  test('a button click updates the message the bot posted', async () => {
    const posted = await webClient().chat.postMessage({ channel: 'C0INCIDENT', text: 'raise the limit?' });
    const payload = blockActionPayload({ message: { ts: posted.ts as string }, actions: [{ action_id: 'approve', value: 'inc-1' }] });

    expect((await postToBolt(eventsUrl, blockActionBody(payload), { secret: SIGNING_SECRET })).status).toBe(200);

    await replica.waitForCall('chat.update');
    expect(replica.messages('C0INCIDENT')[0]?.text).toBe('approved by <@U0ALICE>');
  });

  test('a bad signature and a timestamp older than 5 minutes are 401 and never reach a listener', async () => {
    const body = slashCommandBody({ text: 'x', user_id: 'U0ALICE', channel_id: 'C0INCIDENT' });
    expect((await postToBolt(eventsUrl, body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await postToBolt(eventsUrl, body, { secret: SIGNING_SECRET, timestamp: nowSeconds() - 5 * 60 - 1 })).status).toBe(401);
    const headers = signedHeaders(SIGNING_SECRET, body);
    const tampered = await fetch(eventsUrl, { method: 'POST', headers, body: body.replace('text=x', 'text=y') });
    expect(tampered.status).toBe(401);
    expect(replica.calls('chat.postMessage')).toEqual([]);
    expect(logger.at(LogLevel.WARN).filter((m) => m.includes('Failed to parse and verify'))).toHaveLength(3);
  });
});

describe('Socket Mode', () => {
  test('a Bolt App receives a slash command, acks it and its postMessage reaches the replica', async () => {
    const clientOptions: WebClientOptions = { slackApiUrl: replica.apiUrl };
    const app = new App({ token: BOT_TOKEN, appToken: APP_TOKEN, socketMode: true, clientOptions, logger });
    // SocketModeClient writes its own retry policy into the clientOptions object it shares with the App,
    // so every listener `client` retries 100 times (factor 1.3). Pass retryConfig to choose your own.
    expect(clientOptions.retryConfig).toEqual({ retries: 100, factor: 1.3 });
    app.command('/oom-check', async ({ command, ack, client }) => {
      await ack();
      await client.chat.postMessage({ channel: command.channel_id, text: `checking ${command.text}` });
    });
    app.view('limit', async ({ ack, view }) => {
      await ack({ response_action: 'errors', errors: { limit: `${view.state.values.limit?.input?.value} is above the node size` } });
    });
    // Bolt acks Events API envelopes before any listener runs, so the ack says nothing about the listener.
    const mentionRetryNum = new Promise<number | undefined>((resolve) => {
      app.event('app_mention', async ({ context }) => resolve(context.retryNum));
    });
    await app.start();
    try {
      await replica.socket.connected();
      const [open] = replica.calls('apps.connections.open');
      expect(open?.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);

      const ack = await replica.socket.send('slash_commands', slashCommandFields({ text: 'payments/api', user_id: 'U0ALICE', channel_id: 'C0INCIDENT' }));
      expect(ack).toEqual({ envelope_id: expect.any(String), payload: {} });
      const post = await replica.waitForCall('chat.postMessage');
      expect(post.args).toMatchObject({ channel: 'C0INCIDENT', text: 'checking payments/api' });

      const submission = viewSubmissionPayload({ callback_id: 'limit', values: { limit: { input: { type: 'plain_text_input', value: '64Gi' } } } });
      const viewAck = await replica.socket.send('interactive', submission);
      expect(viewAck.payload).toEqual({ response_action: 'errors', errors: { limit: '64Gi is above the node size' } });

      const mention = eventCallbackPayload({ type: 'app_mention', user: 'U0ALICE', text: '<@UBOT> status', channel: 'C0INCIDENT', ts: '1764237601.000100' });
      await replica.socket.send('events_api', mention, { retryAttempt: 1, retryReason: 'timeout' });
      expect(await mentionRetryNum).toBe(1);
    } finally {
      await app.stop();
    }
    expect(logger.at(LogLevel.ERROR)).toEqual([]);
  });

  test('after a disconnect message the SocketModeClient reconnects with a fresh apps.connections.open', async () => {
    const client = new SocketModeClient({ appToken: APP_TOKEN, clientPingTimeout: 300, logger, clientOptions: { slackApiUrl: replica.apiUrl } });
    await client.start();
    try {
      // Wait for the client's own 'connected' (it got hello): disconnecting while a reconnect is still
      // pending makes SocketModeClient reject that reconnect unhandled.
      const reconnected = new Promise((resolve) => client.once('connected', resolve));
      await replica.socket.disconnect('refresh_requested');
      await reconnected;
      expect(replica.socket.connectionCount()).toBe(1);
      expect(replica.calls('apps.connections.open')).toHaveLength(2);
    } finally {
      await client.disconnect();
    }
  });
});
