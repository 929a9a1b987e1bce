import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { requireTool } from '../alertmanager/require-tool.js';
import { startLocalProcess, type LocalProcess } from '../start-local-process.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export type RegistryAuth =
  /** `auth: htpasswd`: Basic auth against one user; `bcryptHash` is the bcrypt of their password. */
  | { htpasswd: { username: string; bcryptHash: string } }
  /** `auth: token`: Bearer tokens from `realm`, signed by the key of the certificate in `rootCertBundle` (a PEM file). */
  | { token: { realm: string; service: string; issuer: string; rootCertBundle: string } };

export interface StartRegistryOptions {
  auth?: RegistryAuth;
  /** Serve this storage folder (e.g. one another registry filled) instead of a new empty one. */
  storage?: string;
}

export interface RunningRegistry extends LocalProcess {
  /** The folder holding its blobs and repositories. */
  storage: string;
  /** Kills the registry and removes its temporary directory (and the storage it made). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the real CNCF distribution registry (Debian `docker-registry`, 2.8) on a free port of
 * 127.0.0.1, plain http, filesystem storage in a temporary directory, and waits until `GET /v2/`
 * answers (200, or 401 when auth is on: both mean it serves).
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const binary = requireTool(REGISTRY_BINARY, 'docker-registry');
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-registry-'));
  try {
    const storage = options.storage ?? join(dir, 'storage');
    let auth: Record<string, unknown> | undefined;
    if (options.auth && 'htpasswd' in options.auth) {
      writeFileSync(join(dir, 'htpasswd'), `${options.auth.htpasswd.username}:${options.auth.htpasswd.bcryptHash}\n`);
      auth = { htpasswd: { realm: 'oom-check-test', path: join(dir, 'htpasswd') } };
    } else if (options.auth) {
      const { realm, service, issuer, rootCertBundle } = options.auth.token;
      auth = { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
    }
    const server = await startLocalProcess({
      name: 'docker-registry',
      binary,
      args: (address) => {
        const config = join(dir, 'config.yml');
        writeFileSync(
          config,
          stringify({
            version: 0.1,
            log: { level: 'warn', accesslog: { disabled: true } },
            storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
            http: { addr: address, secret: 'oom-check-test-secret' },
            ...(auth ? { auth } : {}),
          }),
        );
        return ['serve', config];
      },
      isReady: async (url) => {
        const reply = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
        await reply.arrayBuffer();
        return reply.status === 200 || reply.status === 401;
      },
    });
    let stopped: Promise<void> | null = null;
    return { ...server, storage, stop: () => (stopped ??= server.stop().then(() => rmSync(dir, { recursive: true, force: true }))) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
