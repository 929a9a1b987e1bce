import pino from 'pino';
import type { Logger } from './core/ports.js';

/** JSON logs on stderr, so stdout carries only what the command prints for people. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'oom-check' } }, pino.destination({ dest: 2, sync: true }));
}
