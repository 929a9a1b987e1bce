import type { ContainerSpec, PodSpec } from '../k8s-types.js';
import { containersField, type ContainerKind } from './containers-field.js';

/** The spec of container `name` of `kind`, or undefined: statuses and specs are matched by name only. */
export function findSpecContainer(spec: PodSpec, kind: ContainerKind, name: string): ContainerSpec | undefined {
  return spec[containersField(kind)]?.find((container) => container.name === name);
}
