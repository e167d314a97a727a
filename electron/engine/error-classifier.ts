// One pure classifier for what Node, got, tus-js-client and sockets throw during a transfer,
// shared by downloads, raw/multipart uploads and tus. Retrying is earned: only an allowlist of
// transient network conditions retries; anything unrecognised fails with its message instead of
// looping. A certificate problem will not fix itself (fails at once, saying so); a host name
// that does not resolve gets a few tries at most (a resolver may be briefly down).
import { proxyErrorIn, proxyFailure } from './net/proxy-error';
import { TransferFailure } from './types';

/** Connection-level conditions that another attempt may well not meet. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ENETRESET',
  'EAI_AGAIN', // the resolver did not answer in time: transient by definition
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
]);

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT', // net's happy-eyeballs attempt timed out
  'ERR_HTTP_REQUEST_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The name does not resolve: permanent in practice, but worth a couple of tries. */
const NAME_NOT_FOUND_CODES = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
export const NAME_NOT_FOUND_RETRIES = 2;

/**
 * A refused connection before any byte of the transfer ever flowed: one retry 2 s later, then fail.
 * Nothing listening there is almost always a wrong address (a mistyped port), said within seconds;
 * the wait lets a server that is just restarting answer the second try. A server that served bytes
 * and then refuses is restarting, and keeps the patient budget.
 */
export const REFUSED_FIRST_CONTACT = { retries: 1, waitMs: 2000 } as const;

const TLS_CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const FILE_SYSTEM_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'EEXIST', 'EMFILE', 'ENFILE', 'EIO', 'EBUSY']);

export interface ClassifyContext {
  /** For a readable "no answer within 30 s". */
  stallTimeoutMs?: number;
  /** The host the transfer talks to, for DNS and certificate messages. */
  host?: string;
}

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  event?: string;
  hostname?: string;
  address?: string;
  port?: number;
  cause?: unknown;
}

/** The most specific error code in the error and its causes (got and undici wrap the socket's). */
export function errorCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  let found: string | undefined;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as ErrorShape).code;
    if (typeof code === 'string' && code !== 'ERR_GOT_REQUEST_ERROR') found = code;
    current = (current as ErrorShape).cause;
  }
  return found;
}

/** The host name a failed lookup or connection was for, from the error or its causes (got wraps them). */
function hostnameOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const hostname = (current as ErrorShape).hostname;
    if (typeof hostname === 'string' && hostname) return hostname;
    current = (current as ErrorShape).cause;
  }
  return undefined;
}

/** `127.0.0.1:19999` (`[::1]:19999`) of a refused connection, from the error or its causes. */
function refusedAddressOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { address, port } = current as ErrorShape;
    if (typeof address === 'string' && address && typeof port === 'number') return `${address.includes(':') ? `[${address}]` : address}:${port}`;
    current = (current as ErrorShape).cause;
  }
  return undefined;
}

export function classifyError(err: unknown, context: ClassifyContext = {}): TransferFailure {
  if (err instanceof TransferFailure) return err;
  // Through a proxy: the same rules, applied to what the proxy's connection met, said of the proxy.
  const proxied = proxyErrorIn(err);
  if (proxied) return proxyFailure(proxied, (cause) => classifyError(cause, context));
  const e = (err && typeof err === 'object' ? err : {}) as ErrorShape;
  const detail = e.message ?? String(err);
  const code = errorCodeOf(err) ?? '';
  const host = hostnameOf(err) ?? context.host;
  const fail = (kind: TransferFailure['error']['code'], message: string, retryable: boolean, maxRetries?: number, firstContact?: { retries: number; waitMs: number }) =>
    new TransferFailure({ code: kind, message, retryable }, undefined, maxRetries, firstContact);

  if (code === 'ERR_TOO_MANY_REDIRECTS' || e.name === 'MaxRedirectsError') {
    return fail('REDIRECT', `Too many redirects (the server may be redirecting in a loop): ${detail}`, false);
  }
  if (code === 'ERR_UNSUPPORTED_PROTOCOL' || code === 'ERR_FORBIDDEN_REDIRECT') {
    return fail('REDIRECT', `Redirect refused: ${detail}`, false);
  }
  if (TLS_CERTIFICATE_CODES.has(code)) {
    return fail('NETWORK', `The server's TLS certificate is not trusted${host ? ` for ${host}` : ''} (${code}): ${detail}`, false);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    return fail('NETWORK', `TLS handshake failed${host ? ` with ${host}` : ''} (is it really https?): ${detail}`, false);
  }
  if (NAME_NOT_FOUND_CODES.has(code)) {
    return fail('NETWORK', `Cannot find the server${host ? ` ${host}` : ''}: the host name does not resolve (${code})`, true, NAME_NOT_FOUND_RETRIES);
  }
  if (e.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) {
    const within = context.stallTimeoutMs !== undefined ? ` within ${formatSeconds(context.stallTimeoutMs)}` : ' in time';
    return fail('STALLED', `No answer from the server${within} (${e.event ?? code ?? 'timeout'})`, true);
  }
  if (code === 'ECONNREFUSED') {
    const where = refusedAddressOf(err) ?? host;
    return fail('NETWORK', `Nothing is listening at ${where ?? 'the server'} (connection refused, ECONNREFUSED)`, true, undefined, REFUSED_FIRST_CONTACT);
  }
  if (TRANSIENT_CODES.has(code)) {
    return fail('NETWORK', `Network error: ${detail.includes(code) ? detail : `${code}: ${detail}`}`, true);
  }
  if (DISK_FULL_CODES.has(code)) {
    return fail('DISK_FULL', `Disk full: ${detail}; free some space and resume`, false);
  }
  if (FILE_SYSTEM_CODES.has(code)) {
    return fail('FILE_SYSTEM', `File error: ${detail}`, false);
  }
  // Not known to be transient: fail with the message rather than retry something that may never change.
  return fail('NETWORK', `Network error: ${code && !detail.includes(code) ? `${code}: ` : ''}${detail}`, false);
}

function formatSeconds(ms: number): string {
  return `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}
