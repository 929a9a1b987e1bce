import { webApi } from '@slack/bolt';

export type SlackCallOutcome = 'ok' | 'rate_limited' | 'error';

/**
 * The client, counting every Web API call made through it by method and outcome. The client binds
 * its methods (`chat.postMessage`...) when it is built, so they are wrapped where they are read: a
 * proxy over the client and its method groups. A 429 is counted as `rate_limited` when it arrives
 * (the client waits and retries, and the call then counts once more as ok or error).
 */
export function meterSlackCalls(client: webApi.WebClient, count: (method: string, outcome: SlackCallOutcome) => void): webApi.WebClient {
  client.on(webApi.WebClientEvent.RATE_LIMITED, (_retrySeconds: number, request: { url?: string }) => {
    count(new URL(request.url ?? 'http://slack/unknown').pathname.split('/').pop() || 'unknown', 'rate_limited');
  });
  const wrap = <T extends object>(target: T, path: string): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof property !== 'string' || property === 'constructor') return value;
        const method = path ? `${path}.${property}` : property === 'filesUploadV2' ? 'files.uploadV2' : property;
        if (typeof value === 'function') {
          // Only Web API methods: the client's own machinery (on, emit, apiCall...) passes through.
          if (!path && property !== 'filesUploadV2') return value.bind(object) as unknown;
          return async (...args: unknown[]) => {
            try {
              const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
              count(method, 'ok');
              return result;
            } catch (error) {
              count(method, 'error');
              throw error;
            }
          };
        }
        // Method groups are plain objects (chat, users, usergroups.users...).
        return value !== null && typeof value === 'object' && isMethodGroup(value) ? wrap(value, method) : value;
      },
    });
  return wrap(client, '');
}

function isMethodGroup(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}
