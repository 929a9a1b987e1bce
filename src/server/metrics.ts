/** Counters in Prometheus' text format, for GET /metrics. */
export class Metrics {
  private readonly counters = new Map<string, number>();

  count(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = `${name}${Object.keys(labels).length > 0 ? `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.counters.get(key) ?? 0;
  }

  render(): string {
    const names = new Set([...this.counters.keys()].map((key) => key.split('{')[0]!));
    return [...names]
      .sort()
      .flatMap((name) => [`# TYPE ${name} counter`, ...[...this.counters].filter(([key]) => key.split('{')[0] === name).map(([key, value]) => `${key} ${value}`)])
      .join('\n') + '\n';
  }
}
