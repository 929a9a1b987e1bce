/**
 * Drives a Bolt HTTP receiver the way Slack does: bodies encoded as Slack encodes them, signed
 * with `v0=` + HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`). Bolt rejects (401) a bad
 * signature and a timestamp more than 5 minutes in the past; it does not reject future ones.
 */
import { createHmac } from 'node:crypto';
import { eventCallbackPayload, slashCommandFields, type SlashCommandOptions } from './payloads.js';

export type SlackContentType = 'application/x-www-form-urlencoded' | 'application/json';

export interface SignedHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
  'content-type': SlackContentType;
  [header: string]: string;
}

function contentTypeOf(rawBody: string): SlackContentType {
  return rawBody.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded';
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function signedHeaders(signingSecret: string, rawBody: string, timestamp: number = nowSeconds()): SignedHeaders {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return {
    'x-slack-signature': `v0=${signature}`,
    'x-slack-request-timestamp': String(timestamp),
    'content-type': contentTypeOf(rawBody),
  };
}

/** A slash command as Slack posts it: form-encoded fields (`command=%2Foom-check&text=...`). */
export function slashCommandBody(options: SlashCommandOptions): string {
  return new URLSearchParams(slashCommandFields(options) as Record<string, string>).toString();
}

/** Interactions arrive as one form field, `payload=<url-encoded JSON>`. */
export function blockActionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function viewSubmissionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Events API deliveries are JSON: the `event_callback` envelope around `event`. */
export function eventCallbackBody(event: { type: string }, options: { event_id?: string; event_time?: number } = {}): string {
  return JSON.stringify(eventCallbackPayload(event, options));
}

export interface PostToBoltOptions {
  secret: string;
  /** Seconds since the epoch (default now). */
  timestamp?: number;
  /** Sets `X-Slack-Retry-Num` (and `X-Slack-Retry-Reason`), as Slack does when it redelivers. */
  retryNum?: number;
  retryReason?: string;
  /** Default: JSON if the body starts with `{`, else form-encoded. */
  contentType?: string;
}

export interface BoltResponse {
  status: number;
  body: string;
  headers: Headers;
}

/** POSTs a signed body to a Bolt endpoint (e.g. `http://127.0.0.1:PORT/slack/events`). */
export async function postToBolt(url: string, rawBody: string, options: PostToBoltOptions): Promise<BoltResponse> {
  const headers: Record<string, string> = { ...signedHeaders(options.secret, rawBody, options.timestamp) };
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = options.retryReason ?? 'http_timeout';
  }
  headers['user-agent'] = 'Slackbot 1.0 (+https://api.slack.com/robots)';
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
