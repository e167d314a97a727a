// One GET through got's stream API, configured for a download manager: raw bytes (no decoding),
// no retries of its own (the engine retries with resume data), bounded waits before the body,
// http/https only, also after redirects, and the user's headers on each hop only where the
// origin rule (origin-headers.ts) allows.
import got, { type Request } from 'got';
import { IncomingMessage, type Agent, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { originAfterHop, type HeaderOrigin } from '../origin-headers';
import { gotAgent, proxyRefusal } from '../net/proxy-answer';
import { failure, networkFailure } from './failures';
import { headersToSend, type DownloadHeaders } from './request-headers';
import type { ResponseFacts } from './response-check';

export const MAX_REDIRECTS = 10;

export interface OpenedResponse {
  stream: Request;
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** URL after redirects. */
  finalUrl: string;
  /** Where the user's headers stand at `finalUrl`: their origin, or null when the redirects left it. */
  headersOrigin: HeaderOrigin;
}

export function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Sends the request and resolves once the final response's headers are in (body not read yet).
 * `agent` routes each request (redirects too) through the attempt's proxy, when one applies.
 */
export function openDownloadStream(
  url: string,
  headers: DownloadHeaders,
  signal: AbortSignal,
  waitLimitMs: number,
  agent?: Agent,
): Promise<OpenedResponse> {
  let givenFor = originAfterHop(headers.givenFor, url);
  const stream = got.stream(url, {
    ...gotAgent(agent),
    headers: headersToSend(url, { ...headers, givenFor }),
    decompress: false,
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: true,
    maxRedirects: MAX_REDIRECTS,
    signal,
    // Each phase before the body is bounded; the body itself is watched by the stall watchdog
    // (a socket idle timeout would fire while we hold reading back for a speed limit).
    timeout: { lookup: waitLimitMs, connect: waitLimitMs, secureConnect: waitLimitMs, send: waitLimitMs, response: waitLimitMs },
    hooks: {
      beforeRedirect: [
        (options) => {
          const target = String(options.url);
          if (!isHttpUrl(target)) {
            throw Object.assign(new Error(`the server redirected to ${target}; only http and https are allowed`), {
              code: 'ERR_FORBIDDEN_REDIRECT',
            });
          }
          // got itself drops only Cookie and Authorization, and only when host or port change.
          givenFor = originAfterHop(givenFor, target);
          replaceUserHeaders(options.headers, target, { ...headers, givenFor });
        },
      ],
    },
  });

  return new Promise<OpenedResponse>((resolve, reject) => {
    const onError = (err: unknown): void => {
      cleanup();
      reject(redirectAwareFailure(err, waitLimitMs));
    };
    const onResponse = (res: { statusCode: number; statusMessage?: string; headers: IncomingHttpHeaders; url: string; req?: unknown }): void => {
      cleanup();
      const refusal = proxyRefusal(res);
      if (refusal) {
        stream.destroy();
        reject(networkFailure(refusal, waitLimitMs));
        return;
      }
      resolve({ stream, status: res.statusCode, statusText: res.statusMessage ?? '', headers: res.headers, finalUrl: res.url, headersOrigin: givenFor });
    };
    const cleanup = (): void => {
      stream.off('error', onError);
      stream.off('response', onResponse);
    };
    // Between the response and the moment the body is piped, an abort (pause, shutdown) makes got
    // emit 'error' with nobody listening, which would crash the process. The body reader sees the
    // error through its own listeners; this one only keeps it from being unhandled.
    stream.on('error', () => undefined);
    stream.once('error', onError);
    stream.once('response', onResponse);
  });
}

/** The next hop's headers: the user's ones taken out, then put back as far as the rule allows. */
function replaceUserHeaders(sent: Record<string, string | string[] | undefined>, target: string, headers: DownloadHeaders): void {
  for (const name of Object.keys(headers.user)) delete sent[name.toLowerCase()];
  for (const [name, value] of Object.entries(headersToSend(target, headers))) sent[name.toLowerCase()] = value;
}

function redirectAwareFailure(err: unknown, waitLimitMs: number) {
  const e = err as { code?: string; message?: string };
  // got wraps errors thrown while following a redirect; the message of ours or of got's URL check survives.
  if (e?.code === 'ERR_FORBIDDEN_REDIRECT' || /Unsupported protocol/i.test(e?.message ?? '')) {
    return failure('REDIRECT', `Redirect refused: ${e.message ?? 'unsupported protocol'}`, false);
  }
  return networkFailure(err, waitLimitMs);
}

/**
 * The body to pump into the file. got hands it on through its own stream (highWaterMark 0, a
 * 'readable' handler, a progress object and event per chunk): about 0.2 s of CPU per GiB, a tenth
 * of a loopback download. Ferry needs none of it (the pump counts bytes, finish() checks the
 * length, the watchdog catches stalls), so once got's 'readable' handler is unhooked Node's
 * response is read directly. got still owns the request: abort by signal, and its 'error' and
 * 'aborted' handlers stay. Falls back to got's stream if the response is not what we expect.
 */
export function responseBody(opened: OpenedResponse): Readable {
  const response = opened.stream.response as unknown;
  if (!(response instanceof IncomingMessage) || response.readableDidRead || response.readableEnded) return opened.stream;
  response.removeAllListeners('readable');
  return response;
}

/** Reads at most `maxBytes` of a (small, error) body for the message, then drops the stream. */
export async function readExcerpt(stream: Request, maxBytes = 1024, timeoutMs = 2000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => stream.destroy(), timeoutMs);
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= maxBytes) break;
    }
  } catch {
    // An excerpt is a courtesy; the status is what matters.
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

/** First value of a response header. */
export function header(opened: Pick<OpenedResponse, 'headers'>, name: string): string | undefined {
  const value = opened.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The parts of a response that decide whether its body may be appended. */
export function responseFacts(opened: OpenedResponse, bodyExcerpt?: string): ResponseFacts {
  return {
    status: opened.status,
    statusText: opened.statusText,
    contentRange: header(opened, 'content-range'),
    contentLength: header(opened, 'content-length'),
    etag: header(opened, 'etag'),
    lastModified: header(opened, 'last-modified'),
    acceptRanges: header(opened, 'accept-ranges'),
    retryAfter: header(opened, 'retry-after'),
    ...(bodyExcerpt !== undefined ? { bodyExcerpt } : {}),
  };
}
