/** Init containers run to completion before the app starts; the seed's case is an init container. */
export type ContainerKind = 'init' | 'app';

/** The pod-spec list a container of `kind` lives in, for lookups and strategic-merge patches alike. */
export type ContainersField = 'initContainers' | 'containers';

export function containersField(kind: ContainerKind): ContainersField {
  return kind === 'init' ? 'initContainers' : 'containers';
}
