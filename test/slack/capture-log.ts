import pino from 'pino';
import type { Logger } from '../../src/core/ports.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in memory, so a test can check what was logged and why. */
export function captureLog(level: pino.Level = 'info'): { log: Logger; lines: LogLine[]; warnings(): LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines, warnings: () => lines.filter((line) => line.level === 40) };
}
