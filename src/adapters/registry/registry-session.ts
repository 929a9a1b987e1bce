import { z } from 'zod';
import type { RegistryCredential } from '../../config/registry-section.js';
import { EvidenceError } from '../../core/evidence-ports.js';
import type { ImageReference } from './parse-image-reference.js';
import { parseWwwAuthenticate, type Challenge } from './parse-www-authenticate.js';
import { registryHttpError, registryNetworkError, type RegistryTarget } from './registry-errors.js';

/** Redirects to blob storage (S3, GCS, a CDN) take one hop; more is a loop. */
const MAX_REDIRECTS = 3;
/** Error bodies and token answers are a few hundred bytes. */
const MAX_SMALL_BODY = 64 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface RegistryAccess {
  /** OOM_CHECK_REGISTRY_AUTH, by registry host in lower case. */
  credentials: Readonly<Record<string, RegistryCredential>>;
  /** OOM_CHECK_REGISTRY_INSECURE: hosts reached over plain http. */
  insecureHosts: readonly string[];
  /** OOM_CHECK_REGISTRY_TIMEOUT, for messages: the signal given to the session enforces it. */
  timeoutMs: number;
  /** Passed in for tests of transport faults; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export interface Fetched {
  contentType: string | null;
  /** Docker-Content-Digest, when the registry sends it. */
  digest: string | null;
  body: Buffer;
}

const tokenAnswer = z
  .object({ token: z.string().min(1).max(MAX_SMALL_BODY).optional(), access_token: z.string().min(1).max(MAX_SMALL_BODY).optional() })
  .refine((answer) => answer.token ?? answer.access_token, { error: 'has neither token nor access_token' });

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The requests of one `describe()` to one registry: plain http only for OOM_CHECK_REGISTRY_INSECURE
 * hosts; the registry's auth followed as Docker does it (a 401 with `WWW-Authenticate: Basic` is
 * answered with the username and password; with `Bearer realm,service,scope` a token is fetched
 * from the realm, with the username and password if any, anonymously otherwise, and the request
 * retried with it; a `{token}` credential is sent as the bearer token from the first request).
 * Redirects are followed only to https or loopback, and the Authorization header never leaves the
 * registry's origin (blob storage signs its own URLs). Every request runs under the one signal,
 * every body is capped, and every failure is an EvidenceError saying what to check.
 */
export class RegistrySession {
  private readonly base: URL;
  private readonly credential: RegistryCredential | undefined;
  private readonly target: RegistryTarget;
  private readonly fetch: typeof fetch;
  private authorization: string | null;

  constructor(
    private readonly ref: ImageReference,
    private readonly access: RegistryAccess,
    private readonly signal: AbortSignal,
  ) {
    const insecure = access.insecureHosts.includes(ref.registry);
    // Docker Hub's API lives on its own host; credentials and references say docker.io.
    const apiHost = ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry;
    this.base = new URL(`${insecure ? 'http' : 'https'}://${apiHost}/`);
    const names = ref.registry === 'docker.io' ? ['docker.io', 'index.docker.io', 'registry-1.docker.io'] : [ref.registry];
    this.credential = names.map((name) => access.credentials[name]).find(Boolean);
    this.authorization = this.credential && 'token' in this.credential ? `Bearer ${this.credential.token}` : null;
    this.target = { registry: ref.registry, image: ref.canonical, repository: ref.repository, timeoutMs: access.timeoutMs, hasCredentials: this.credential !== undefined, insecure };
    this.fetch = access.fetch ?? fetch;
  }

  /** GET `/v2/<repository>/<path>`: the body of its 200 answer, at most `maxBytes`. `what` names it in messages. */
  async get(path: string, accept: string, maxBytes: number, what: string): Promise<Fetched> {
    let url = new URL(`/v2/${this.ref.repository}/${path}`, this.base);
    let challenged = false;
    for (let redirects = 0; ; ) {
      const home = url.origin === this.base.origin;
      const headers: Record<string, string> = { Accept: accept };
      if (home && this.authorization) headers.Authorization = this.authorization;
      const response = await this.send(url, headers);
      if (response.status === 401 && home && !challenged) {
        challenged = true;
        const challenge = parseWwwAuthenticate(response.headers.get('www-authenticate'));
        await this.drain(response);
        await this.answer(challenge);
        continue;
      }
      if (REDIRECTS.has(response.status)) {
        url = this.redirect(url, response.headers.get('location'), ++redirects, what);
        await this.drain(response);
        continue;
      }
      if (response.status !== 200) {
        // The status decides the error; the body only adds the registry's words, when it can be read.
        const said = await this.read(response, MAX_SMALL_BODY, what).then(String, () => '');
        throw registryHttpError(response.status, said, this.target, what);
      }
      const body = await this.read(response, maxBytes, what);
      return { contentType: response.headers.get('content-type'), digest: response.headers.get('docker-content-digest'), body };
    }
  }

  private async send(url: URL, headers: Record<string, string>): Promise<Response> {
    try {
      return await this.fetch(url, { headers, redirect: 'manual', signal: this.signal });
    } catch (error) {
      throw registryNetworkError(error, this.target, url.origin);
    }
  }

  /** Reads a body up to `max` bytes; past it, stops reading and refuses the answer. */
  private async read(response: Response, max: number, what: string): Promise<Buffer> {
    const tooLarge = () => new EvidenceError('registry', 'BadResponse', `${this.ref.registry} sent a ${what} larger than ${max} bytes for ${this.ref.canonical}: refused unread`);
    try {
      if (Number(response.headers.get('content-length') ?? '0') > max) {
        await response.body?.cancel();
        throw tooLarge();
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        if (size > max) throw tooLarge();
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    } catch (error) {
      throw registryNetworkError(error, this.target, new URL(response.url || this.base.href).origin);
    }
  }

  private async drain(response: Response): Promise<void> {
    await this.read(response, MAX_SMALL_BODY, 'answer').catch((error: unknown) => {
      // Only the status mattered; a timeout still ends the describe() at the next request.
      if (error instanceof EvidenceError && error.code === 'Timeout') throw error;
    });
  }

  private redirect(from: URL, location: string | null, count: number, what: string): URL {
    const refuse = (why: string) => new EvidenceError('registry', 'BadResponse', `${this.ref.registry} redirected the ${what} of ${this.ref.canonical} ${why}: refused`);
    if (count > MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} times`);
    let next: URL;
    try {
      next = new URL(location ?? '', from);
    } catch {
      throw refuse(`to an invalid address`);
    }
    if (!location) throw refuse('without a Location');
    const allowed = next.protocol === 'https:' || (next.protocol === 'http:' && (next.origin === this.base.origin || isLoopback(next.hostname)));
    if (!allowed) throw refuse(`to ${next.protocol}//${next.host} (only https, or plain http on loopback, is followed)`);
    return next;
  }

  /** Sets the Authorization the registry's challenge asks for, or says why it cannot. */
  private async answer(challenge: Challenge | null): Promise<void> {
    const credential = this.credential;
    const entry = `the entry for "${this.ref.registry}" in OOM_CHECK_REGISTRY_AUTH`;
    const refuse = (message: string) => new EvidenceError('registry', 'Unauthorized', `${this.ref.registry} ${message}`);
    if (!challenge) {
      throw refuse(`answered HTTP 401 without saying how to authenticate (no WWW-Authenticate): ${credential ? `check ${entry}` : `add an entry for "${this.ref.registry}" to OOM_CHECK_REGISTRY_AUTH`}`);
    }
    switch (challenge.scheme) {
      case 'basic':
        if (credential && 'username' in credential) {
          this.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
          return;
        }
        throw refuse(
          credential
            ? `asks for a username and password to read ${this.ref.repository} (HTTP 401, Basic): ${entry} holds a token; give {"username", "password"} instead`
            : `asks for credentials to read ${this.ref.repository} (HTTP 401): add an entry for "${this.ref.registry}" to OOM_CHECK_REGISTRY_AUTH`,
        );
      case 'bearer':
        if (credential && 'token' in credential) throw refuse(`refused the token of ${entry} (HTTP 401): check it, or give a username and password instead`);
        this.authorization = `Bearer ${await this.token(challenge)}`;
        return;
      default:
        throw new EvidenceError('registry', 'Unsupported', `${this.ref.registry} asks for ${challenge.scheme} authentication, which oom-check does not speak (Basic and Bearer only)`);
    }
  }

  /** The distribution token flow: GET realm?service=&scope=, with Basic credentials when there are some. */
  private async token(challenge: Challenge): Promise<string> {
    const bad = (why: string) => new EvidenceError('registry', 'BadResponse', `${this.ref.registry} asked for a bearer token ${why}`);
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm ?? '');
    } catch {
      throw bad(`with a realm that is not a URL (${JSON.stringify((challenge.params.realm ?? '').slice(0, 200))})`);
    }
    const plain = realm.protocol === 'http:';
    if (!(realm.protocol === 'https:' || (plain && (isLoopback(realm.hostname) || this.access.insecureHosts.includes(realm.host))))) {
      throw bad(`from ${realm.origin}, which is not https: refused, credentials would travel in clear (add the host to OOM_CHECK_REGISTRY_INSECURE if that is intended)`);
    }
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', challenge.params.scope ?? `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const credential = this.credential;
    if (credential && 'username' in credential) headers.Authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    const response = await this.send(realm, headers);
    const body = (await this.read(response, MAX_SMALL_BODY, 'token')).toString('utf8');
    if (response.status === 401 || response.status === 403) {
      throw new EvidenceError(
        'registry',
        'Unauthorized',
        credential
          ? `the token server ${realm.origin} of ${this.ref.registry} refused the credentials of the entry for "${this.ref.registry}" in OOM_CHECK_REGISTRY_AUTH (HTTP ${response.status}): check its username and password`
          : `the token server ${realm.origin} of ${this.ref.registry} refused anonymous access to ${this.ref.repository} (HTTP ${response.status}): add an entry for "${this.ref.registry}" to OOM_CHECK_REGISTRY_AUTH`,
      );
    }
    if (response.status !== 200) throw registryHttpError(response.status, body, this.target, 'token');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw bad(`but its token server ${realm.origin} answered something other than JSON`);
    }
    const parsed = tokenAnswer.safeParse(json);
    if (!parsed.success) throw bad(`but the answer of its token server ${realm.origin} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    return (parsed.data.token ?? parsed.data.access_token) as string;
  }
}
