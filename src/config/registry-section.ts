import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { commaList } from './comma-list.js';
import { durationMs, requestTimeout } from './duration-ms.js';

/** host or host:port as an image reference names a registry (ghcr.io, 127.0.0.1:5000, [::1]:5000). */
const REGISTRY_HOST = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:]+\])(:\d{1,5})?$/i;

const registryCredential = z.union([
  z.strictObject({ username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ token: z.string().min(1) }),
]);
export type RegistryCredential = z.output<typeof registryCredential>;

const REGISTRY_AUTH_FORMAT = 'a JSON object such as {"ghcr.io": {"username": "bot", "password": "..."}, "registry.example.com:5000": {"token": "..."}}';

/**
 * OOM_CHECK_REGISTRY_AUTH: inline JSON (it starts with `{`) or the path of a file holding it, so a
 * mounted Secret works. Problems are reported by host, never with the values (they are secrets).
 */
function readRegistryAuth(text: string | undefined, ctx: z.RefinementCtx): Record<string, RegistryCredential> {
  if (text === undefined) return {};
  const problem = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return {};
  };
  let json = text.trim();
  const where = json.startsWith('{') ? '' : ` (in the file ${json})`;
  if (where) {
    try {
      json = readFileSync(json, 'utf8');
    } catch (error) {
      return problem(`names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${json}; give ${REGISTRY_AUTH_FORMAT}, or the path of a file holding it`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    // JSON.parse quotes the text around the mistake: that could be a password, so only say where it is.
    if (!(error instanceof SyntaxError)) throw error;
    return problem(`is not valid JSON${where} (check quotes, commas and braces); it must be ${REGISTRY_AUTH_FORMAT}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem(`must be ${REGISTRY_AUTH_FORMAT}${where}`);
  if ('auths' in value) {
    return problem(`looks like a Docker config.json${where}; oom-check takes ${REGISTRY_AUTH_FORMAT} (copy the username and password of each registry)`);
  }
  const credentials: Record<string, RegistryCredential> = {};
  for (const [host, entry] of Object.entries(value)) {
    const key = host.toLowerCase();
    if (!REGISTRY_HOST.test(key)) {
      problem(`has the key ${JSON.stringify(host.slice(0, 100))}${where}, which is not a registry host: use the host (and port) as image references name it, e.g. ghcr.io or 127.0.0.1:5000`);
      continue;
    }
    const parsed = registryCredential.safeParse(entry);
    if (!parsed.success) {
      problem(`entry ${JSON.stringify(key)}${where} must be {"username": "...", "password": "..."} or {"token": "..."}, with non-empty strings and nothing else`);
      continue;
    }
    credentials[key] = parsed.data;
  }
  return credentials;
}

/** Image registries: credentials by host, the deadline of one image's description, plain-http hosts. */
export const registrySection = z
  .object({
    OOM_CHECK_REGISTRY_AUTH: z
      .string()
      .optional()
      .transform((text, ctx) => readRegistryAuth(text, ctx)),
    OOM_CHECK_REGISTRY_TIMEOUT: requestTimeout('5s', 'how long describing one image (all its requests) may take'),
    OOM_CHECK_REGISTRY_INSECURE: commaList(
      REGISTRY_HOST,
      'must be registry hosts reached over plain http, comma-separated, as image references name them, e.g. 127.0.0.1:5000,registry.local',
    ).transform((hosts) => hosts.map((host) => host.toLowerCase())),
  })
  .transform((env) => ({
    /** Credentials by registry host (lower case); images of other registries are read anonymously. */
    credentials: env.OOM_CHECK_REGISTRY_AUTH,
    timeoutMs: durationMs(env.OOM_CHECK_REGISTRY_TIMEOUT),
    /** Reached over http; every other registry over https. */
    insecureHosts: env.OOM_CHECK_REGISTRY_INSECURE,
  }));
