/** Help texts, one per command, and the overview. */
export const COMMAND_HELP: Record<string, string> = {
  export: `Usage: oom-check export <incident-id> [--format md|json] [--out FILE]

Writes the postmortem of an incident from the timeline in the database (OOM_CHECK_DB_PATH).
  --format md|json   Markdown (default) or versioned JSON
  --out FILE         write to FILE instead of standard output`,
  migrate: `Usage: oom-check migrate

Creates the database (OOM_CHECK_DB_PATH) if needed and applies pending migrations in order.
Refuses a database whose applied migrations were edited or that a newer oom-check wrote.`,
};

export const OVERVIEW = `oom-check — runs the 3-minute hotfix checklist for OOMKilled initContainers.

Usage: oom-check <command> [options]

Commands:
  export <incident-id>   write an incident's postmortem (Markdown or JSON)
  migrate                create or upgrade the database
  help [command]         show this help, or a command's

Options:
  -h, --help             show help
  -v, --version          print the version

Configuration comes from environment variables; the README lists them all.`;
