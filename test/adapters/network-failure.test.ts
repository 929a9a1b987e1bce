import { networkFailure, type NetworkFailure } from '../../src/adapters/network-failure.js';

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

/** fetch's shape: a TypeError("fetch failed") whose cause carries the system error. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

const reachedNothing = { timedOut: false, unreachable: true, tls: false };
const handshakeFailed = { timedOut: false, unreachable: false, tls: true };
const neither = { timedOut: false, unreachable: false, tls: false };

test.each<[string, unknown, NetworkFailure]>([
  ['a refused connection', systemError('ECONNREFUSED'), { ...reachedNothing, code: 'ECONNREFUSED' }],
  ['a refusal one cause down, as fetch throws it', fetchFailed(systemError('ECONNREFUSED')), { ...reachedNothing, code: 'ECONNREFUSED' }],
  ['a refusal two causes down', fetchFailed(new Error('wrapped', { cause: systemError('ENOTFOUND') })), { ...reachedNothing, code: 'ENOTFOUND' }],
  ['any ECONN code', systemError('ECONNABORTED'), { ...reachedNothing, code: 'ECONNABORTED' }],
  ['a DNS lookup that may work later', systemError('EAI_AGAIN'), { ...reachedNothing, code: 'EAI_AGAIN' }],
  ["undici's closed socket", fetchFailed(systemError('UND_ERR_SOCKET')), { ...reachedNothing, code: 'UND_ERR_SOCKET' }],
  ['an expired certificate', fetchFailed(systemError('CERT_HAS_EXPIRED')), { ...handshakeFailed, code: 'CERT_HAS_EXPIRED' }],
  ['a self-signed certificate', systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), { ...handshakeFailed, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }],
  ['an unverifiable certificate', systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { ...handshakeFailed, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }],
  ['an SSL protocol error', systemError('ERR_SSL_WRONG_VERSION_NUMBER'), { ...handshakeFailed, code: 'ERR_SSL_WRONG_VERSION_NUMBER' }],
  ['EPROTO, which each adapter reads its own way', systemError('EPROTO'), { ...neither, code: 'EPROTO' }],
  ['another code', systemError('ERR_INVALID_URL'), { ...neither, code: 'ERR_INVALID_URL' }],
  ['no code at all', new Error('boom'), { ...neither, code: undefined }],
  ['an HTTP status, which is a number and no network code', Object.assign(new Error('Not Found'), { code: 404 }), { ...neither, code: undefined }],
  ['a code deeper than five causes', [1, 2, 3, 4, 5].reduce<unknown>((cause) => new Error('wrapped', { cause }), systemError('ECONNREFUSED')), { ...neither, code: undefined }],
  ['a fetch timeout', new DOMException('timed out', 'TimeoutError'), { ...neither, timedOut: true, code: undefined }],
  ['an aborted request', new DOMException('aborted', 'AbortError'), { ...neither, timedOut: true, code: undefined }],
])('%s', (_, error, expected) => {
  expect(networkFailure(error)).toEqual(expected);
});
