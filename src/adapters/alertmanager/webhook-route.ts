import type { ServerResponse } from 'node:http';
import { parseWebhook } from '../../core/alerts/parse-webhook.js';
import type { AlertStore, Clock, Logger } from '../../core/ports.js';
import { sendJson, type RouteHandler } from '../../server/bot-server.js';
import { BodyTooLarge, readBody } from '../../server/read-body.js';
import { checkCredentials, type WebhookCredentials } from './check-credentials.js';

/** How a delivery ended, for the deliveries metric: 200, 401, 400, 413, 415, 503 in words. */
export type WebhookOutcome = 'accepted' | 'unauthorized' | 'invalid' | 'too_large' | 'unsupported' | 'disabled';

const OUTCOME_OF_STATUS: Record<400 | 401 | 413 | 415 | 503, WebhookOutcome> = { 400: 'invalid', 401: 'unauthorized', 413: 'too_large', 415: 'unsupported', 503: 'disabled' };

/** Alertmanager sends at most a few hundred alerts per webhook; 1 MiB is generous and bounds memory. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookRouteOptions extends WebhookCredentials {
  enabled: boolean;
  alerts: AlertStore;
  clock: Clock;
  log: Logger;
  /** Each delivery's outcome, and how many alerts an accepted one carried. */
  onDelivery?(outcome: WebhookOutcome, alerts: number): void;
  /** Called after the alerts are persisted and answered: processing happens there, not before the 200. */
  onAccepted(): void;
}

/**
 * POST /webhooks/alertmanager: authenticate, bound, parse and validate the payload, persist its
 * alerts, then answer. Alertmanager re-sends on a 5xx or a slow answer, so the reply comes as
 * soon as the alerts are safe in the database; a re-sent payload inserts nothing new.
 */
export function webhookRoute(options: WebhookRouteOptions): RouteHandler {
  const fail = (res: ServerResponse, status: 400 | 401 | 413 | 415 | 503, error: string) => {
    options.onDelivery?.(OUTCOME_OF_STATUS[status], 0);
    sendJson(res, status, { error });
  };
  return async (req, res) => {
    if (!options.enabled) {
      fail(res, 503, 'the Alertmanager webhook is off: set ALERTMANAGER_BEARER_TOKEN or ALERTMANAGER_BASIC_AUTH (or ALERTMANAGER_INSECURE=true)');
      return;
    }
    if ((options.bearerToken !== null || options.basicAuth !== null) && !checkCredentials(req.headers.authorization, options)) {
      options.log.warn({ remote: req.socket.remoteAddress }, 'Alertmanager webhook refused: wrong or missing credentials');
      res.setHeader('www-authenticate', options.bearerToken !== null ? 'Bearer' : 'Basic realm="oom-check"');
      fail(res, 401, 'unauthorized');
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      fail(res, 415, `content type must be application/json, not ${JSON.stringify(type ?? '')}`);
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > MAX_WEBHOOK_BYTES) {
      fail(res, 413, `body larger than ${MAX_WEBHOOK_BYTES} bytes: lower max_alerts in the receiver`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_WEBHOOK_BYTES)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLarge) fail(res, 413, `body larger than ${MAX_WEBHOOK_BYTES} bytes: lower max_alerts in the receiver`);
      else fail(res, 400, `body is not JSON: ${(error as Error).message}`);
      return;
    }
    const parsed = parseWebhook(body);
    if (!parsed.ok) {
      fail(res, 400, parsed.problem);
      return;
    }
    const alerts = parsed.payload.alerts;
    const fresh = options.alerts.insert(
      alerts.map((alert) => ({ ...alert, alertname: alert.labels.alertname ?? '' })),
      options.clock.now().toISOString(),
    );
    options.onDelivery?.('accepted', alerts.length);
    sendJson(res, 200, { status: 'accepted', alerts: alerts.length, new: fresh });
    if (fresh > 0) options.onAccepted();
  };
}
