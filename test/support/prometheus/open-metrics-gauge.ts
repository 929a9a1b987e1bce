export interface GaugeSeries {
  labels: Record<string, string>;
  /** [unix seconds, value], in time order. */
  samples: Array<[number, number]>;
}

const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * One gauge family in the OpenMetrics text `promtool tsdb create-blocks-from openmetrics` reads:
 * timestamps in seconds, each series' samples together and in order, `# EOF` last.
 */
export function openMetricsGauge(name: string, help: string, series: GaugeSeries[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const { labels, samples } of series) {
    const text = Object.entries(labels)
      .map(([key, value]) => `${key}="${escape(value)}"`)
      .join(',');
    for (const [t, v] of samples) lines.push(`${name}{${text}} ${v} ${t}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}
