/** Small facts the simulated kubelet derives from a container spec, as a real runtime reports them. */
import { parseQuantity } from '../core/quantity.js';
import type { Container } from './k8s-types.js';

/** A container's memory limit in bytes, if it has one. */
export function limitOf(container: Container): number | undefined {
  const memory = container.resources?.limits?.memory;
  return memory === undefined ? undefined : parseQuantity(String(memory));
}

/** Go's time.Duration formatting for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
