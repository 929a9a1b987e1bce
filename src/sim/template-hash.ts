/**
 * `pod-template-hash` / controller-revision hashes: FNV-1a (32 bit) over the pod template, printed
 * in decimal and mapped onto the API server's "safe" alphabet (no vowels, no confusable digits),
 * which is why real hashes look like `7d9f8b6c4`. Same template, same hash: a rollback to an old
 * template finds its old ReplicaSet again.
 */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function templateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(stableJson(template), 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((ch) => SAFE[ch.charCodeAt(0) % SAFE.length]).join('');
}
