// Joins one attempt to MultiConnection: sizes the .part, builds the ranges (from the response
// that proved range support, or from the resume data), sends every range with If-Range and
// records the ranges at each checkpoint. Every URL of the download (its own and its mirrors) is a
// source with its own final URL, validators and header rule. Kept apart from the single-connection
// path so each of the two ways to receive a file reads on its own.
import { TransferFailure, type SourceFacts } from '../types';
import type { AttemptState } from './attempt-state';
import { connectionCountFor, connectionsAskedFor } from './connection-policy';
import { failure, fileSystemFailure } from './failures';
import { openDownloadStream, type OpenedResponse } from './http-request';
import { RangeSources } from './range-sources';
import { judgeRangeResponse } from './range-verdict';
import { rangeHeaders } from './request-headers';
import { ifRangeValidator } from './response-check';
import { compareSource } from './source-check';
import { followRequest, headersOriginAt, headersOriginOf, requestUrlOf } from './source-facts';
import { SegmentTable } from './segment-table';
import { MultiConnection } from './multi-connection';
import { SEGMENTED_CHECKPOINT_MS, type SegmentSettings } from './worker-settings';

/**
 * Several connections into the one .part (see MultiConnection). `first` is the response that
 * proved range support, continued as the first connection; without it the ranges come from the
 * resume data. Resolves 'done' with every byte durable, or 'aborted'.
 */
export async function receiveSegmented(
  state: AttemptState,
  settings: SegmentSettings,
  first: { opened: OpenedResponse; source: SourceFacts } | undefined,
  signal: AbortSignal,
  /** Told, at every checkpoint, where the contiguous durable prefix from byte 0 ends (prefix-hasher.ts). */
  durablePrefix?: (end: number) => void,
): Promise<'done' | 'aborted'> {
  const { ctx, facts, request } = state;
  const total = facts.totalBytes!;
  const writer = state.writer!;
  const handle = writer.fileHandle;
  let table: SegmentTable;
  if (first) {
    const offset = writer.start;
    try {
      await handle.truncate(total); // the full size up front: every range writes at its offset
    } catch (err) {
      first.opened.stream.destroy();
      throw fileSystemFailure(err, facts.partPath ?? '');
    }
    table = SegmentTable.fresh(total, offset, settings.minSplitBytes);
  } else {
    table = SegmentTable.fromResume(facts.segments!, total, settings.minSplitBytes);
  }
  // Each source straight to where its redirects ended, with the user's headers only if it is on
  // the origin they were given for and its redirects stayed there (source-facts.ts).
  const headersOrigin = headersOriginOf(request);
  const sources = new RangeSources(
    () => {
      // Mirrors added or taken away while this attempt runs (state.request is the record's, live).
      followRequest(facts.sources, state.request);
      return facts.sources;
    },
    (level, message) => ctx.log(level, message),
  );
  const download = new MultiConnection({
    handle,
    total,
    table,
    sources,
    ...(first ? { first } : {}),
    openRange: (source, start, end, s) =>
      openDownloadStream(requestUrlOf(source), rangeHeaders(state.headers, headersOriginAt(source, headersOrigin), start, end, ifRangeValidator(source)!), s, ctx.stallTimeoutMs, ctx.agent),
    judge: (source, opened, start) => judgeRangeResponse(opened, { offset: start, knownTotal: total, etag: source.etag, lastModified: source.lastModified }),
    check: (source, written, s) =>
      compareSource({ source, handle, written, total, headers: state.headers, headersOrigin, signal: s, stallTimeoutMs: ctx.stallTimeoutMs, ...(ctx.agent ? { agent: ctx.agent } : {}) }),
    maxConnections: connectionCountFor(request, settings),
    connectionsAsked: connectionsAskedFor(request),
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
      // Ranges come merged where the left one is complete: the first one's bytes are the prefix.
      if (ranges[0]?.start === 0) durablePrefix?.(ranges[0].done);
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
