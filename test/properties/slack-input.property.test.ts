/** Properties of the parsers of what people send through Slack: `/oom-check` text, button values and modal metadata. */
import fc from 'fast-check';
import { md } from '../../src/adapters/slack/mrkdwn.js';
import { COMMAND_USAGE, ECHO_MAX, parseCommand } from '../../src/adapters/slack/parse-command.js';
import { parseIncidentId } from '../../src/adapters/slack/parse-incident-id.js';
import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from '../../src/core/dns-names.js';
import { isSafeMrkdwn } from '../slack/mrkdwn-checks.js';
import { anyText, runs } from './settings.js';

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const subdomain = fc
  .array(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('.'))
  .filter((name) => name.length <= 253);
const space = fc.constantFrom(' ', '  ', '\t', ' \n ');

/** Command text: words people type (valid and not), options, slashes and hostile characters, in any order. */
const commandText = fc.oneof(
  anyText(300),
  fc
    .array(fc.oneof(label, subdomain, fc.constantFrom('-n', '--namespace', 'export', 'status', 'help', '/', '<!channel>', '-<!here>', '&amp;'), anyText(20), fc.tuple(label, subdomain).map(([n, p]) => `${n}/${p}`)), { maxLength: 6 })
    .chain((words) => fc.array(space, { minLength: words.length, maxLength: words.length }).map((gaps) => words.map((word, i) => gaps[i] + word).join(''))),
  fc.integer({ min: 254, max: 5000 }).map((n) => 'a'.repeat(n)),
);

describe('/oom-check text', () => {
  test('never throws; a run names a DNS-1123 namespace (<= 63) and pod (<= 253); an answer is bounded and escapes to safe mrkdwn', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const command = parseCommand(text);
        switch (command.kind) {
          case 'run':
            expect(command.pod.length).toBeLessThanOrEqual(253);
            expect(command.pod).toMatch(DNS_1123_SUBDOMAIN);
            if (command.namespace !== null) {
              expect(command.namespace.length).toBeLessThanOrEqual(63);
              expect(command.namespace).toMatch(DNS_1123_LABEL);
            }
            break;
          case 'export':
            expect(Number.isSafeInteger(command.incidentId) && command.incidentId > 0).toBe(true);
            break;
          case 'invalid':
            // The user's text is quoted at most twice, shortened: the answer cannot grow with the input.
            expect(command.message.length).toBeLessThanOrEqual(COMMAND_USAGE.length + 200 + 2 * (ECHO_MAX + 1));
            expect(isSafeMrkdwn(md`:warning: ${command.message}`.text)).toBe(true);
            break;
          default:
            break;
        }
      }),
      runs(600),
    );
  });

  test('valid names round-trip in every form the usage allows', () => {
    fc.assert(
      fc.property(label, subdomain, space, (namespace, pod, gap) => {
        for (const text of [`${namespace}/${pod}`, `${pod}${gap}-n${gap}${namespace}`, `-n ${namespace}${gap}${pod}`, `${gap}${pod} --namespace ${namespace}${gap}`]) {
          expect(parseCommand(text)).toEqual({ kind: 'run', cluster: null, namespace, pod });
        }
        expect(parseCommand(`${gap}${pod}${gap}`)).toEqual({ kind: 'run', cluster: null, namespace: null, pod });
        // The cluster, as the first part or with --cluster (a cluster name here: a label, as OOM_CHECK_CLUSTERS takes).
        for (const text of [`${pod}/${namespace}/${pod}`, `${namespace}/${pod}${gap}--cluster${gap}${pod}`, `--cluster ${pod}${gap}${pod} -n ${namespace}`]) {
          expect(parseCommand(text)).toEqual({ kind: 'run', cluster: pod, namespace, pod });
        }
      }),
      runs(300),
    );
  });

  test('export ids round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        expect(parseCommand(`export ${id}`)).toEqual({ kind: 'export', incidentId: id });
      }),
      runs(200),
    );
  });
});

describe('incident ids from button values and modal metadata', () => {
  test('never throws, whatever Slack hands back; an id is the canonical form of the text', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(30), fc.anything(), fc.stringMatching(/^-?\d{0,20}(\.\d*)?(e\d+)?$/)), (value) => {
        const id = parseIncidentId(value);
        if (id !== null) {
          expect(Number.isSafeInteger(id) && id > 0).toBe(true);
          expect(String(id)).toBe(value);
        }
      }),
      runs(1000),
    );
  });

  test('every incident id the bot writes reads back as itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        expect(parseIncidentId(String(id))).toBe(id);
      }),
      runs(300),
    );
  });
});
