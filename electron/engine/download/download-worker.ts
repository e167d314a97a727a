// The download worker: one attempt = one GET (two when a 416 forces a fresh start), streamed
// into the .part file with resume data kept true at every moment. The engine owns states,
// retries and speed limits; this file only moves bytes and reports facts.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DownloadDetails, TransferView } from '../../../shared/transfer';
import { createStallWatchdog } from '../stall-watchdog';
import type { AttemptContext, AttemptResult, TransferWorker } from '../types';
import { TransferFailure } from '../types';
import { DurableCheckpointer, pumpBody } from './body-pump';
import { failure, fileSystemFailure, isFileSystemError, networkFailure, stalledFailure } from './failures';
import { MAX_NAME_BYTES, safeFileName, suggestedFileName } from './filename';
import { header, isHttpUrl, openDownloadStream, readExcerpt, responseBody, responseFacts, type OpenedResponse } from './http-request';
import { checkpointPatch, detailsFromRecord, factsFromRecord, type DownloadFacts } from './download-state';
import {
  createPartFile,
  findFinishedByInode,
  moveToFreeName,
  PART_SUFFIX,
  PartWriter,
  removeIfExists,
  reopenPartFile,
  sha256OfFile,
} from './part-file';
import { checkResponse, ifRangeValidator } from './response-check';
import { markFromInternet, referrerOf } from './origin-mark';
import type { HostConnectionPool } from './host-pool';
import { judgeRangeResponse } from './range-verdict';
import { coversExactly, liveFromResume, type LiveSegment } from './segment-plan';
import { SegmentedDownload } from './segmented-download';
import { clampConnections, SEGMENTED_CHECKPOINT_MS, segmentSettingsFrom, type DownloadWorkerOptions, type SegmentSettings } from './worker-settings';
import { open, type FileHandle } from 'node:fs/promises';
import { serverDigestOf, verifyServerDigest, WANT_REPR_DIGEST, type ServerDigest } from './server-digest';

export { DEFAULT_CONNECTIONS, MAX_CONNECTIONS, type DownloadWorkerOptions } from './worker-settings';

/** Room for ".part" so the partial file's name also fits in 255 bytes. */
const NAME_BYTES = MAX_NAME_BYTES - PART_SUFFIX.length;

export interface DownloadWorker extends TransferWorker {
  /** Default connections per download, for the next attempts. */
  setConnections(count: number): void;
  readonly pool: HostConnectionPool;
}

export function createDownloadWorker(options: DownloadWorkerOptions = {}): DownloadWorker {
  const settings = segmentSettingsFrom(options);
  return {
    pool: settings.pool,
    setConnections(count) {
      settings.connections = clampConnections(count);
    },
    attempt: async (ctx) => new DownloadAttempt(ctx, settings).run(),
    async discard(record, { deleteFinishedFile }) {
      const resume = record.resume.kind === 'download' ? record.resume : undefined;
      await removeIfExists(resume?.partPath);
      if (deleteFinishedFile) await removeIfExists(record.view.download?.filePath);
    },
  };
}

class DownloadAttempt {
  private readonly facts: DownloadFacts;
  private details: DownloadDetails;
  private writer: PartWriter | undefined;
  private readonly stall = new AbortController();
  /** Set when the finished file is found under its final name although the record still says .part. */
  private recoveredPath: string | undefined;
  /** Repr-Digest / Digest of the response whose bytes complete the file. */
  private serverDigest: ServerDigest | undefined;

  /** The .part holds several ranges (from the resume data) that continue where each stopped. */
  private resumeSegmented = false;
  private readonly checkpointIntervalMs: number;

  constructor(
    private readonly ctx: AttemptContext,
    private readonly segmentSettings: SegmentSettings,
  ) {
    this.checkpointIntervalMs = segmentSettings.checkpointIntervalMs;
    if (ctx.record.request.kind !== 'download') throw failure('INTERNAL', 'download worker got a non-download transfer', false);
    this.facts = factsFromRecord(ctx.record);
    this.details = detailsFromRecord(ctx.record);
  }

  private get request() {
    const r = this.ctx.record.request;
    if (r.kind !== 'download') throw failure('INTERNAL', 'not a download', false);
    return r.download;
  }

  async run(): Promise<AttemptResult> {
    const { url } = this.request;
    if (!isHttpUrl(url)) throw failure('UNSUPPORTED_URL', `Only http and https URLs can be downloaded: ${url}`, false);
    if (this.ctx.signal.aborted) return { outcome: 'aborted' };
    const signal = AbortSignal.any([this.ctx.signal, this.stall.signal]);
    try {
      await this.openExistingPart();
      if (this.recoveredPath) return await this.completeRecovered(this.recoveredPath);
      if (this.resumeSegmented) return await this.receiveSegmented(undefined, signal);
      // At most two requests: a 416 that does not prove completion restarts from byte 0 once.
      for (let round = 0; round < 2; round++) {
        const opened = await this.request_(signal);
        const outcome = await this.handleResponse(opened, signal);
        if (outcome) return outcome;
      }
      throw failure('RESPONSE_MISMATCH', 'Server keeps refusing the range request (416)', true);
    } catch (err) {
      // Awaited here, not returned: the finally below must not leave the rejection unhandled.
      return await this.settleError(err);
    } finally {
      await this.writer?.close();
    }
  }

  /** Continue only from a .part we can trust: recorded offset and a validator for If-Range. */
  private async openExistingPart(): Promise<void> {
    const { partPath } = this.facts;
    if (!partPath) {
      this.recoveredPath = await this.finishedFileOnRecord();
      return;
    }
    if (this.facts.segments) {
      if (await this.openSegmentedPart(partPath)) return;
    }
    const trusted = this.facts.done > 0 && ifRangeValidator(this.facts) !== undefined ? this.facts.done : 0;
    try {
      const { handle, offset } = await reopenPartFile(partPath, trusted);
      this.writer = new PartWriter(handle, offset);
      this.facts.done = offset;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemFailure(err, partPath);
      const { totalBytes, done, partInode } = this.facts;
      if (partInode !== undefined && totalBytes !== null && done === totalBytes && this.details.fileName) {
        this.recoveredPath = await findFinishedByInode(this.details.directory, this.details.fileName, partInode, totalBytes);
        if (this.recoveredPath) return;
      }
      this.facts.partPath = undefined; // vanished: start over under a fresh .part
      this.facts.done = 0;
    }
  }

  /**
   * A segmented .part is trusted only whole: the ranges cover the file, a validator exists and the
   * file has the full size. Otherwise it is emptied and the download starts over.
   */
  private async openSegmentedPart(partPath: string): Promise<boolean> {
    const segments = this.facts.segments!;
    const total = this.facts.totalBytes;
    let handle: FileHandle;
    try {
      handle = await open(partPath, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileSystemFailure(err, partPath);
      this.facts.segments = undefined;
      return false; // the caller's ENOENT path starts over
    }
    const size = (await handle.stat()).size;
    if (total !== null && size === total && ifRangeValidator(this.facts) !== undefined && coversExactly(segments, total)) {
      this.writer = new PartWriter(handle, 0);
      this.resumeSegmented = true;
      return true;
    }
    this.ctx.log('warn', 'The partial file does not match its resume data; starting over');
    await handle.truncate(0);
    this.writer = new PartWriter(handle, 0);
    this.facts.segments = undefined;
    this.facts.done = 0;
    return true;
  }

  private get connectionCount(): number {
    return clampConnections(this.request.connections ?? this.segmentSettings.connections);
  }

  /** Several connections only for a big enough file whose server says it serves ranges. */
  private shouldSegment(totalBytes: number | null, rangesOffered: boolean): totalBytes is number {
    return (
      rangesOffered &&
      totalBytes !== null &&
      this.connectionCount > 1 &&
      totalBytes >= 2 * this.segmentSettings.minSplitBytes &&
      ifRangeValidator(this.facts) !== undefined
    );
  }

  /**
   * Killed after finish() checkpointed the final name but before the engine saved "completed":
   * the record already names the file. Ours only if it is still the .part's inode, whole.
   */
  private async finishedFileOnRecord(): Promise<string | undefined> {
    const { filePath } = this.details;
    const { partInode, totalBytes, done } = this.facts;
    if (!filePath || partInode === undefined || totalBytes === null || done !== totalBytes) return undefined;
    const found = await stat(filePath).catch(() => undefined);
    return found?.ino === partInode && found.size === totalBytes ? filePath : undefined;
  }

  private request_(signal: AbortSignal): Promise<OpenedResponse> {
    const offset = this.writer?.start ?? 0;
    const headers = this.baseHeaders();
    const validator = ifRangeValidator(this.facts);
    if (offset > 0 && validator) {
      headers.range = `bytes=${offset}-`;
      headers['if-range'] = validator;
    }
    return openDownloadStream(this.request.url, headers, signal, this.ctx.stallTimeoutMs);
  }

  private baseHeaders(): Record<string, string> {
    // The worker alone decides ranges and encodings: the bytes on disk must be exactly the resource.
    // Every request asks for the representation's digest (RFC 9530): a range's answer carries it too.
    const headers: Record<string, string> = { 'accept-encoding': 'identity', 'want-repr-digest': WANT_REPR_DIGEST };
    for (const [name, value] of Object.entries(this.request.headers ?? {})) {
      if (!/^(range|if-range|accept-encoding)$/i.test(name)) headers[name] = value;
    }
    return headers;
  }

  /** Returns the attempt's result, or undefined to send the request again from byte 0. */
  private async handleResponse(opened: OpenedResponse, signal: AbortSignal): Promise<AttemptResult | undefined> {
    const offset = this.writer?.start ?? 0;
    const ok = opened.status >= 200 && opened.status < 300;
    const excerpt = ok || opened.status === 416 ? undefined : await readExcerpt(opened.stream);
    const decision = checkResponse(
      { offset, knownTotal: this.facts.totalBytes, etag: this.facts.etag, lastModified: this.facts.lastModified },
      responseFacts(opened, excerpt),
    );
    this.serverDigest = serverDigestOf((name) => header(opened, name));
    switch (decision.action) {
      case 'fail':
        opened.stream.destroy();
        throw decision.failure;
      case 'mismatch':
        opened.stream.destroy();
        await this.resetToZero();
        throw failure('RESPONSE_MISMATCH', `${decision.message}; starting over`, offset > 0);
      case 'check-size': {
        opened.stream.destroy();
        const total = decision.totalBytes;
        if (total !== null && total === offset && (this.facts.totalBytes ?? total) === total) {
          this.facts.totalBytes = total;
          return this.finish(undefined, signal);
        }
        this.ctx.log('warn', `Server says the range is past the end (${total ?? 'unknown'} bytes); starting over`);
        await this.resetToZero();
        return undefined;
      }
      case 'restart':
        if (offset > 0) this.ctx.log('info', `Starting over from byte 0: ${decision.reason}`);
        this.details = { ...this.details, resumable: decision.resumable };
        await this.adoptResponse(opened, decision.totalBytes, 0);
        if (this.shouldSegment(decision.totalBytes, decision.resumable)) return this.receiveSegmented(opened, signal);
        return this.receive(opened, signal);
      case 'append':
        this.details = { ...this.details, resumable: true };
        await this.adoptResponse(opened, decision.totalBytes, offset);
        if (this.shouldSegment(decision.totalBytes, true)) return this.receiveSegmented(opened, signal);
        return this.receive(opened, signal);
    }
  }

  /** Records validators, size, final URL and the name; creates or truncates the .part to `offset`. */
  private async adoptResponse(opened: OpenedResponse, totalBytes: number | null, offset: number): Promise<void> {
    this.facts.etag = header(opened, 'etag');
    this.facts.lastModified = header(opened, 'last-modified');
    this.facts.totalBytes = totalBytes;
    this.facts.finalUrl = opened.finalUrl;
    try {
      if (!this.writer) {
        // The name is settled when the .part is created; later responses never rename it.
        const raw = this.request.fileName ?? suggestedFileName(header(opened, 'content-disposition'), opened.finalUrl);
        this.details = { ...this.details, fileName: safeFileName(raw, NAME_BYTES) };
        const { partPath, handle } = await createPartFile(this.details.directory, this.details.fileName);
        this.facts.partPath = partPath;
        this.facts.partInode = (await handle.stat()).ino;
        this.writer = new PartWriter(handle, 0);
      } else if (offset !== this.writer.start) {
        await this.writer.truncate(offset);
      }
    } catch (err) {
      throw fileSystemFailure(err, this.facts.partPath ?? this.details.directory);
    }
    this.facts.done = offset;
    await this.checkpoint();
    this.ctx.progress(offset, totalBytes);
  }

  private async receive(opened: OpenedResponse, signal: AbortSignal): Promise<AttemptResult> {
    const writer = this.writer!;
    const sha256 = this.request.sha256;
    const hash = sha256 && writer.start === 0 ? createHash('sha256') : undefined;
    const checkpointer = new DurableCheckpointer(
      writer,
      async (offset) => {
        this.facts.done = offset;
        await this.checkpoint();
      },
      this.checkpointIntervalMs,
    );
    let throttling = false;
    const watchdog = createStallWatchdog(this.ctx.stallTimeoutMs, () => this.stall.abort());
    const holdOff = setInterval(() => throttling && watchdog.kick(), 100);
    const total = this.facts.totalBytes;
    try {
      await pumpBody({
        source: responseBody(opened),
        writer,
        signal,
        throttle: (bytes, s) => this.ctx.throttle(bytes, s),
        onThrottleWait: (waiting) => {
          throttling = waiting;
        },
        onBytes: (received) => {
          watchdog.kick();
          this.ctx.progress(received, total);
        },
        hash,
        checkpointer,
      });
    } catch (err) {
      // Whatever stopped us, what reached the disk is real progress: make it durable and record it.
      await checkpointer.flush().catch(() => undefined);
      throw err;
    } finally {
      watchdog.stop();
      clearInterval(holdOff);
    }
    try {
      await checkpointer.flush();
    } catch (err) {
      throw fileSystemFailure(err, this.facts.partPath ?? '');
    }
    return this.finish(hash?.digest('hex'), signal);
  }

  /**
   * Several connections into the one .part (see SegmentedDownload). `first` is the response that
   * proved range support, continued as the first connection; without it the ranges come from the
   * resume data.
   */
  private async receiveSegmented(first: OpenedResponse | undefined, signal: AbortSignal): Promise<AttemptResult> {
    const total = this.facts.totalBytes!;
    const writer = this.writer!;
    const handle = writer.fileHandle;
    let segments: LiveSegment[];
    if (first) {
      const offset = writer.start;
      try {
        await handle.truncate(total); // the full size up front: every range writes at its offset
      } catch (err) {
        first.stream.destroy();
        throw fileSystemFailure(err, this.facts.partPath ?? '');
      }
      segments = [{ start: 0, end: total, issued: offset, written: offset, durable: offset, busy: false, speed: 0 }];
    } else {
      segments = liveFromResume(this.facts.segments!, total);
    }
    const url = this.facts.finalUrl ?? this.request.url;
    const download = new SegmentedDownload({
      handle,
      total,
      segments,
      ...(first ? { first: { opened: first, segment: segments[0]! } } : {}),
      openRange: (start, end, s) => openDownloadStream(url, this.rangeHeaders(start, end), s, this.ctx.stallTimeoutMs),
      judge: (opened, start) => judgeRangeResponse(opened, { offset: start, knownTotal: total, etag: this.facts.etag, lastModified: this.facts.lastModified }),
      maxConnections: this.connectionCount,
      connectionsAsked: this.request.connections !== undefined,
      minSplit: this.segmentSettings.minSplitBytes,
      host: hostOf(url),
      pool: this.segmentSettings.pool,
      signal,
      stallTimeoutMs: this.ctx.stallTimeoutMs,
      // More connections put more bytes at risk per second: record them more often.
      checkpointIntervalMs: Math.min(this.checkpointIntervalMs, SEGMENTED_CHECKPOINT_MS),
      throttle: (bytes, s) => this.ctx.throttle(bytes, s),
      progress: (written) => this.ctx.progress(written, total),
      record: async (ranges, connections) => {
        this.facts.segments = ranges;
        this.facts.connections = connections;
        this.facts.done = ranges[0]?.done ?? 0;
        await this.checkpoint();
      },
      log: (level, message) => this.ctx.log(level, message),
    });
    try {
      await download.run();
    } catch (err) {
      if (err instanceof TransferFailure && err.error.code === 'RESPONSE_MISMATCH' && !signal.aborted) {
        await this.resetToZero();
        throw failure('RESPONSE_MISMATCH', `${err.error.message}; starting over`, true);
      }
      throw err;
    }
    if (signal.aborted) return { outcome: 'aborted' };
    this.facts.segments = undefined;
    this.facts.connections = undefined;
    this.facts.done = total;
    return this.finish(undefined, signal);
  }

  /** Headers for one range of a segmented download: always with If-Range. */
  private rangeHeaders(start: number, endExclusive: number): Record<string, string> {
    const headers = this.baseHeaders();
    headers.range = `bytes=${start}-${endExclusive - 1}`;
    headers['if-range'] = ifRangeValidator(this.facts)!;
    return headers;
  }

  /** Verifies length and checksum, then moves the .part to a free final name. */
  private async finish(digest: string | undefined, signal: AbortSignal): Promise<AttemptResult> {
    const done = this.facts.done;
    const total = this.facts.totalBytes;
    if (total !== null && done < total) {
      throw failure('NETWORK', `Connection closed after ${done} of ${total} bytes`, true);
    }
    if (total !== null && done > total) {
      await this.discardPart();
      throw failure('SIZE_MISMATCH', `Server sent ${done} bytes but announced ${total}`, false);
    }
    this.facts.totalBytes = done;
    const partPath = this.facts.partPath!;
    const expected = this.request.sha256?.toLowerCase();
    if (expected) {
      const actual = digest ?? (await sha256OfFile(partPath, signal));
      if (actual !== expected) {
        await this.discardPart();
        throw failure('CHECKSUM_MISMATCH', `SHA-256 mismatch: expected ${expected}, got ${actual}; the file was discarded`, false);
      }
    }
    await verifyServerDigest(partPath, this.serverDigest, signal);
    await this.writer?.close();
    this.writer = undefined;
    await markFromInternet(partPath, { url: this.facts.finalUrl ?? this.request.url, referrer: referrerOf(this.request.headers) });
    let finalPath: string;
    try {
      finalPath = await moveToFreeName(partPath, this.details.directory, this.details.fileName);
    } catch (err) {
      throw fileSystemFailure(err, partPath);
    }
    const fileName = path.basename(finalPath);
    this.details = { ...this.details, fileName, filePath: finalPath };
    this.facts.partPath = undefined;
    await this.checkpoint();
    this.ctx.progress(done, done);
    const patch: Partial<TransferView> = { name: fileName, download: this.details };
    return { outcome: 'completed', patch };
  }

  /** Forget the bytes we have: the next request starts from 0 and nothing old is ever appended. */
  /** The last run renamed the finished file but died before recording it: record it now. */
  private async completeRecovered(finalPath: string): Promise<AttemptResult> {
    const fileName = path.basename(finalPath);
    this.details = { ...this.details, fileName, filePath: finalPath };
    this.facts.partPath = undefined;
    this.ctx.log('info', `Found the finished file as ${fileName}; nothing left to download`);
    await this.checkpoint();
    this.ctx.progress(this.facts.done, this.facts.done);
    return { outcome: 'completed', patch: { name: fileName, download: this.details } };
  }

  private async resetToZero(): Promise<void> {
    if (this.writer) await this.writer.truncate(0).catch(() => undefined);
    else await removeIfExists(this.facts.partPath).catch(() => undefined);
    if (!this.writer) this.facts.partPath = undefined;
    this.facts.done = 0;
    this.facts.segments = undefined;
    this.facts.connections = undefined;
    this.facts.etag = undefined;
    this.facts.lastModified = undefined;
    this.facts.totalBytes = null;
    await this.checkpoint();
  }

  /** After a final verdict against the bytes (wrong size or checksum): no partial file is left behind. */
  private async discardPart(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
    await this.resetToZero();
  }

  private async settleError(err: unknown): Promise<AttemptResult> {
    if (this.ctx.signal.aborted) return { outcome: 'aborted' };
    if (this.stall.signal.aborted) {
      throw stalledFailure(this.ctx.stallTimeoutMs);
    }
    if (err instanceof TransferFailure) throw err;
    if (isFileSystemError(err)) throw fileSystemFailure(err, this.facts.partPath ?? this.details.directory);
    throw networkFailure(err, this.ctx.stallTimeoutMs);
  }

  private async checkpoint(): Promise<void> {
    await this.ctx.checkpoint(checkpointPatch(this.request.url, this.facts, this.details));
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
