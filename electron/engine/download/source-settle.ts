// The single-connection side of a download with several URLs (its own, mirrors, a new address):
// the first URL not dropped is asked; one whose bytes were never compared with the .part's is
// compared first (source-check.ts), and kept, dropped while a URL that wrote the bytes remains,
// or, being the only one, made to start the download over, saying why. A URL that refuses
// (refused, 403, 404, 5xx) is dropped while others remain. Kept apart from the worker, which
// judges the response that comes back.
import { httpStatusFailure } from '../retry-policy';
import { TransferFailure, type SourceFacts } from '../types';
import type { AttemptState } from './attempt-state';
import { writtenRanges } from './download-facts';
import { networkFailure } from './failures';
import { header, openDownloadStream, readExcerpt, type OpenedResponse } from './http-request';
import { resumeHeaders } from './request-headers';
import { ifRangeValidator } from './response-check';
import { compareSource } from './source-check';
import { currentSource, headersOriginOf } from './source-facts';

/**
 * Makes sure the URL about to be asked may continue the bytes on disk. Returns false when the
 * bytes on disk were given up (the download starts over from that URL).
 */
export async function settleSource(state: AttemptState, signal: AbortSignal): Promise<boolean> {
  const { facts, ctx } = state;
  for (;;) {
    const source = currentSource(facts.sources);
    if (source.verified) return true;
    const written = writtenRanges(facts);
    if (written.length === 0 || !state.writer || facts.totalBytes === null) {
      // Nothing to compare with: this URL's answer makes the file.
      source.verified = true;
      return true;
    }
    const verdict = await compareSource({
      source,
      handle: state.writer.fileHandle,
      written,
      total: facts.totalBytes,
      headers: state.headers,
      headersOrigin: headersOriginOf(state.request),
      signal,
      stallTimeoutMs: ctx.stallTimeoutMs,
      ...(ctx.agent ? { agent: ctx.agent } : {}),
    });
    if (signal.aborted) throw new Error('stopped while comparing');
    if (verdict.kind === 'same') {
      const bytes = written.reduce((sum, [s, e]) => sum + (e - s), 0);
      ctx.log('info', `${source.url} serves the same file: its bytes agree with the ${bytes} bytes already downloaded, which are kept`);
      await state.checkpoint();
      return true;
    }
    if (verdict.kind === 'failed') {
      if (dropSource(state, source, verdict.failure.error.message)) continue;
      throw verdict.failure;
    }
    if (facts.sources.some((s) => s !== source && s.verified && s.dropped === undefined) && dropSource(state, source, verdict.reason)) continue;
    ctx.log('warn', `Starting over from byte 0: ${source.url}: ${verdict.reason}`);
    await state.resetToZero();
    source.verified = true;
    return false;
  }
}

/** A URL that fails is dropped for this transfer while another remains; returns whether it was. */
export function dropSource(state: AttemptState, source: SourceFacts, reason: string): boolean {
  if (!state.facts.sources.some((s) => s !== source && s.dropped === undefined)) return false;
  source.dropped = reason;
  state.ctx.log('warn', `${source.url} is not used any more for this download: ${reason}`);
  return true;
}

/** Sends the request; a URL that does not answer with the file (refused, 403, 404, 5xx) is `refused`. */
export async function askSource(state: AttemptState, source: SourceFacts, signal: AbortSignal): Promise<{ opened: OpenedResponse } | { refused: TransferFailure }> {
  const { ctx } = state;
  const offset = state.writer?.start ?? 0;
  const headers = resumeHeaders(state.headers, headersOriginOf(state.request), offset, ifRangeValidator(source));
  let opened: OpenedResponse;
  try {
    opened = await openDownloadStream(source.url, headers, signal, ctx.stallTimeoutMs, ctx.agent);
  } catch (err) {
    if (signal.aborted) throw err;
    const refused = err instanceof TransferFailure ? err : networkFailure(err, ctx.stallTimeoutMs);
    // The proxy's failure is not the URL's: nothing is dropped for it.
    if (refused.error.code === 'PROXY') throw refused;
    return { refused };
  }
  if ((opened.status >= 200 && opened.status < 300) || (opened.status === 416 && offset > 0)) return { opened };
  const excerpt = await readExcerpt(opened.stream);
  return { refused: httpStatusFailure(opened.status, opened.statusText, header(opened, 'retry-after'), excerpt) };
}
