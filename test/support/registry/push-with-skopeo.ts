import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '../alertmanager/require-tool.js';

export interface PushOptions {
  /** user:password for the registry (Basic, or the token server's Basic in the Bearer flow). */
  creds?: string;
  /** Copy an index and every image in it (skopeo --all). */
  all?: boolean;
  /** Convert the manifest on the way (skopeo --format), e.g. v2s2 for Docker's schema 2. */
  format?: 'oci' | 'v2s2';
}

/**
 * `skopeo copy oci:LAYOUT:TAG docker://DESTINATION` over plain http, with a policy file of its
 * own (accept anything) and a HOME of its own, so neither the machine's containers policy nor a
 * user's auth files play a part. Fails with skopeo's own words.
 */
export async function pushWithSkopeo(layout: string, tag: string, destination: string, options: PushOptions = {}): Promise<void> {
  const skopeo = requireTool('skopeo', 'skopeo');
  const home = mkdtempSync(join(tmpdir(), 'oom-check-skopeo-'));
  try {
    const policy = join(home, 'policy.json');
    writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const args = ['--policy', policy, 'copy', '--dest-tls-verify=false', ...(options.creds ? ['--dest-creds', options.creds] : []), ...(options.all ? ['--all'] : []), ...(options.format ? ['--format', options.format] : [])];
    await promisify(execFile)(skopeo, [...args, `oci:${layout}:${tag}`, `docker://${destination}`], {
      env: { PATH: process.env.PATH, HOME: home, TMPDIR: home },
      timeout: 60_000,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`skopeo copy ${tag} to ${destination} failed: ${error.stderr || error.message}`);
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
