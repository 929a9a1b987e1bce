/**
 * Prometheus' text exposition format (0.0.4) as kube-state-metrics and the kubelet's cAdvisor
 * handler write it: one `# HELP` and `# TYPE` per family, then its samples; label values escaped
 * (`\\`, `\"`, `\n`); values as Go's strconv.FormatFloat(v, 'g', -1, 64) prints them (`137`,
 * `6.7108864e+07`, `1e-05`); an optional timestamp in milliseconds.
 */

export interface Sample {
  labels: ReadonlyArray<readonly [string, string]>;
  value: number;
  timestampMs?: number;
}

export interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: Sample[];
}

/** strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form below 1e-4 and from 1e+06. */
export function goFloatG(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(value);
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** The text of `families`, skipping those without samples (as both exporters do). */
export function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`${f.name}${labels ? `{${labels}}` : ''} ${goFloatG(s.value)}${s.timestampMs === undefined ? '' : ` ${s.timestampMs}`}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
