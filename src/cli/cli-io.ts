/** What a command gets from its process: passed in so tests run commands in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Answers to prompts; a command asks only when it is a terminal. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
