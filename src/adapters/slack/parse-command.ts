import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from '../../core/dns-names.js';
import { shorten } from './mrkdwn.js';
import { parseIncidentId } from './parse-incident-id.js';
import { isSeverity, type Severity } from '../../core/rules/assess-severity.js';

/**
 * A user by Slack ID: escaped as Slack sends a mention when the command escapes them
 * (`<@U012AB3CD>`, `<@U012AB3CD|alice>`), or the member ID typed as it is (`U012AB3CD`, `@U012AB3CD`).
 * The app's manifest leaves mentions unescaped (so pod names are never turned into links), and a
 * bare `@alice` names nobody the bot can check.
 */
const USER_MENTION = /^(?:<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>|@?([UW][A-Z0-9]{2,20}))$/;

/**
 * What `/oom-check <text>` asks for. Names are checked here, before anything reaches the cluster:
 * a namespace is a DNS-1123 label (at most 63 characters), a pod a DNS-1123 subdomain (at most
 * 253). Whether the namespace is allowed and the pod exists is checked later.
 *
 * `invalid.message` is plain text that may quote what the user typed (shortened to
 * ECHO_MAX characters): escape it, once, where it is shown.
 */
export type SlackCommand =
  /** `cluster` null: the default cluster (the first of OOM_CHECK_CLUSTERS). */
  | { kind: 'run'; cluster: string | null; namespace: string | null; pod: string }
  | { kind: 'status' }
  | { kind: 'export'; incidentId: number }
  | { kind: 'resolve'; incidentId: number; note: string | null }
  | { kind: 'severity'; incidentId: number; severity: Severity }
  | { kind: 'assign'; incidentId: number; userId: string }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

export const COMMAND_USAGE = [
  '`/oom-check <namespace>/<pod>` or `/oom-check <pod> -n <namespace>`: run the OOM checklist on a pod',
  '`/oom-check <pod>`: the same, finding the pod\'s namespace',
  '`/oom-check <cluster>/<namespace>/<pod>` or `--cluster <cluster>`: the same in another cluster than the default',
  '`/oom-check status`: open incidents',
  '`/oom-check export <incident-id>`: the postmortem as a file',
  '`/oom-check resolve <incident-id> [note]`: close an incident left open, once the workload runs (approvers)',
  '`/oom-check severity <incident-id> P1|P2|P3|P4`: set the incident\'s severity',
  '`/oom-check assign <incident-id> <member-id>`: make someone the incident\'s owner (or press *I\'m on it* on its card)',
  '`/oom-check help`: this help',
].join('\n');

/** The most characters of the user's text an answer quotes. */
export const ECHO_MAX = 60;

/** The longest note `resolve` keeps (it goes on the timeline and the card). */
const NOTE_MAX = 300;

const invalid = (problem: string): SlackCommand => ({ kind: 'invalid', message: `${problem}\n${COMMAND_USAGE}` });

/** What the user typed, shortened, as inline code. */
const echo = (text: string): string => `\`${shorten(text, ECHO_MAX)}\``;

function namespaceProblem(namespace: string): string | null {
  if (namespace === '') return 'Give a namespace before the `/`, e.g. `shop/checkout-7d9f8-abcde`.';
  if (namespace.length <= 63 && DNS_1123_LABEL.test(namespace)) return null;
  return `${echo(namespace)} is not a namespace name: use lower-case letters, digits and "-", at most 63 characters, e.g. \`shop\`.`;
}

function podProblem(pod: string): string | null {
  if (pod === '') return 'Give a pod name after the `/`, e.g. `shop/checkout-7d9f8-abcde`.';
  if (pod.length <= 253 && DNS_1123_SUBDOMAIN.test(pod)) return null;
  return `${echo(pod)} is not a pod name: use lower-case letters, digits, "-" and ".", at most 253 characters, e.g. \`checkout-7d9f8-abcde\`.`;
}

function clusterProblem(cluster: string): string | null {
  if (cluster === '') return 'Give a cluster name before the first `/`, e.g. `prod/shop/checkout-7d9f8-abcde`.';
  // Which names exist is the registry's to say; here only what could never be one.
  return cluster.length <= 253 ? null : `${echo(cluster)} is not a cluster name: at most 253 characters.`;
}

function run(cluster: string | null, namespace: string | null, pod: string): SlackCommand {
  const problem = (cluster === null ? null : clusterProblem(cluster)) ?? (namespace === null ? null : namespaceProblem(namespace)) ?? podProblem(pod);
  return problem ? invalid(problem) : { kind: 'run', cluster, namespace, pod };
}

/** Never throws: every text is a command or an `invalid` with what to fix. */
export function parseCommand(text: string): SlackCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined || (first === 'help' && rest.length === 0)) return { kind: 'help' };
  if (first === 'status' && rest.length === 0) return { kind: 'status' };
  if (first === 'export') {
    const incidentId = rest.length === 1 ? parseIncidentId(rest[0]) : null;
    if (incidentId === null) return invalid('`export` takes one incident id, a whole number such as `/oom-check export 42`.');
    return { kind: 'export', incidentId };
  }
  if (first === 'resolve') {
    const incidentId = rest.length >= 1 ? parseIncidentId(rest[0]) : null;
    if (incidentId === null) return invalid('`resolve` takes an incident id, a whole number, then an optional note: `/oom-check resolve 42 limit set in git`.');
    const note = text.trim().split(/\s+/).slice(2).join(' ');
    return { kind: 'resolve', incidentId, note: note === '' ? null : shorten(note, NOTE_MAX) };
  }
  if (first === 'severity') {
    const incidentId = rest.length === 2 ? parseIncidentId(rest[0]) : null;
    const severity = rest[1]?.toUpperCase();
    if (incidentId === null || !isSeverity(severity)) return invalid('`severity` takes an incident id and P1, P2, P3 or P4: `/oom-check severity 42 P2`.');
    return { kind: 'severity', incidentId, severity };
  }
  if (first === 'assign') {
    const incidentId = rest.length === 2 ? parseIncidentId(rest[0]) : null;
    const match = USER_MENTION.exec(rest[1] ?? '');
    const user = match?.[1] ?? match?.[2];
    if (incidentId === null || user === undefined) return invalid('`assign` takes an incident id and a person\'s Slack member ID (their profile, ⋮, Copy member ID): `/oom-check assign 42 U012AB3CD`.');
    return { kind: 'assign', incidentId, userId: user };
  }
  let namespace: string | null = null;
  let cluster: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-n' || word === '--namespace') {
      const value = words[++i];
      if (value === undefined) return invalid(`\`${word}\` needs a namespace after it.`);
      if (namespace !== null) return invalid('Give the namespace once.');
      namespace = value;
    } else if (word === '--cluster') {
      const value = words[++i];
      if (value === undefined) return invalid('`--cluster` needs a cluster name after it.');
      if (cluster !== null) return invalid('Give the cluster once.');
      cluster = value;
    } else if (word.startsWith('-')) {
      return invalid(`Unknown option ${echo(word)}.`);
    } else {
      names.push(word);
    }
  }
  if (names.length !== 1) return invalid(names.length === 0 ? 'Give a pod name.' : 'Give one pod at a time.');
  const [name] = names as [string];
  const slash = name.split('/');
  if (slash.length >= 2 && namespace !== null) return invalid('Give the namespace either as `<namespace>/<pod>` or with `-n`, not both.');
  if (slash.length === 2) return run(cluster, slash[0]!, slash[1]!);
  if (slash.length === 3) {
    if (cluster !== null) return invalid('Give the cluster either as `<cluster>/<namespace>/<pod>` or with `--cluster`, not both.');
    return run(slash[0]!, slash[1]!, slash[2]!);
  }
  if (slash.length > 3) return invalid(`${echo(name)} is not \`<namespace>/<pod>\` or \`<cluster>/<namespace>/<pod>\`.`);
  return run(cluster, namespace, name);
}
