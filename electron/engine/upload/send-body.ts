// One HTTP request with a streamed body (raw and multipart share it). got with retries off (the
// engine retries), no redirects followed (a 303 + Location is the server's answer, not a hop; so
// the user's headers reach only the destination they were given for, see origin-headers.ts),
// a stall watchdog while the body goes out and a response timeout once it is out.
import got from 'got';
import type { Agent, IncomingHttpHeaders } from 'node:http';
import type { FormData } from 'formdata-node';
import { gotAgent, proxyRefusal } from '../net/proxy-answer';
import type { AttemptGuard } from './attempt-guard';
import { TransferFailure } from '../types';
import { networkFailure } from './upload-errors';

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** At most the first RESPONSE_BODY_LIMIT bytes, decoded as UTF-8. */
  body: string;
}

export interface SendBodyOptions {
  url: string;
  method: 'PUT' | 'POST';
  headers: Record<string, string>;
  body: NodeJS.ReadableStream | FormData;
  guard: AttemptGuard;
  stallTimeoutMs: number;
  responseTimeoutMs: number;
  /** The attempt's proxy routing (AttemptContext.agent), when one applies. */
  agent?: Agent;
  /** Bytes of the whole request body accepted by the socket so far. */
  onSent?(transferred: number, total: number | undefined): void;
}

/** Enough to show an error excerpt; a server streaming megabytes back must not fill memory. */
const RESPONSE_BODY_LIMIT = 16 * 1024;

export async function sendBody(options: SendBodyOptions): Promise<HttpAnswer> {
  const { guard } = options;
  const stall = guard.watchStall(options.stallTimeoutMs);
  let responseTimer: { stop(): void } | undefined;
  if ('pipe' in options.body) {
    // got pipes a stream body without watching it: a read error must end the attempt, not hang it.
    (options.body as NodeJS.ReadableStream).on('error', (err) => {
      // A failure of the staged copy itself (the source changed, the disk filled) keeps its meaning.
      if (!guard.signal.aborted) guard.fail(err instanceof TransferFailure ? err : networkFailure(err));
    });
  }
  const stream = got.stream(options.url, {
    ...gotAgent(options.agent),
    method: options.method,
    body: options.body as never,
    headers: { 'user-agent': 'Ferry', ...options.headers },
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    signal: guard.signal,
  });
  // Errors surface through the awaits below; this keeps a late second 'error' from crashing the process.
  stream.on('error', () => {});
  stream.on('uploadProgress', (p: { transferred: number; total?: number; percent: number }) => {
    stall.kick();
    options.onSent?.(p.transferred, p.total);
    if (p.percent >= 1 && !responseTimer) {
      // got emits percent 1 once the body is fully written: from here on we wait for an answer.
      stall.stop();
      responseTimer = guard.watchResponse(options.responseTimeoutMs);
    }
  });
  try {
    const response = await new Promise<import('got').Response>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', reject);
    });
    stall.stop();
    const refusal = proxyRefusal(response);
    if (refusal) throw refusal;
    // Some servers answer (e.g. 413) before the body is out; bound the excerpt read as well.
    responseTimer ??= guard.watchResponse(options.responseTimeoutMs);
    const body = await readCapped(stream, RESPONSE_BODY_LIMIT);
    return { status: response.statusCode, statusText: response.statusMessage ?? '', headers: response.headers, body };
  } catch (err) {
    throw guard.failure ?? networkFailure(err);
  } finally {
    stall.stop();
    responseTimer?.stop();
    stream.destroy();
    // got does not tear down a body it stopped reading (a server answering before the body was
    // out, an abort): destroying it here closes the staged copy's file handle now, not at GC.
    if ('pipe' in options.body) (options.body as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }
}

async function readCapped(stream: AsyncIterable<unknown>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buf);
    size += buf.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
