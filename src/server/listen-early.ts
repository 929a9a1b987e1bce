import { once } from 'node:events';
import { startingServer, type BotHttpServer } from './bot-server.js';

/** PORT and HOST in the forms the config accepts (src/config.ts), absent ones as its defaults; null otherwise. */
function listenAddress(env: NodeJS.ProcessEnv): { port: number; host: string } | null {
  const set = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const port = set('PORT') ?? '3000';
  const host = set('HOST') ?? '0.0.0.0';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535 || !/^[A-Za-z0-9.:-]+$/.test(host)) return null;
  return { port: Number(port), host };
}

/**
 * serve's HTTP server, listening before the bot's code is even loaded (loading it is most of
 * start-up): a liveness probe finds the process alive at once, and /readyz says "not ready" until
 * start-up hands the server its routes. Null when PORT or HOST is not one the config accepts, or
 * the port cannot be taken: start-up then listens itself, and reports the problem, as it always did.
 */
export async function listenEarly(env: NodeJS.ProcessEnv): Promise<BotHttpServer | null> {
  const address = listenAddress(env);
  if (!address) return null;
  const early = startingServer();
  early.server.listen(address.port, address.host);
  try {
    await once(early.server, 'listening');
    return early;
  } catch {
    // Nothing listens; start-up tries again with the config's address and fails with this error.
    return null;
  }
}

/** Closes a server at once, its open connections too (start-up failed: the process is about to exit). */
export async function closeServer({ server }: BotHttpServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
