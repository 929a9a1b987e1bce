#!/usr/bin/env node
import { runCli } from './run-cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
} catch (error) {
  process.stderr.write(`oom-check: unexpected error, please report it with this trace:\n${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
}
