import type { Leadership } from '../core/ports.js';
import type { LeaseElector } from './lease-elector.js';

/** This process's leadership of each cluster, one Lease (elector) per cluster. */
export class Leaders implements Leadership {
  constructor(private readonly electors: ReadonlyMap<string, LeaseElector>) {}

  leads(cluster: string): boolean {
    return this.electors.get(cluster)?.leads() ?? false;
  }

  describe(cluster: string): string {
    return this.electors.get(cluster)?.describe() ?? 'no process (the cluster has no Lease here)';
  }

  /**
   * One election round in every cluster (each bounded by the API deadline), then the electors go
   * on until the signal aborts. Resolves after the first round, with `running` for the rest.
   */
  async start(signal: AbortSignal): Promise<{ running: Promise<void> }> {
    const electors = [...this.electors.values()];
    await Promise.all(electors.map((elector) => elector.tryOnce()));
    return { running: Promise.all(electors.map((elector) => elector.run(signal, { triedNow: true }))).then(() => undefined) };
  }

  /** Gives every Lease held up (after the runner stopped). */
  async release(): Promise<void> {
    await Promise.all([...this.electors.values()].map((elector) => elector.release()));
  }
}
