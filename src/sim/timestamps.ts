/**
 * Wire formats of Kubernetes times: `metav1.Time` has whole seconds (`2025-01-02T03:04:05Z`);
 * `metav1.MicroTime` (Lease acquire/renew, Event eventTime) has six fractional digits.
 */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
