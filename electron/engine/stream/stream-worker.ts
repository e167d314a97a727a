// A stream transfer's attempt: read the manifest (handed over by the download worker, which found
// it, or fetched again on later attempts: signed segment URLs expire), plan what to fetch, continue
// with the items the resume data holds when the plan is the same stream, fetch the rest over
// several connections, then join, remux and move. The engine's rules apply unchanged: the attempt
// is aborted by pause/cancel/shutdown with its resume data true, a failure is a TransferFailure
// the engine retries or reports, and durable progress is what resume.segments sums up.
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseVariantChoice, type StreamKind, type StreamOptions } from '../../../shared/stream';
import type { DownloadDetails } from '../../../shared/transfer';
import { connectionCountFor, connectionsAskedFor } from '../download/connection-policy';
import { ensureDownloadFolder } from '../download/ensure-folder';
import { failure, fileSystemFailure, isFileSystemError, networkFailure } from '../download/failures';
import { numberedName } from '../download/filename';
import { isHttpUrl } from '../download/http-request';
import { referrerOf } from '../download/origin-mark';
import type { SegmentSettings } from '../download/worker-settings';
import { SEGMENTED_CHECKPOINT_MS } from '../download/worker-settings';
import { unsealHeaders } from '../download-header-secrets';
import type { SecretsProvider } from '../secrets';
import { TransferFailure, type AttemptContext, type AttemptResult, type DownloadRequest, type TransferRecord } from '../types';
import { findFfmpeg } from './ffmpeg-remux';
import { kindFromBody, kindFromContentType } from './manifest-sniff';
import { fetchKey, fetchManifest, fetchRangeBytes, headersFor, type SmallFetchContext } from './stream-http';
import { StreamFetch, type LiveItem } from './stream-fetch';
import { finishStream, recoverOutput, type Finished } from './stream-finish';
import { streamStem } from './stream-name';
import { plannedName } from './stream-output';
import type { StreamPlan } from './stream-plan';
import type { StreamResumeData } from './stream-resume';
import { estimateSize, liveItems, resumeFrom, streamView, type SizeEstimate } from './stream-state';

/** A manifest the download worker found where it expected a file. */
export interface HandedManifest {
  kind: StreamKind;
  text: string;
  /** After redirects. */
  url: string;
}

export interface StreamWorkerOptions {
  settings: SegmentSettings;
  /** ffmpeg to remux with: a path, null for none; absent: FERRY_FFMPEG, else `ffmpeg` on PATH. */
  ffmpeg?: string | null;
  /** Resolves the header references the engine stored (download-header-secrets.ts). */
  secrets?: SecretsProvider;
}

export interface StreamWorker {
  /** The record is a stream transfer already (or was asked to be one): this worker runs its attempts. */
  owns(record: Readonly<TransferRecord>): boolean;
  attempt(ctx: AttemptContext, handed?: HandedManifest): Promise<AttemptResult>;
  discard(record: Readonly<TransferRecord>): Promise<void>;
}

const WORK_SUFFIX = '.stream.part';

export function createStreamWorker(options: StreamWorkerOptions): StreamWorker {
  return {
    owns: (record) => record.resume.kind === 'download' && (record.resume.stream !== undefined || requestOf(record).stream?.kind !== undefined),
    attempt: (ctx, handed) => new StreamAttempt(ctx, options).run(handed),
    async discard(record) {
      const workDir = record.resume.kind === 'download' ? record.resume.stream?.workDir : undefined;
      // Only a folder this worker made: the name proves it.
      if (workDir && workDir.endsWith(WORK_SUFFIX)) await rm(workDir, { recursive: true, force: true });
    },
  };
}

function requestOf(record: Readonly<TransferRecord>): DownloadRequest {
  if (record.request.kind !== 'download') throw failure('INTERNAL', 'the stream worker got a non-download transfer', false);
  return record.request.download;
}

class StreamAttempt {
  private readonly request: DownloadRequest;
  private details: DownloadDetails;
  private small: SmallFetchContext;
  /** The request's headers with their stored values, resolved at the start of the attempt. */
  private headers: Record<string, string> | undefined;

  constructor(
    private readonly ctx: AttemptContext,
    private readonly options: StreamWorkerOptions,
  ) {
    this.request = requestOf(ctx.record);
    this.details = ctx.record.transfer.download ?? { directory: this.request.directory, fileName: '', resumable: true };
    this.small = { streamUrl: this.request.url, headers: undefined, signal: ctx.signal, waitLimitMs: ctx.stallTimeoutMs, ...(ctx.agent ? { agent: ctx.agent } : {}) };
  }

  private get stored(): StreamResumeData | undefined {
    return this.ctx.record.resume.kind === 'download' ? this.ctx.record.resume.stream : undefined;
  }

  async run(handed?: HandedManifest): Promise<AttemptResult> {
    if (!isHttpUrl(this.request.url)) throw failure('UNSUPPORTED_URL', `Only http and https URLs can be downloaded: ${this.request.url}`, false);
    try {
      const recovered = this.stored ? await recoverOutput(this.details.directory, this.stored) : undefined;
      if (recovered) return await this.completed(recovered);
      this.headers = await unsealHeaders(this.ctx.record.transfer.id, this.request.headers, this.options.secrets);
      this.small = { ...this.small, headers: this.headers };
      const plan = await this.plan(handed);
      const ffmpeg = await findFfmpeg(this.options.ffmpeg);
      const resume = await this.continueOrStart(plan, ffmpeg);
      const items = await liveItems(plan, resume);
      const keys = await this.fetchKeys(plan);
      if (this.request.sha256) this.ctx.log('warn', 'A SHA-256 was given, but a stream is assembled from its segments: the result was not checked against it');
      await this.fetchAll(plan, resume, items);
      if (this.ctx.signal.aborted) return { outcome: 'aborted' };
      this.ctx.log('info', `All ${items.length} segments are in; joining them`);
      const finished = await finishStream({
        plan,
        resume,
        directory: this.details.directory,
        fileName: this.details.fileName,
        nameAsked: this.request.fileName !== undefined,
        keys,
        ffmpeg,
        origin: { url: this.request.url, referrer: referrerOf(this.headers) },
        signal: this.ctx.signal,
        log: (level, message) => this.ctx.log(level, message),
        recordOutput: (output) => this.ctx.checkpoint({ resume: { stream: { ...resume, output } } }),
      });
      return await this.completed(finished);
    } catch (err) {
      if (this.ctx.signal.aborted) return { outcome: 'aborted' };
      if (err instanceof TransferFailure) throw err;
      if (isFileSystemError(err)) throw fileSystemFailure(err, this.stored?.workDir ?? this.details.directory);
      throw networkFailure(err, this.ctx.stallTimeoutMs);
    }
  }

  /** The manifest as handed over, else fetched; the plan from it. */
  private async plan(handed: HandedManifest | undefined): Promise<StreamPlan> {
    const options: StreamOptions = this.request.stream ?? {};
    const choice = parseVariantChoice(options.variant ?? 'best');
    if (!choice) throw failure('UNSUPPORTED_STREAM', `"${options.variant}" is not a variant choice`, false);
    let first = handed;
    if (!first) {
      const fetched = await fetchManifest(this.request.url, this.small, 'The stream manifest');
      const kind = kindFromContentType(fetched.contentType) ?? kindFromBody(fetched.text);
      if (!kind) {
        throw failure('UNSUPPORTED_STREAM', `${this.request.url} is not an HLS playlist or a DASH manifest (the server sent ${fetched.contentType ?? 'no Content-Type'})`, false);
      }
      first = { kind, text: fetched.text, url: fetched.url };
    }
    if (options.kind && options.kind !== first.kind) {
      throw failure('UNSUPPORTED_STREAM', `${this.request.url} is ${first.kind === 'hls' ? 'an HLS playlist' : 'a DASH manifest'}, not the ${options.kind.toUpperCase()} stream that was asked for`, false);
    }
    const fetchText = (url: string) => fetchManifest(url, this.small);
    // The parsers (hls-parser; mpd-parser with an XML DOM) load with the first stream: evaluating
    // them cost every `ferry get` of a plain file ~10-30 ms before its first request.
    if (first.kind === 'hls') return (await import('./hls-plan')).hlsPlan(first, fetchText, choice);
    return (await import('./dash-plan')).dashPlan(first, choice, (url, range) => fetchRangeBytes(url, range, this.small));
  }

  /** The stored state when it belongs to this plan; otherwise a fresh work folder and name. */
  private async continueOrStart(plan: StreamPlan, ffmpeg: string | undefined): Promise<StreamResumeData> {
    const stored = this.stored;
    if (stored && stored.fingerprint === plan.fingerprint && stored.kind === plan.kind) {
      const there = await mkdir(stored.workDir, { recursive: true }).then(() => true, () => false);
      if (there) return { ...stored, output: undefined };
    }
    if (stored) {
      this.ctx.log('warn', 'The stream on the server is not the one the segments on disk belong to; starting over');
      await rm(stored.workDir, { recursive: true, force: true }).catch(() => undefined);
    }
    const stem = streamStem(this.request.url, this.request.stream?.title);
    const fileName = plannedName(stem, this.request.fileName, plan.tracks, ffmpeg);
    const workDir = await createWorkDir(this.details.directory, fileName);
    this.details = { ...this.details, fileName, resumable: true };
    this.ctx.log('info', `${plan.kind === 'hls' ? 'HLS' : 'DASH'} stream: ${plan.label}, ${Math.round(plan.durationSeconds)} s in ${plan.tracks.map((t) => t.items.length).join(' + ')} segments; saving as ${fileName}`);
    return { kind: plan.kind, fingerprint: plan.fingerprint, workDir, done: [], partial: {}, bytesDone: 0 };
  }

  private async fetchKeys(plan: StreamPlan): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    for (const track of plan.tracks) {
      for (const item of track.items) {
        if (item.key && !keys.has(item.key.keyUrl)) keys.set(item.key.keyUrl, await fetchKey(item.key.keyUrl, this.small));
      }
    }
    return keys;
  }

  private async fetchAll(plan: StreamPlan, base: StreamResumeData, items: LiveItem[]): Promise<void> {
    const settings = this.options.settings;
    let estimate = estimateSize(plan, items);
    const record = async (connections: number): Promise<void> => {
      estimate = estimateSize(plan, items);
      await this.checkpoint(plan, resumeFrom(base, plan, items), items, estimate, connections);
    };
    await record(0);
    // The host budget is counted on the first segment's host: a stream keeps its segments on one
    // server (or one CDN name), and a per-item host would make one transfer hold several shares.
    const firstUrl = plan.tracks[0]!.items[0]!.url;
    const fetch = new StreamFetch({
      items,
      headers: headersFor(this.request.url, this.headers),
      ...(this.ctx.agent ? { agent: this.ctx.agent } : {}),
      maxConnections: connectionCountFor(this.request, settings),
      connectionsAsked: connectionsAskedFor(this.request),
      host: new URL(firstUrl).host,
      pool: settings.pool,
      signal: this.ctx.signal,
      stallTimeoutMs: this.ctx.stallTimeoutMs,
      checkpointIntervalMs: Math.min(settings.checkpointIntervalMs, SEGMENTED_CHECKPOINT_MS),
      throttle: this.ctx.throttle,
      progress: (bytes) => this.ctx.progress(bytes, estimate.total === null ? null : Math.max(bytes, estimate.total)),
      record,
      log: (level, message) => this.ctx.log(level, message),
    });
    await fetch.run();
  }

  private async checkpoint(plan: StreamPlan, stream: StreamResumeData, items: readonly LiveItem[], estimate: SizeEstimate, connections: number): Promise<void> {
    this.details = { ...this.details, stream: streamView(plan, items, estimate), connections: connections > 1 ? connections : undefined, segments: undefined };
    await this.ctx.checkpoint({
      resume: {
        stream,
        // What durable progress means to the engine (retry budget): the bytes of the items on disk.
        segments: [{ start: 0, end: null, done: stream.bytesDone }],
        totalBytes: estimate.exact ? estimate.total : null,
        partPath: undefined,
        partInode: undefined,
        etag: undefined,
        lastModified: undefined,
      },
      transfer: { name: this.details.fileName, download: this.details },
    });
  }

  private async completed(finished: Finished): Promise<AttemptResult> {
    const fileName = path.basename(finished.filePath);
    for (const side of finished.sides) this.ctx.log('info', `Saved beside it: ${path.basename(side)}`);
    this.details = { ...this.details, fileName, filePath: finished.filePath, connections: undefined };
    const stream = this.stored ? { ...this.stored, output: undefined, partial: {} } : undefined;
    await this.ctx.checkpoint({ resume: { ...(stream ? { stream } : {}) }, transfer: { name: fileName, download: this.details } });
    const size = (await stat(finished.filePath)).size;
    this.ctx.progress(size, size);
    return { outcome: 'completed', patch: { name: fileName, download: this.details } };
  }
}

/** `<name>.stream.part` beside the target, made exclusively (a number added when another download holds it). */
async function createWorkDir(directory: string, fileName: string): Promise<string> {
  await ensureDownloadFolder(directory);
  for (let n = 0; n < 1000; n++) {
    const dir = path.join(directory, numberedName(fileName, n, 255 - WORK_SUFFIX.length) + WORK_SUFFIX);
    try {
      await mkdir(dir, { mode: 0o700 });
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw failure('FILE_SYSTEM', `No free folder name for ${fileName} in ${directory}`, false);
}
