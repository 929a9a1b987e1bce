import { parseExposition, samplesOf, type ParsedFamily } from './prometheus-exposition.js';

/** GET /metrics of a running bot (or anything exporting), read by the strict exposition parser. */
export async function scrapeMetrics(baseUrl: string): Promise<ParsedFamily[]> {
  const reply = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await reply.text();
  if (reply.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${reply.status}: ${text.slice(0, 500)}`);
  return parseExposition(text);
}

/** The sum of the samples of `name` whose labels include `match`; 0 when there is none. */
export function metricValue(families: readonly ParsedFamily[], name: string, match: Record<string, string> = {}): number {
  return samplesOf(families, name, match).reduce((sum, sample) => sum + sample.value, 0);
}

/** Scrapes and reads one value: for polling until a counter moved. */
export async function scrapeValue(baseUrl: string, name: string, match: Record<string, string> = {}): Promise<number> {
  return metricValue(await scrapeMetrics(baseUrl), name, match);
}
