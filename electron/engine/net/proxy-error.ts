// What goes wrong on the way through a proxy, as an error that names the proxy (password masked)
// and keeps the retry rules a server would get: a refused or silent proxy is retried like a
// refused or silent server, a 407 fails like a 401, a CONNECT answered 502/503 retries like one.
import { STATUS_CODES } from 'node:http';
import { httpStatusFailure } from '../retry-policy';
import { TransferFailure } from '../types';

export type ProxyProblem =
  /** The proxy could not be reached or dropped the connection (the cause has the socket's code). */
  | { kind: 'connect'; cause: unknown }
  /** The proxy answered with a status: a CONNECT refused, or a 407 to a forwarded request. */
  | { kind: 'status'; status: number; statusText?: string }
  /** A SOCKS proxy said no (the socks package's message) or did not speak SOCKS. */
  | { kind: 'socks'; message: string }
  /** No answer to the handshake within the bound. */
  | { kind: 'timeout'; ms: number }
  /** The proxy setting itself cannot be used (bad address, stored password gone, PAC answer unusable). */
  | { kind: 'setting'; message: string };

export class ProxyError extends Error {
  readonly code = 'ERR_PROXY';
  constructor(
    /** The proxy as shown to people: password masked. */
    readonly proxy: string,
    readonly problem: ProxyProblem,
    readonly hadCredentials = false,
  ) {
    super(`Proxy ${proxy}: ${problemText(problem)}`);
    this.name = 'ProxyError';
  }
}

/** The ProxyError in an error or its causes (got wraps what the agent threw). */
export function proxyErrorIn(err: unknown): ProxyError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (current instanceof ProxyError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The failure the engine sees. `classify` is the shared classifier, applied to a connection
 * problem's own cause, so a proxy that refuses is retried exactly as a server that refuses.
 */
export function proxyFailure(error: ProxyError, classify: (cause: unknown) => TransferFailure): TransferFailure {
  const named = (message: string) => `Proxy ${error.proxy} ${message}`;
  const { problem } = error;
  switch (problem.kind) {
    case 'status': {
      const base = httpStatusFailure(problem.status, problem.statusText);
      const text = problem.statusText?.trim() || STATUS_CODES[problem.status] || 'Unknown status';
      const why =
        problem.status === 407
          ? error.hadCredentials
            ? ': it refused the user name and password'
            : ': it wants a user name and password (proxy URL user:password@host)'
          : '';
      return new TransferFailure(
        { ...base.error, code: 'PROXY', message: named(`answered ${problem.status} ${text}${why}`) },
        base.retryAfterMs,
      );
    }
    case 'socks': {
      const auth = /auth/i.test(problem.message);
      // "rejected connection - HostUnreachable / ConnectionRefused": the proxy's way to the server failed.
      const onward = /rejected connection/i.test(problem.message);
      const message = auth ? `refused the user name and password (${problem.message})` : `said: ${problem.message}`;
      return new TransferFailure({ code: 'PROXY', message: named(message), retryable: onward });
    }
    case 'timeout':
      return new TransferFailure({ code: 'PROXY', message: named(`did not answer within ${seconds(problem.ms)}`), retryable: true });
    case 'setting':
      return new TransferFailure({ code: 'PROXY', message: `Proxy setting: ${problem.message}`, retryable: false });
    case 'connect': {
      const inner = classify(problem.cause);
      const code = (problem.cause as { code?: unknown } | undefined)?.code;
      const message =
        code === 'ECONNREFUSED'
          ? 'refused the connection (is it running?)'
          : code === 'ENOTFOUND' || code === 'EAI_NONAME'
            ? 'cannot be found: its host name does not resolve'
            : `cannot be used: ${inner.error.message}`;
      return new TransferFailure({ ...inner.error, code: 'PROXY', message: named(message) }, inner.retryAfterMs, inner.maxRetries);
    }
  }
}

function problemText(problem: ProxyProblem): string {
  switch (problem.kind) {
    case 'connect':
      return (problem.cause as Error | undefined)?.message ?? String(problem.cause);
    case 'status':
      return `answered ${problem.status} ${problem.statusText ?? ''}`.trim();
    case 'socks':
    case 'setting':
      return problem.message;
    case 'timeout':
      return `no answer within ${seconds(problem.ms)}`;
  }
}

function seconds(ms: number): string {
  return `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}
