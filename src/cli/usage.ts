/** Help texts, one per command, and the overview. */
export const COMMAND_HELP: Record<string, string> = {
  run: `Usage: oom-check run [<cluster>/]<namespace>/<pod> [--yes] [--cluster NAME | --context C] [--runbook FILE]

Runs the 3-minute hotfix checklist on a pod (in the first cluster of OOM_CHECK_CLUSTERS, else the
current kube context, unless told otherwise): detect the OOM
kill, read image-info, propose a memory limit, ask for approval, dry-run and patch the owner
workload, wait for Initialized, check health. Run it again on the same pod to resume a run.
  --yes, -y          approve the proposed limit without asking
  --cluster NAME     a cluster of OOM_CHECK_CLUSTERS (the same as NAME/<namespace>/<pod>)
  --context C        kube context (default KUBE_CONTEXT, else the kubeconfig's current one)
  --runbook FILE     runbook YAML (default OOM_CHECK_RUNBOOK)

Exit codes: 0 fixed and verified, 3 pod not found, 4 verification failed, 5 nothing to patch
(not an OOM kill, bare pod, no higher limit), 6 not approved, 7 cluster unreachable (resumable).`,
  demo: `Usage: oom-check demo [--out DIR] [--time-scale X]

Starts the embedded Kubernetes API simulator on the seed's case (an initContainer OOMKilled at
64Mi), runs the whole checklist with approval given, prints the timeline and writes the
Markdown postmortem. Uses its own database in DIR; touches no real cluster.
  --out DIR          where the demo database and postmortem go (default data/demo): a new or
                     empty folder, or one an earlier demo made (it holds .oom-check-demo), whose
                     demo files are replaced; any other folder is refused, never emptied
  --time-scale X     real seconds per simulated second (default 0.02; 1 is human speed)`,
  rollback: `Usage: oom-check rollback <incident-id> [--yes] [--context C]

Restores the memory limit the workload had before oom-check patched it (dry-run first). The
OOM kill comes back with the old limit, so the incident stays open ("rolled back, still
failing") until someone resolves it or runs the checklist again.`,
  resolve: `Usage: oom-check resolve <incident-id> [--note TEXT]

Closes an incident the checklist left open (declined, not approved in time, rolled back, or a
fix that did not verify) once the workload runs again or is handled elsewhere. The decision and
the note are on the incident's timeline. Running the checklist again on the workload replaces
a declined or rolled-back incident by itself.`,
  severity: `Usage: oom-check severity <incident-id> P1|P2|P3|P4

Sets an incident's severity over the one assessed from its impact when it opened (P1: no
available replica; P2: some unavailable; P3: all available but new pods fail; P4: otherwise).
The change is a timeline row by cli:<user>; the card shows it and the postmortem names it.`,
  serve: `Usage: oom-check serve

Runs the bot: the Slack app (HTTP mode on PORT at /slack/events, or Socket Mode when
SLACK_APP_TOKEN is set), POST /webhooks/alertmanager, the scheduled sweep and approval
reminders, /healthz, /readyz and /metrics; resumes the runs and alerts left open. SIGTERM or
SIGINT: stops taking work, lets running steps reach a persisted state, closes the database.
Needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP mode) and SLACK_APPROVERS; see the README.`,
  sim: `Usage: oom-check sim --scenario FILE [--port N] [--kubeconfig FILE] [--time-scale X]

Runs the Kubernetes API simulator for a scenario until Ctrl-C and writes a kubeconfig for it.
Scenarios ship in scenarios/ (seed-oom, healthy, app-crashloop, bare-pod, statefulset, ...).`,
  export: `Usage: oom-check export <incident-id> [--format md|json|html] [--out FILE]

Writes the postmortem of an incident from the timeline in the database (OOM_CHECK_DB_PATH).
  --format md|json|html
                     Markdown (default), versioned JSON, or a self-contained HTML page with
                     a chart of memory, the kill and the steps on the budget's time axis
  --out FILE         write to FILE instead of standard output: replaced in one step, its folder
                     created if missing; never the database or its -wal/-shm files

Reads the database without migrating it, so a read-only database can be exported (its audit
row then cannot be written, and export says so); one that needs migrating is refused: run
oom-check migrate first. Its only write is its own row in the audit log.`,
  audit: `Usage: oom-check audit [--since T] [--format jsonl|text]

Prints the audit log, oldest first: every /oom-check command and button press in Slack (allowed
or refused) and every oom-check run, rollback, resolve, export and audit, with who, where (the
Slack channel, or cli:<host>), what and the result. Rows cannot be changed or removed.
  --since T          only rows at or after T: an ISO time (2026-11-27T10:00:00Z, 2026-11-27)
                     or how long ago (90m, 24h, 7d)
  --format jsonl|text
                     one JSON object per line for a SIEM (default), or one line of text per row`,
  migrate: `Usage: oom-check migrate

Creates the database (OOM_CHECK_DB_PATH) if needed and applies pending migrations in order.
Refuses a database whose applied migrations were edited or that a newer oom-check wrote.`,
};

export const OVERVIEW = `oom-check — runs the 3-minute hotfix checklist for OOMKilled initContainers.

Usage: oom-check <command> [options]

Commands:
  demo                   the whole checklist on the embedded simulator (start here)
  serve                  run the bot: Slack, the Alertmanager webhook, the sweep, health endpoints
  run <namespace>/<pod>  run the checklist on a pod of the current kube context
  rollback <incident-id> restore the limit a patch replaced
  resolve <incident-id>  close an incident left open once the workload runs again
  severity <incident-id> P1|P2|P3|P4  set an incident's severity
  export <incident-id>   write an incident's postmortem (Markdown, JSON or HTML)
  audit                  print the audit log of commands and clicks (JSON lines or text)
  migrate                create or upgrade the database
  sim --scenario FILE    run the Kubernetes API simulator
  help [command]         show this help, or a command's

Options:
  -h, --help             show help
  -v, --version          print the version

Configuration comes from environment variables; the README lists them all.`;
