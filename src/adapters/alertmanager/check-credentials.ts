import { createHash, timingSafeEqual } from 'node:crypto';

export interface WebhookCredentials {
  bearerToken: string | null;
  basicAuth: { user: string; password: string } | null;
}

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
function same(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether the Authorization header carries one of the configured credentials, as Alertmanager's http_config sends them. */
export function checkCredentials(header: string | undefined, credentials: WebhookCredentials): boolean {
  const given = header ?? '';
  let accepted = false;
  if (credentials.bearerToken !== null) accepted = same(given, `Bearer ${credentials.bearerToken}`) || accepted;
  if (credentials.basicAuth !== null) {
    const encoded = Buffer.from(`${credentials.basicAuth.user}:${credentials.basicAuth.password}`).toString('base64');
    accepted = same(given, `Basic ${encoded}`) || accepted;
  }
  return accepted;
}
