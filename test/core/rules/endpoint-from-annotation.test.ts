import {
  endpointFromAnnotation,
  HEALTH_ANNOTATION,
  IMAGE_INFO_ANNOTATION,
} from '../../../src/core/rules/endpoint-from-annotation.js';

const EXAMPLE = 'write PORT/PATH, e.g. 9090/debug/image-info or http/internal/health';

test('annotation names', () => {
  expect([IMAGE_INFO_ANNOTATION, HEALTH_ANNOTATION]).toEqual(['oom-check.io/image-info', 'oom-check.io/health']);
});

describe('accepted', () => {
  test.each<[string, number | string, string]>([
    ['9090/debug/image-info', 9090, '/debug/image-info'],
    ['http/internal/health', 'http', '/internal/health'],
    ['8080/healthz', 8080, '/healthz'],
    ['1/', 1, '/'],
    ['65535/x', 65535, '/x'],
    ['metrics-2/v1/image_info.json', 'metrics-2', '/v1/image_info.json'],
    ['abcdefghijklmno/x', 'abcdefghijklmno', '/x'],
    ['8080/a/./b', 8080, '/a/./b'],
    ['8080/v1..2/info', 8080, '/v1..2/info'],
    ['8080/a%20b', 8080, '/a%20b'],
    [`8080/${'a'.repeat(1019)}`, 8080, `/${'a'.repeat(1019)}`],
  ])('%s', (value, port, path) => {
    expect(endpointFromAnnotation(value)).toEqual({ ok: true, port, path });
  });
});

describe('refused, naming the problem', () => {
  test.each<[string, string]>([
    ['', `value is empty: ${EXAMPLE}`],
    [`8080/${'a'.repeat(1020)}`, 'value is 1025 characters; at most 1024 are accepted'],
    ['8080', `value has no path: ${EXAMPLE}`],
    ['http', `value has no path: ${EXAMPLE}`],
    ['/debug/image-info', `value must start with a port number or name: ${EXAMPLE}`],
    ['8080/debug image-info', 'value must not contain whitespace, control or non-ASCII characters'],
    [' 8080/healthz', 'value must not contain whitespace, control or non-ASCII characters'],
    ['8080/healthz\n', 'value must not contain whitespace, control or non-ASCII characters'],
    ['8080/h\u0000', 'value must not contain whitespace, control or non-ASCII characters'],
    ['8080/gesundheit-prüfung', 'value must not contain whitespace, control or non-ASCII characters'],
    ['http://localhost:8080/healthz', `value must not include a scheme or host: ${EXAMPLE}`],
    ['HTTPS://10.0.0.1/healthz', `value must not include a scheme or host: ${EXAMPLE}`],
    ['localhost:8080/healthz', `value must not include a host (localhost:8080): the endpoint is always on the pod itself; ${EXAMPLE}`],
    ['10.0.0.7/healthz', `value must not include a host (10.0.0.7): the endpoint is always on the pod itself; ${EXAMPLE}`],
    ['0/healthz', 'port 0 must be from 1 to 65535'],
    ['65536/healthz', 'port 65536 must be from 1 to 65535'],
    ['99999999999999999999/healthz', 'port 99999999999999999999 must be from 1 to 65535'],
    ['HTTP/healthz', "port name HTTP is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['abcdefghijklmnop/x', "port name abcdefghijklmnop is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['-http/x', "port name -http is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['http-/x', "port name http- is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['my--port/x', "port name my--port is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['80-80/x', "port name 80-80 is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['my_port/x', "port name my_port is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter"],
    ['8080/../../api/v1/secrets', 'path /../../api/v1/secrets must not contain .. segments'],
    ['8080/debug/..', 'path /debug/.. must not contain .. segments'],
    ['8080/debug/%2e%2E/x', 'path /debug/%2e%2E/x must not contain .. segments'],
    ['8080/debug/..%2fsecrets', 'path /debug/..%2fsecrets must not contain encoded / or \\'],
    ['8080/debug%5C..', 'path /debug%5C.. must not contain encoded / or \\'],
    ['8080/debug\\..\\x', 'path /debug\\..\\x must not contain backslashes'],
    ['8080//evil.example.com/x', 'path //evil.example.com/x must not start with //'],
    ['8080/healthz?verbose=1', 'path /healthz?verbose=1 must be a plain path, without query or fragment'],
    ['8080/healthz#top', 'path /healthz#top must be a plain path, without query or fragment'],
  ])('%j', (value, problem) => {
    expect(endpointFromAnnotation(value)).toEqual({ ok: false, problem });
  });
});
