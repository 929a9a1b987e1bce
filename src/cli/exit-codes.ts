/** The `oom-check` exit codes; the README's table lists the same. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotFound: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
