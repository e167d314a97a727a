// The download worker: one attempt = one GET (two when a 416 forces a fresh start), streamed
// into the .part file with resume data kept true at every moment. The engine owns states,
// retries and speed limits; this file only moves bytes and reports facts. It judges each
// response and chooses the path; reopening the .part (part-reopen), receiving (single-connection,
// segmented-attempt) and finishing (finish-download) live beside it. A download with several URLs
// (mirrors, a replaced address) asks the first one not dropped; one that refuses is dropped while
// others remain, and one whose bytes were never compared with the .part's is compared first.
import type { AttemptContext, AttemptResult, FolderChooser, TransferWorker } from '../types';
import { TransferFailure } from '../types';
import { AttemptState } from './attempt-state';
import { connectionCountFor, shouldSegment } from './connection-policy';
import { checkDownloadFolder } from './folder-policy';
import { failure, fileSystemFailure, isFileSystemError, networkFailure, stalledFailure } from './failures';
import { MAX_NAME_BYTES, safeFileName, suggestedFileName } from './filename';
import { completeRecovered, finishDownload } from './finish-download';
import type { HostConnectionPool } from './host-pool';
import { header, isHttpUrl, readExcerpt, responseFacts, type OpenedResponse } from './http-request';
import { adoptPart, partIdentityOf } from './download-facts';
import { createPartFile, PART_SUFFIX, PartWriter, removeIfExists } from './part-file';
import { unsealHeaders } from '../download-header-secrets';
import type { SecretsProvider } from '../secrets';
import type { SourceFacts } from '../types';
import { identityOf, removeOwnPart } from './part-identity';
import { reopenPart } from './part-reopen';
import { checkResponse, ifRangeValidator } from './response-check';
import { PrefixHasher } from './prefix-hasher';

import { receiveSegmented } from './segmented-attempt';
import { currentSource } from './source-facts';
import { askSource, dropSource, settleSource } from './source-settle';
import { serverDigestOf, type ServerDigest } from './server-digest';
import { receiveSingle } from './single-connection';
import { manifestInFile } from '../stream/manifest-sniff';
import { createStreamWorker, type StreamWorker } from '../stream/stream-worker';
import { clampConnections, segmentSettingsFrom, type DownloadWorkerOptions, type SegmentSettings } from './worker-settings';

/** Up to this size a single-connection download is hashed on the main thread, in the stream. */
const SMALL_FILE_BYTES = 8 * 1024 * 1024;

export { DEFAULT_CONNECTIONS, MAX_CONNECTIONS, type DownloadWorkerOptions } from './worker-settings';

/** Room for ".part" so the partial file's name also fits in 255 bytes. */
const NAME_BYTES = MAX_NAME_BYTES - PART_SUFFIX.length;

/** The name a download asked to be saved as gets on disk (before a `(1)` for a name taken): room kept for `.part`. */
export function savedFileName(raw: string | undefined): string {
  return safeFileName(raw, NAME_BYTES);
}

export interface DownloadWorker extends TransferWorker {
  /** Default connections per download, for the next attempts. */
  setConnections(count: number): void;
  readonly pool: HostConnectionPool;
}

export function createDownloadWorker(options: DownloadWorkerOptions = {}): DownloadWorker {
  const settings = segmentSettingsFrom(options);
  // A URL may turn out to be a video stream (HLS/DASH): that worker shares the host budget.
  const streams = createStreamWorker({
    settings,
    ...(options.ffmpeg !== undefined ? { ffmpeg: options.ffmpeg } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  return {
    pool: settings.pool,
    setConnections(count) {
      settings.connections = clampConnections(count);
    },
    attempt: async (ctx) =>
      streams.owns(ctx.record) ? streams.attempt(ctx) : new DownloadAttempt(ctx, settings, options.secrets, streams, options.folderFor, options.fileSha256 ?? true).run(),
    async discard(record, { deleteFinishedFile }) {
      const resume = record.resume.kind === 'download' ? record.resume : undefined;
      // Only Ferry's own .part: a link or file someone put under its name is not Ferry's to delete.
      await removeOwnPart(resume?.partPath, resume && partIdentityOf(resume));
      await streams.discard(record);
      if (deleteFinishedFile) await removeIfExists(record.transfer.download?.filePath);
    },
  };
}

class DownloadAttempt {
  private readonly state: AttemptState;
  private readonly stall = new AbortController();
  /** Repr-Digest / Digest of the response whose bytes complete the file. */
  private serverDigest: ServerDigest | undefined;
  /** Content-Type of the response whose bytes fill the .part (a manifest is recognised by it). */
  private contentType: string | undefined;

  constructor(
    private readonly ctx: AttemptContext,
    private readonly segmentSettings: SegmentSettings,
    private readonly secrets: SecretsProvider | undefined,
    private readonly streams: StreamWorker,
    private readonly folderFor: FolderChooser | undefined,
    /** Record the finished file's SHA-256 (DownloadWorkerOptions.fileSha256). */
    private readonly fileSha256: boolean,
  ) {
    this.state = new AttemptState(ctx);
  }

  private get facts() {
    return this.state.facts;
  }

  private get request() {
    return this.state.request;
  }

  async run(): Promise<AttemptResult> {
    const { url } = this.request;
    if (!isHttpUrl(url)) throw failure('UNSUPPORTED_URL', `Only http and https URLs can be downloaded: ${url}`, false);
    if (this.ctx.signal.aborted) return { outcome: 'aborted' };
    const signal = AbortSignal.any([this.ctx.signal, this.stall.signal]);
    try {
      const reopened = await reopenPart(this.state);
      if (reopened.recoveredPath) return await completeRecovered(this.state, reopened.recoveredPath);
      this.state.headers = await unsealHeaders(this.ctx.record.transfer.id, this.request.headers, this.secrets);
      let resumeSegmented = reopened.resumeSegmented;
      // At most two responses: a 416 that does not prove completion restarts from byte 0 once. A
      // URL dropped on the way (refused, 404 ...) does not count: the next one is asked.
      for (let round = 0; round < 2; ) {
        if (!(await settleSource(this.state, signal))) resumeSegmented = false;
        if (resumeSegmented) return await this.receiveSegmented(undefined, signal);
        const source = currentSource(this.facts.sources);
        const answer = await askSource(this.state, source, signal);
        if ('refused' in answer) {
          if (dropSource(this.state, source, answer.refused.error.message)) continue;
          throw answer.refused;
        }
        const outcome = await this.handleResponse(source, answer.opened, signal);
        if (outcome) return outcome;
        round++;
      }
      throw failure('RESPONSE_MISMATCH', 'Server keeps refusing the range request (416)', true);
    } catch (err) {
      // Awaited here, not returned: the finally below must not leave the rejection unhandled.
      return await this.settleError(err);
    } finally {
      await this.state.writer?.close();
    }
  }

  private segmentHere(source: SourceFacts, totalBytes: number | null, rangesOffered: boolean): totalBytes is number {
    return shouldSegment(totalBytes, rangesOffered, {
      connections: connectionCountFor(this.request, this.segmentSettings),
      minSplitBytes: this.segmentSettings.minSplitBytes,
      hasValidator: ifRangeValidator(source) !== undefined,
    });
  }

  /** Returns the attempt's result, or undefined to send the request again from byte 0. */
  private async handleResponse(source: SourceFacts, opened: OpenedResponse, signal: AbortSignal): Promise<AttemptResult | undefined> {
    const offset = this.state.writer?.start ?? 0;
    const ok = opened.status >= 200 && opened.status < 300;
    const excerpt = ok || opened.status === 416 ? undefined : await readExcerpt(opened.stream);
    const decision = checkResponse(
      { offset, knownTotal: this.facts.totalBytes, etag: source.etag, lastModified: source.lastModified },
      responseFacts(opened, excerpt),
    );
    this.serverDigest = serverDigestOf((name) => header(opened, name));
    this.contentType = header(opened, 'content-type');
    switch (decision.action) {
      case 'fail':
        opened.stream.destroy();
        throw decision.failure;
      case 'mismatch':
        opened.stream.destroy();
        await this.state.resetToZero();
        throw failure('RESPONSE_MISMATCH', `${decision.message}; starting over`, offset > 0);
      case 'check-size': {
        opened.stream.destroy();
        const total = decision.totalBytes;
        if (total !== null && total === offset && (this.facts.totalBytes ?? total) === total) {
          this.facts.totalBytes = total;
          return this.finish(undefined, signal);
        }
        this.ctx.log('warn', `Server says the range is past the end (${total ?? 'unknown'} bytes); starting over`);
        await this.state.resetToZero();
        return undefined;
      }
      case 'restart':
        if (offset > 0) this.ctx.log('info', `Starting over from byte 0: ${decision.reason}`);
        this.state.details = { ...this.state.details, resumable: decision.resumable };
        await this.adoptResponse(source, opened, decision.totalBytes, 0);
        if (this.segmentHere(source, decision.totalBytes, decision.resumable)) return this.receiveSegmented({ opened, source }, signal);
        return this.receive(opened, signal);
      case 'append':
        this.state.details = { ...this.state.details, resumable: true };
        await this.adoptResponse(source, opened, decision.totalBytes, offset);
        if (this.segmentHere(source, decision.totalBytes, true)) return this.receiveSegmented({ opened, source }, signal);
        return this.receive(opened, signal);
    }
  }

  /** Records validators, size, final URL and the name; creates or truncates the .part to `offset`. */
  private async adoptResponse(source: SourceFacts, opened: OpenedResponse, totalBytes: number | null, offset: number): Promise<void> {
    const { state, facts } = this;
    source.etag = header(opened, 'etag');
    source.lastModified = header(opened, 'last-modified');
    source.finalUrl = opened.finalUrl;
    source.finalUrlKeepsHeaders = opened.headersOrigin !== null;
    source.verified = true;
    // From byte 0 every byte is this URL's: the others' must be compared with them again.
    if (offset === 0) for (const other of facts.sources) if (other !== source) other.verified = false;
    facts.totalBytes = totalBytes;
    try {
      if (!state.writer) {
        // The name is settled when the .part is created; later responses never rename it.
        const raw = this.request.fileName ?? suggestedFileName(header(opened, 'content-disposition'), opened.finalUrl);
        state.details = { ...state.details, fileName: savedFileName(raw) };
        await this.fileByRules(opened);
        const { partPath, handle } = await createPartFile(state.details.directory, state.details.fileName);
        state.writer = new PartWriter(handle, 0);
        adoptPart(facts, partPath, identityOf(await handle.stat()));
      } else if (offset !== state.writer.start) {
        await state.writer.truncate(offset);
      }
    } catch (err) {
      throw fileSystemFailure(err, facts.partPath ?? state.details.directory);
    }
    facts.done = offset;
    await state.checkpoint();
    this.ctx.progress(offset, totalBytes);
  }

  /**
   * A download that named no folder goes where the user's rules say, judged by its final name and
   * Content-Type; decided before its .part exists, so no byte is written anywhere else. A folder the
   * OS runs files from is refused here too (a hand-edited settings file), and the default kept.
   */
  private async fileByRules(opened: OpenedResponse): Promise<void> {
    const { state } = this;
    if (!this.request.filedByRules || !this.folderFor) return;
    const chosen = this.folderFor({
      fileName: state.details.fileName,
      ...(this.contentType ? { mimeType: this.contentType } : {}),
      url: this.request.url,
      finalUrl: opened.finalUrl,
    });
    if (!chosen) return;
    try {
      state.details = { ...state.details, directory: await checkDownloadFolder(chosen.folder), rule: chosen.rule };
    } catch (err) {
      this.ctx.log('warn', `Rule ${chosen.rule} names a folder Ferry does not save into (${(err as Error).message}); saving into ${state.details.directory}`);
    }
  }

  private async receive(opened: OpenedResponse, signal: AbortSignal): Promise<AttemptResult> {
    const options = { checkpointIntervalMs: this.segmentSettings.checkpointIntervalMs, onStall: () => this.stall.abort() };
    // The file's SHA-256: a small file from byte 0 is hashed in the stream (a thread would cost more
    // than its hashing); anything else on a hashing thread (prefix-hasher.ts). Without a SHA-256
    // to record, only one to check is hashed (in the stream from byte 0, else by finish()).
    const total = this.facts.totalBytes;
    if (!this.fileSha256) return this.finish(await receiveSingle(this.state, opened, signal, options), signal);
    if (this.state.writer!.start === 0 && total !== null && total <= SMALL_FILE_BYTES) {
      return this.finish(await receiveSingle(this.state, opened, signal, options, undefined, true), signal);
    }
    const hasher = new PrefixHasher(this.state.writer!.fileHandle);
    try {
      const streamed = await receiveSingle(this.state, opened, signal, options, (prefix) => hasher.advanceTo(prefix));
      // A SHA-256 to check was hashed in the stream already (from byte 0); else the thread's.
      return await this.finish(streamed ?? (await hasher.digest(this.facts.done)), signal);
    } finally {
      hasher.dispose();
    }
  }

  private async receiveSegmented(first: { opened: OpenedResponse; source: SourceFacts } | undefined, signal: AbortSignal): Promise<AttemptResult> {
    // A hashing thread only when its SHA-256 is recorded or checked.
    const hasher = this.fileSha256 || this.request.sha256 ? new PrefixHasher(this.state.writer!.fileHandle) : undefined;
    try {
      const end = await receiveSegmented(this.state, this.segmentSettings, first, signal, hasher && ((prefix) => hasher.advanceTo(prefix)));
      if (end === 'aborted') return { outcome: 'aborted' };
      return await this.finish(await hasher?.digest(this.facts.totalBytes ?? this.facts.done), signal);
    } finally {
      hasher?.dispose();
    }
  }

  private async finish(digest: string | undefined, signal: AbortSignal): Promise<AttemptResult> {
    const manifest = this.facts.partPath ? await manifestInFile(this.facts.partPath, this.facts.done, this.contentType) : undefined;
    if (!manifest) return finishDownload(this.state, digest, this.serverDigest, signal, this.fileSha256);
    // Not a file but a video stream: its playlist goes to the stream worker, the .part goes away.
    await this.state.writer?.close();
    this.state.writer = undefined;
    await removeOwnPart(this.facts.partPath, partIdentityOf(this.facts));
    this.facts.partPath = undefined;
    const source = currentSource(this.facts.sources);
    return this.streams.attempt(this.ctx, { ...manifest, url: source.finalUrl ?? source.url });
  }

  private async settleError(err: unknown): Promise<AttemptResult> {
    if (this.ctx.signal.aborted) return { outcome: 'aborted' };
    if (this.stall.signal.aborted) {
      throw stalledFailure(this.ctx.stallTimeoutMs);
    }
    if (err instanceof TransferFailure) throw err;
    if (isFileSystemError(err)) throw fileSystemFailure(err, this.facts.partPath ?? this.state.details.directory);
    throw networkFailure(err, this.ctx.stallTimeoutMs);
  }
}
