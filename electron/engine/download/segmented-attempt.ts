// Joins one attempt to SegmentedDownload: sizes the .part, builds the ranges (from the response
// that proved range support, or from the resume data), sends every range with If-Range and
// records the ranges at each checkpoint. Kept apart from the single-connection path so each of
// the two ways to receive a file reads on its own.
import { TransferFailure } from '../types';
import type { AttemptState } from './attempt-state';
import { connectionCountFor, connectionsAskedFor } from './connection-policy';
import { failure, fileSystemFailure } from './failures';
import { openDownloadStream, type OpenedResponse } from './http-request';
import { judgeRangeResponse } from './range-verdict';
import { rangeHeaders } from './request-headers';
import { headersOriginAtFinalUrl } from './download-state';
import { ifRangeValidator } from './response-check';
import { liveFromResume, type LiveSegment } from './segment-plan';
import { SegmentedDownload } from './segmented-download';
import { SEGMENTED_CHECKPOINT_MS, type SegmentSettings } from './worker-settings';

/**
 * Several connections into the one .part (see SegmentedDownload). `first` is the response that
 * proved range support, continued as the first connection; without it the ranges come from the
 * resume data. Resolves 'done' with every byte durable, or 'aborted'.
 */
export async function receiveSegmented(
  state: AttemptState,
  settings: SegmentSettings,
  first: OpenedResponse | undefined,
  signal: AbortSignal,
): Promise<'done' | 'aborted'> {
  const { ctx, facts, request } = state;
  const total = facts.totalBytes!;
  const writer = state.writer!;
  const handle = writer.fileHandle;
  let segments: LiveSegment[];
  if (first) {
    const offset = writer.start;
    try {
      await handle.truncate(total); // the full size up front: every range writes at its offset
    } catch (err) {
      first.stream.destroy();
      throw fileSystemFailure(err, facts.partPath ?? '');
    }
    segments = [{ start: 0, end: total, issued: offset, written: offset, durable: offset, busy: false, speed: 0 }];
  } else {
    segments = liveFromResume(facts.segments!, total);
  }
  // Straight to where the redirects ended, with the user's headers only if they reached it too.
  const url = facts.finalUrl ?? request.url;
  const givenFor = headersOriginAtFinalUrl(facts, request.url);
  const download = new SegmentedDownload({
    handle,
    total,
    segments,
    ...(first ? { first: { opened: first, segment: segments[0]! } } : {}),
    openRange: (start, end, s) => openDownloadStream(url, rangeHeaders(state.headers, givenFor, start, end, ifRangeValidator(facts)!), s, ctx.stallTimeoutMs, ctx.agent),
    judge: (opened, start) => judgeRangeResponse(opened, { offset: start, knownTotal: total, etag: facts.etag, lastModified: facts.lastModified }),
    maxConnections: connectionCountFor(request, settings),
    connectionsAsked: connectionsAskedFor(request),
    minSplit: settings.minSplitBytes,
    host: hostOf(url),
    pool: settings.pool,
    signal,
    stallTimeoutMs: ctx.stallTimeoutMs,
    // More connections put more bytes at risk per second: record them more often.
    checkpointIntervalMs: Math.min(settings.checkpointIntervalMs, SEGMENTED_CHECKPOINT_MS),
    throttle: (bytes, s) => ctx.throttle(bytes, s),
    progress: (written) => ctx.progress(written, total),
    record: async (ranges, connections) => {
      facts.segments = ranges;
      facts.connections = connections;
      facts.done = ranges[0]?.done ?? 0;
      await state.checkpoint();
    },
    log: (level, message) => ctx.log(level, message),
  });
  try {
    await download.run();
  } catch (err) {
    if (err instanceof TransferFailure && err.error.code === 'RESPONSE_MISMATCH' && !signal.aborted) {
      await state.resetToZero();
      throw failure('RESPONSE_MISMATCH', `${err.error.message}; starting over`, true);
    }
    throw err;
  }
  if (signal.aborted) return 'aborted';
  facts.segments = undefined;
  facts.connections = undefined;
  facts.done = total;
  return 'done';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
