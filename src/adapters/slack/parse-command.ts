/** What `/oom-check <text>` asks for. Names are checked later, against the cluster and the allow-list. */
export type SlackCommand =
  | { kind: 'run'; namespace: string | null; pod: string }
  | { kind: 'status' }
  | { kind: 'export'; incidentId: number }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

export const COMMAND_USAGE = [
  '`/oom-check <namespace>/<pod>` or `/oom-check <pod> -n <namespace>`: run the OOM checklist on a pod',
  '`/oom-check <pod>`: the same, finding the pod\'s namespace',
  '`/oom-check status`: open incidents',
  '`/oom-check export <incident-id>`: the postmortem as a file',
  '`/oom-check help`: this help',
].join('\n');

const invalid = (problem: string): SlackCommand => ({ kind: 'invalid', message: `${problem}\n${COMMAND_USAGE}` });

export function parseCommand(text: string): SlackCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined || (first === 'help' && rest.length === 0)) return { kind: 'help' };
  if (first === 'status' && rest.length === 0) return { kind: 'status' };
  if (first === 'export') {
    if (rest.length !== 1 || !/^[1-9]\d{0,15}$/.test(rest[0] ?? '')) return invalid('`export` takes one incident id, a whole number such as `/oom-check export 42`.');
    return { kind: 'export', incidentId: Number(rest[0]) };
  }
  let namespace: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-n' || word === '--namespace') {
      const value = words[++i];
      if (value === undefined) return invalid(`\`${word}\` needs a namespace after it.`);
      if (namespace !== null) return invalid('Give the namespace once.');
      namespace = value;
    } else if (word.startsWith('-')) {
      return invalid(`Unknown option \`${word.slice(0, 40)}\`.`);
    } else {
      names.push(word);
    }
  }
  if (names.length !== 1) return invalid(names.length === 0 ? 'Give a pod name.' : 'Give one pod at a time.');
  const [name] = names as [string];
  const slash = name.split('/');
  if (slash.length === 2) {
    if (namespace !== null) return invalid('Give the namespace either as `<namespace>/<pod>` or with `-n`, not both.');
    return { kind: 'run', namespace: slash[0] ?? '', pod: slash[1] ?? '' };
  }
  if (slash.length > 2) return invalid(`\`${name.slice(0, 80)}\` is not \`<namespace>/<pod>\`.`);
  return { kind: 'run', namespace, pod: name };
}
