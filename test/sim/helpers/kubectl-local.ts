/**
 * The oracle: the machine's real kubectl applying a patch to a file with `kubectl patch --local -o
 * json`, which runs apimachinery's own strategic-merge code (and the same json-patch library as the
 * API server) without any server. At most two kubectl processes run at once (the CI machine has
 * two cores), so a suite of dozens of patches stays within a few seconds.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL } from './kubectl.js';

export type PatchKind = 'strategic' | 'merge' | 'json';

export type LocalResult = { ok: true; object: Record<string, unknown> } | { ok: false; error: string };

export interface LocalPatcher {
  /** Patches `object` (written to a file once per call) the way kubectl would, without a server. */
  patch(object: unknown, type: PatchKind, patch: unknown): Promise<LocalResult>;
  /** `kubectl set resources --local`: kubectl parses the quantity with apimachinery's ParseQuantity. */
  setLimits(object: unknown, container: string, limits: string): Promise<LocalResult>;
  cleanup(): Promise<void>;
}

export async function localPatcher(concurrency = 2): Promise<LocalPatcher> {
  const dir = await mkdtemp(join(tmpdir(), 'oom-check-oracle-'));
  const kubeconfig = join(dir, 'empty-kubeconfig');
  await writeFile(kubeconfig, '');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig };
  let running = 0;
  const queue: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  let counter = 0;
  /** Runs kubectl on `object` written to a file (`{}` in args stands for the file). */
  const onFile = async (object: unknown, args: string[]): Promise<LocalResult> => {
    const file = join(dir, `object-${counter++}.json`);
    await writeFile(file, JSON.stringify(object));
    await slot();
    try {
      return await new Promise<LocalResult>((resolve) => {
        execFile(KUBECTL, args.map((a) => (a === '{}' ? file : a)), { env, timeout: 30_000 }, (error, stdout, stderr) => {
          if (error) return resolve({ ok: false, error: String(stderr).replace(/^error: /, '').trimEnd() });
          // kubectl prints nothing when the command changes nothing (set resources to the same value).
          if (String(stdout).trim() === '') return resolve({ ok: true, object: object as Record<string, unknown> });
          try {
            resolve({ ok: true, object: JSON.parse(String(stdout)) as Record<string, unknown> });
          } catch (parseError) {
            resolve({ ok: false, error: `kubectl printed no JSON: ${(parseError as Error).message}` });
          }
        });
      });
    } finally {
      release();
    }
  };
  return {
    patch: (object, type, patch) => onFile(object, ['patch', '--local', '-f', '{}', '--type', type, '-p', JSON.stringify(patch), '-o', 'json']),
    setLimits: (object, container, limits) => onFile(object, ['set', 'resources', '--local', '-f', '{}', '-c', container, `--limits=${limits}`, '-o', 'json']),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
