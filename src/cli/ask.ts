import { createInterface } from 'node:readline';
import type { CliIo } from './cli-io.js';

export interface Prompt {
  /** One question; null when there is no terminal to ask, or it closed. */
  ask(question: string): Promise<string | null>;
  close(): void;
}

/** Questions on the terminal. One line reader serves the whole command, so answers typed ahead are kept. */
export function openPrompt(io: CliIo): Prompt {
  let lines: AsyncIterator<string> | undefined;
  let close = () => {};
  return {
    async ask(question) {
      if (!io.stdin?.isTTY) return null;
      if (!lines) {
        const rl = createInterface({ input: io.stdin, terminal: false });
        lines = rl[Symbol.asyncIterator]();
        close = () => rl.close();
      }
      io.stdout.write(question);
      const next = await lines.next();
      return next.done ? null : next.value;
    },
    close: () => close(),
  };
}
