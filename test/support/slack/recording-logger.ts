/**
 * A Slack-SDK `Logger` (Bolt's `logger` option, WebClient's and SocketModeClient's too) that keeps
 * entries in memory instead of printing: tests stay quiet and can assert that nothing was logged
 * at `error`, or that the WebClient said it was rate limited.
 */
import { LogLevel, type Logger } from '@slack/bolt';

export interface LogEntry {
  level: LogLevel;
  name: string;
  message: string;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  /** Messages logged at `level`. */
  at(level: LogLevel): string[];
}

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

function render(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
}

export function recordingLogger(level: LogLevel = LogLevel.INFO): RecordingLogger {
  let current = level;
  let name = '';
  const entries: LogEntry[] = [];
  const write =
    (entryLevel: LogLevel) =>
    (...parts: unknown[]): void => {
      if (ORDER.indexOf(entryLevel) < ORDER.indexOf(current)) return;
      entries.push({ level: entryLevel, name, message: render(parts) });
    };
  return {
    entries,
    at: (wanted) => entries.filter((e) => e.level === wanted).map((e) => e.message),
    debug: write(LogLevel.DEBUG),
    info: write(LogLevel.INFO),
    warn: write(LogLevel.WARN),
    error: write(LogLevel.ERROR),
    setLevel: (next) => {
      current = next;
    },
    getLevel: () => current,
    setName: (next) => {
      name = next;
    },
  };
}
