import http from 'node:http';
import https from 'node:https';
import type { webApi } from '@slack/bolt';
import nodeFetch from 'node-fetch';

type FetchFunction = NonNullable<webApi.WebClientOptions['fetch']>;

/**
 * The transport of the bot's Slack calls (the Web API client and Bolt's `respond`). They default
 * to the global fetch, whose first use loads undici and compiles its WebAssembly HTTP parser: ~10
 * MB of memory held for good, and a ~30 MB spike when V8 recompiles the parser once it is hot
 * (bench:footprint). Their requests are POSTs of a form-encoded or JSON string, which node-fetch
 * carries on node:http (the cluster client's transport already) over the same kept-alive
 * connections; a multipart body (a file upload) still goes through the global fetch, which builds it.
 */
export const slackFetch: FetchFunction = async (url, init) => {
  if (init?.body !== undefined && typeof init.body !== 'string') return fetch(url, init);
  const response = await nodeFetch(String(url), {
    ...(init?.method ? { method: init.method } : {}),
    ...(init?.headers ? { headers: init.headers } : {}),
    ...(init?.body !== undefined ? { body: init.body } : {}),
    ...(init?.redirect ? { redirect: init.redirect } : {}),
    ...(init?.signal ? { signal: init.signal as NonNullable<Parameters<typeof nodeFetch>[1]>['signal'] } : {}),
    // Node's shared agents keep connections alive (node-fetch would otherwise ask for Connection: close).
    agent: (target) => (target.protocol === 'http:' ? http.globalAgent : https.globalAgent),
  });
  return response;
};
