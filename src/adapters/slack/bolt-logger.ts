import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';

/** Bolt's logger interface over ours, so Bolt's own messages land in the same JSON log. */
export function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (messages: unknown[]) => ({ bolt: messages.map((m) => (m instanceof Error ? m.message : String(m))).join(' ') });
  return {
    debug: (...messages) => log.debug(text(messages)),
    info: (...messages) => log.info(text(messages)),
    warn: (...messages) => log.warn(text(messages)),
    error: (...messages) => log.error(text(messages)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
