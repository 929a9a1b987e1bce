import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../alertmanager/require-tool.js';

export interface TokenServerOptions {
  username: string;
  password: string;
  /** Grant `pull` to anonymous requests (Docker Hub's public images); otherwise they get 401. */
  anonymousPull?: boolean;
}

export interface TokenRequest {
  service: string | null;
  scope: string | null;
  /** The Basic user, or null when anonymous. */
  user: string | null;
  status: number;
}

export interface RunningTokenServer {
  /** http://127.0.0.1:PORT/token: the registry's `auth.token.realm`. */
  realm: string;
  service: string;
  issuer: string;
  /** The PEM certificate whose key signs the tokens: the registry's `auth.token.rootcertbundle`. */
  rootCertBundle: string;
  /** Every token request, in order. */
  requests: TokenRequest[];
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function basicUser(req: IncomingMessage): { user: string; password: string } | null {
  const [scheme, value] = (req.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * A token server as the distribution registry's `auth: token` expects one (docs "Token
 * Authentication Specification"): GET realm?service=&scope=repository:NAME:ACTIONS with Basic
 * credentials answers a JWT signed ES256 by a key whose self-signed certificate (made here with
 * openssl) is the registry's root bundle; the certificate travels in the `x5c` header, as the
 * registry verifies it. The right user gets what the scope asks; anonymous requests get `pull`
 * only if allowed; wrong credentials get 401.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<RunningTokenServer> {
  const openssl = requireTool('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-token-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await promisify(execFile)(openssl, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=oom-check test token issuer', '-keyout', keyFile, '-out', certFile,
  ], { timeout: 30_000 });
  const key = createPrivateKey(readFileSync(keyFile));
  const x5c = new X509Certificate(readFileSync(certFile)).raw.toString('base64');
  const service = 'oom-check-test-registry';
  const issuer = 'oom-check-test-issuer';
  const requests: TokenRequest[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scope = url.searchParams.get('scope');
    const login = basicUser(req);
    const known = login?.user === options.username && login.password === options.password;
    const status = login ? (known ? 200 : 401) : options.anonymousPull ? 200 : 401;
    requests.push({ service: url.searchParams.get('service'), scope, user: login?.user ?? null, status });
    if (status !== 200) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    // scope = repository:NAME:pull,push (NAME may hold colons only with a port, which scopes never carry)
    const [type, name, actions] = (scope ?? '').split(':');
    const granted = (actions ?? '').split(',').filter((action) => known || action === 'pull');
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [x5c] }));
    const claims = base64url(
      JSON.stringify({
        iss: issuer,
        sub: login?.user ?? '',
        aud: service,
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access: scope ? [{ type, name, actions: granted }] : [],
      }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${header}.${claims}.${base64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let stopped: Promise<void> | null = null;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: certFile,
    requests,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => rmSync(dir, { recursive: true, force: true }))),
  };
}
