// The transfer engine: owns every transfer's state, the queue, retries, speed limits and
// persistence. Workers (download, upload) only move bytes for one attempt at a time.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { TransferProgress, TransferState, TransferView } from '../../shared/transfer';
import { isFinished } from '../../shared/transfer';
import { Coalescer, ProgressMeter } from './progress-meter';
import { RateLimiter, sleep } from './rate-limiter';
import { FileRecordStore, type RecordStore } from './record-store';
import {
  appendLog,
  durableBytes,
  freshResume,
  hostOf,
  mergeCheckpoint,
  newDownloadRecord,
  newUploadRecord,
} from './records';
import { retryDelayMs } from './retry-policy';
import { canTransition, InvalidTransitionError } from './state-machine';
import {
  TransferFailure,
  type AttemptContext,
  type DownloadRequest,
  type TransferRecord,
  type TransferWorker,
  type UploadRequest,
} from './types';

export interface EngineSettings {
  maxActive: number;
  maxPerHost: number;
  downloadLimit: number | null;
  uploadLimit: number | null;
  stallTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  maxActive: 3,
  maxPerHost: 2,
  downloadLimit: null,
  uploadLimit: null,
  stallTimeoutMs: 30_000,
  maxRetries: 8,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
};

export interface EngineOptions {
  dataDir: string;
  settings?: Partial<EngineSettings>;
  workers: { download: TransferWorker; upload?: TransferWorker };
  store?: RecordStore;
  /** Resume transfers that were running when the engine last stopped. Default true. */
  resumeOnStart?: boolean;
}

export interface Notice {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface EngineEvents {
  added: [view: TransferView];
  changed: [view: TransferView];
  progress: [id: string, progress: TransferProgress];
  removed: [id: string];
  notice: [notice: Notice];
}

type StopReason = 'pause' | 'cancel' | 'remove' | 'shutdown';

interface Running {
  controller: AbortController;
  reason?: StopReason;
  done: Promise<void>;
}

const PROGRESS_INTERVAL_MS = 100;
const NO_WAIT: Promise<void> = Promise.resolve();

export class TransferEngine extends EventEmitter<EngineEvents> {
  private readonly records = new Map<string, TransferRecord>();
  private readonly running = new Map<string, Running>();
  private readonly meters = new Map<string, ProgressMeter>();
  private readonly progressOut = new Map<string, Coalescer<TransferProgress>>();
  private readonly transferLimiters = new Map<string, RateLimiter>();
  private readonly globalLimiters: Record<TransferView['kind'], RateLimiter>;
  private readonly pendingSaves = new Set<Promise<void>>();
  private readonly settings: EngineSettings;
  private readonly store: RecordStore;
  private closed = false;
  private scheduled = false;
  private saveErrorReported = false;
  /** Problems found while loading the records (also emitted as notices). */
  readonly startupProblems: string[] = [];

  static async open(options: EngineOptions): Promise<TransferEngine> {
    const engine = new TransferEngine(options);
    await engine.load(options.resumeOnStart ?? true);
    return engine;
  }

  private constructor(private readonly options: EngineOptions) {
    super();
    this.settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
    this.store = options.store ?? new FileRecordStore(path.join(options.dataDir, 'transfers'));
    this.globalLimiters = {
      download: new RateLimiter(this.settings.downloadLimit),
      upload: new RateLimiter(this.settings.uploadLimit),
    };
  }

  // ---- queries -------------------------------------------------------------------------

  get(id: string): TransferView | undefined {
    const record = this.records.get(id);
    return record ? structuredClone(record.view) : undefined;
  }

  list(): TransferView[] {
    return this.ordered().map((record) => structuredClone(record.view));
  }

  getSettings(): EngineSettings {
    return { ...this.settings };
  }

  /** Resolves once every listed transfer is completed, failed, canceled or removed. */
  waitUntilFinished(ids: string[]): Promise<TransferView[]> {
    return new Promise((resolve) => {
      const last = new Map<string, TransferView>();
      const check = () => {
        for (const id of ids) {
          const record = this.records.get(id);
          if (record && !isFinished(record.view.state)) return;
          if (record) last.set(id, structuredClone(record.view));
        }
        this.off('changed', check);
        this.off('removed', check);
        resolve(ids.flatMap((id) => last.get(id) ?? []));
      };
      this.on('changed', check);
      this.on('removed', check);
      check();
    });
  }

  // ---- commands ------------------------------------------------------------------------

  async addDownload(req: DownloadRequest): Promise<TransferView> {
    assertHttpUrl(req.url);
    return this.add(newDownloadRecord(req, this.nextOrder(), Date.now()));
  }

  async addUpload(req: UploadRequest): Promise<TransferView> {
    assertHttpUrl(req.url.replaceAll('{filename}', 'x'));
    return this.add(newUploadRecord(req, this.nextOrder(), Date.now()));
  }

  async pause(id: string): Promise<void> {
    const record = this.require(id);
    if (record.view.state === 'queued') {
      this.transition(record, 'paused');
    } else if (record.view.state === 'active') {
      this.transition(record, 'paused');
      await this.stop(id, 'pause');
    }
  }

  async resume(id: string): Promise<void> {
    const record = this.require(id);
    if (record.view.state !== 'paused') return;
    this.transition(record, 'queued', { attempt: 1 });
    record.attemptsWithoutProgress = 0;
    this.schedule();
  }

  async cancel(id: string): Promise<void> {
    const record = this.require(id);
    if (record.view.state === 'completed' || record.view.state === 'canceled') return;
    this.transition(record, 'canceled', { finishedAt: Date.now() });
    await this.stop(id, 'cancel');
    await this.workerFor(record).discard(record, { deleteFinishedFile: false });
    record.resume = freshResume(record.view.kind, record.view.url);
    record.view.progress = { bytesDone: 0, totalBytes: record.view.progress.totalBytes, speed: 0, etaSeconds: null };
    this.changed(record);
  }

  async retry(id: string): Promise<void> {
    const record = this.require(id);
    if (record.view.state !== 'failed' && record.view.state !== 'canceled') return;
    if (record.view.state === 'canceled') {
      // Cancel discarded the partial file or staged copy: prepare again as if new.
      const prepared = await this.workerFor(record).prepare?.(record);
      if (prepared) mergeCheckpoint(record, prepared);
    }
    record.attemptsWithoutProgress = 0;
    const { error: _error, finishedAt: _finished, ...rest } = record.view;
    record.view = { ...rest, attempt: 1 };
    this.transition(record, 'queued');
    this.schedule();
  }

  async remove(id: string, opts: { deleteFile?: boolean } = {}): Promise<void> {
    const record = this.require(id);
    await this.stop(id, 'remove');
    await this.workerFor(record).discard(record, { deleteFinishedFile: opts.deleteFile ?? false });
    this.records.delete(id);
    this.forgetRuntime(id);
    await this.track(this.store.delete(id));
    this.emit('removed', id);
    this.schedule();
  }

  async pauseAll(): Promise<void> {
    await Promise.all(
      this.ordered()
        .filter((r) => r.view.state === 'queued' || r.view.state === 'active')
        .map((r) => this.pause(r.view.id)),
    );
  }

  async resumeAll(): Promise<void> {
    // resume() does not wait for anything: calling it for each keeps one code path, and the
    // scheduler runs once for all of them.
    await Promise.all(this.ordered().flatMap((record) => (record.view.state === 'paused' ? [this.resume(record.view.id)] : [])));
  }

  /** Move a transfer to a position in the queue. Only that record's order changes on disk. */
  reorder(id: string, toIndex: number): void {
    const record = this.require(id);
    const others = this.ordered().filter((r) => r !== record);
    const index = Math.max(0, Math.min(toIndex, others.length));
    const before = others[index - 1]?.order;
    const after = others[index]?.order;
    record.order =
      before === undefined && after === undefined
        ? 0
        : before === undefined
          ? after! - 1
          : after === undefined
            ? before + 1
            : (before + after) / 2;
    this.changed(record);
    this.schedule();
  }

  setTransferSpeedLimit(id: string, bytesPerSecond: number | null): void {
    const record = this.require(id);
    record.view.speedLimit = bytesPerSecond;
    this.transferLimiters.get(id)?.setRate(bytesPerSecond);
    this.changed(record);
  }

  updateSettings(patch: Partial<EngineSettings>): void {
    Object.assign(this.settings, patch);
    this.globalLimiters.download.setRate(this.settings.downloadLimit);
    this.globalLimiters.upload.setRate(this.settings.uploadLimit);
    this.schedule();
  }

  /** Stop every worker with its resume data checkpointed; running transfers resume on the next open(). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const wasRunning = [...this.running.keys()];
    await Promise.allSettled(wasRunning.map((id) => this.stop(id, 'shutdown')));
    for (const coalescer of this.progressOut.values()) coalescer.flush();
    // Every other record was saved on its last change; only running ones hold unsaved progress.
    // (Saving all of them would cost one fsync per transfer at every quit, with thousands listed.)
    const unsaved = wasRunning.flatMap((id) => this.records.get(id) ?? []);
    await Promise.allSettled(unsaved.map((record) => this.track(this.store.save(record))));
    await Promise.allSettled([...this.pendingSaves]);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  private async load(resumeOnStart: boolean): Promise<void> {
    const { records, problems } = await this.store.loadAll();
    for (const message of problems) this.notice('warn', message);
    for (const record of records) {
      record.view.progress = {
        ...record.view.progress,
        bytesDone: record.view.kind === 'download' ? durableBytes(record.resume) : record.view.progress.bytesDone,
        speed: 0,
        etaSeconds: null,
      };
      delete record.view.nextRetryAt;
      if (record.view.state === 'active') {
        record.view.state = resumeOnStart ? 'queued' : 'paused';
        appendLog(record.view, { at: Date.now(), level: 'info', message: 'Ferry restarted: continuing from the saved resume data' });
      }
      this.records.set(record.view.id, record);
    }
    for (const kind of ['download', 'upload'] as const) {
      const worker = this.options.workers[kind];
      await worker?.startup?.(records.filter((r) => r.view.kind === kind));
    }
    this.schedule();
  }

  private async add(record: TransferRecord): Promise<TransferView> {
    if (this.closed) throw new Error('The engine is shut down');
    const prepared = await this.workerFor(record).prepare?.(record);
    if (prepared) mergeCheckpoint(record, prepared);
    this.records.set(record.view.id, record);
    await this.track(this.store.save(record));
    this.emit('added', structuredClone(record.view));
    this.schedule();
    return structuredClone(record.view);
  }

  /**
   * Starts what the limits allow, once per tick however often it is asked: resuming or adding
   * thousands of transfers in one go must not rescan the whole list thousands of times.
   */
  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.startWhatFits();
    });
  }

  private startWhatFits(): void {
    if (this.closed) return;
    let active = 0;
    const perHost = new Map<string, number>();
    const waiting: TransferRecord[] = [];
    for (const record of this.records.values()) {
      if (record.view.state === 'active') {
        active += 1;
        perHost.set(hostOf(record), (perHost.get(hostOf(record)) ?? 0) + 1);
      } else if (record.view.state === 'queued' && !this.running.has(record.view.id)) {
        // A transfer whose previous worker is still winding down waits for it: one writer per file.
        waiting.push(record);
      }
    }
    if (active >= this.settings.maxActive || waiting.length === 0) return;
    waiting.sort((a, b) => a.order - b.order);
    for (const record of waiting) {
      if (active >= this.settings.maxActive) break;
      const host = hostOf(record);
      if ((perHost.get(host) ?? 0) >= this.settings.maxPerHost) continue;
      active += 1;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
      this.start(record);
    }
  }

  private start(record: TransferRecord): void {
    this.transition(record, 'active', { startedAt: record.view.startedAt ?? Date.now() });
    const running: Running = { controller: new AbortController(), done: Promise.resolve() };
    this.running.set(record.view.id, running);
    running.done = this.runAttempts(record, running)
      .catch((error: unknown) => {
        // A bug in a worker must not take the engine down: it fails that one transfer.
        if (record.view.state === 'active' && !running.controller.signal.aborted) {
          const message = error instanceof Error ? error.message : String(error);
          this.transition(record, 'failed', {
            error: { code: 'INTERNAL', message: `Internal error: ${message}`, retryable: false },
            finishedAt: Date.now(),
          });
        }
      })
      .finally(() => {
        this.progressOut.get(record.view.id)?.flush();
        this.running.delete(record.view.id);
        this.schedule();
      });
  }

  private async runAttempts(record: TransferRecord, running: Running): Promise<void> {
    const worker = this.workerFor(record);
    const signal = running.controller.signal;
    for (;;) {
      const before = durableBytes(record.resume);
      try {
        const result = await worker.attempt(this.contextFor(record, running));
        if (result.outcome === 'aborted') return;
        // A completion that raced a pause or shutdown stands: the file is already under its final
        // name, and undoing it would download it again as "name (1)". Cancel and remove still win.
        if (signal.aborted && running.reason !== 'pause' && running.reason !== 'shutdown') return;
        this.progressOut.get(record.view.id)?.cancel();
        const total = record.view.progress.totalBytes ?? record.view.progress.bytesDone;
        this.transition(record, 'completed', {
          ...result.patch,
          progress: { bytesDone: total, totalBytes: total, speed: 0, etaSeconds: null },
          finishedAt: Date.now(),
          error: undefined,
        });
        return;
      } catch (error) {
        if (signal.aborted) return;
        const failure = asFailure(error);
        const progressed = durableBytes(record.resume) > before;
        record.attemptsWithoutProgress = progressed ? 0 : record.attemptsWithoutProgress + 1;
        const exhausted = failure.error.retryable && record.attemptsWithoutProgress > this.settings.maxRetries;
        if (!failure.error.retryable || exhausted) {
          const message = exhausted
            ? `${failure.error.message} (gave up after ${record.attemptsWithoutProgress} attempts without progress)`
            : failure.error.message;
          this.log(record, 'error', message);
          // Show what is kept, not what was received: bytes that never reached the disk (disk full) are not done.
          const kept = record.view.kind === 'download' ? { progress: { ...record.view.progress, bytesDone: durableBytes(record.resume) } } : {};
          this.transition(record, 'failed', { ...kept, error: { ...failure.error, message }, finishedAt: Date.now() });
          return;
        }
        const delay = retryDelayMs({
          attempt: Math.max(1, record.attemptsWithoutProgress),
          baseMs: this.settings.retryBaseMs,
          maxMs: this.settings.retryMaxMs,
          ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
        });
        this.log(record, 'warn', `${failure.error.message}; retrying in ${(delay / 1000).toFixed(1)} s`);
        record.view.attempt += 1;
        record.view.nextRetryAt = Date.now() + delay;
        record.view.error = failure.error;
        record.view.progress = { ...record.view.progress, speed: 0, etaSeconds: null };
        this.changed(record);
        await sleep(delay, signal);
        if (signal.aborted) return;
        delete record.view.nextRetryAt;
      }
    }
  }

  private contextFor(record: TransferRecord, running: Running): AttemptContext {
    const kind = record.view.kind;
    return {
      record,
      signal: running.controller.signal,
      stallTimeoutMs: this.settings.stallTimeoutMs,
      throttle: (bytes, signal) => {
        const all = this.globalLimiters[kind];
        const own = this.limiterFor(record);
        // Called for every chunk (thousands a second): without limits, skip two async calls.
        if (all.rate === null && own.rate === null) return NO_WAIT;
        return all.take(bytes, signal).then(() => own.take(bytes, signal));
      },
      progress: (bytesDone, totalBytes) => this.onProgress(record, bytesDone, totalBytes),
      checkpoint: async (patch) => {
        mergeCheckpoint(record, patch);
        if (patch.view) this.emit('changed', structuredClone(record.view));
        await this.track(this.store.save(record));
      },
      log: (level, message) => this.log(record, level, message),
    };
  }

  // ---- helpers -------------------------------------------------------------------------

  /** The one place a transfer changes state: checks the table, persists, tells listeners. */
  private transition(record: TransferRecord, to: TransferState, patch: Partial<TransferView> = {}): void {
    const from = record.view.state;
    if (from !== to && !canTransition(from, to)) throw new InvalidTransitionError(from, to);
    Object.assign(record.view, patch, { state: to });
    for (const key of Object.keys(patch) as (keyof TransferView)[]) {
      if (patch[key] === undefined) delete record.view[key];
    }
    if (to !== 'active') {
      delete record.view.nextRetryAt;
      record.view.progress = { ...record.view.progress, speed: 0, etaSeconds: null };
    }
    if (from !== to) this.log(record, to === 'failed' ? 'error' : 'info', `${from} → ${to}`);
    this.changed(record);
  }

  private changed(record: TransferRecord): void {
    void this.track(this.store.save(record));
    this.emit('changed', structuredClone(record.view));
  }

  private onProgress(record: TransferRecord, bytesDone: number, totalBytes: number | null): void {
    const id = record.view.id;
    let meter = this.meters.get(id);
    if (!meter) this.meters.set(id, (meter = new ProgressMeter()));
    record.view.progress = meter.measure(bytesDone, totalBytes);
    let out = this.progressOut.get(id);
    if (!out) {
      out = new Coalescer(PROGRESS_INTERVAL_MS, (progress) => this.emit('progress', id, progress));
      this.progressOut.set(id, out);
    }
    out.push(record.view.progress);
  }

  private async stop(id: string, reason: StopReason): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    running.reason ??= reason;
    running.controller.abort(reason);
    await running.done;
  }

  private limiterFor(record: TransferRecord): RateLimiter {
    let limiter = this.transferLimiters.get(record.view.id);
    if (!limiter) this.transferLimiters.set(record.view.id, (limiter = new RateLimiter(record.view.speedLimit ?? null)));
    return limiter;
  }

  private forgetRuntime(id: string): void {
    this.meters.delete(id);
    this.progressOut.get(id)?.cancel();
    this.progressOut.delete(id);
    this.transferLimiters.delete(id);
  }

  private log(record: TransferRecord, level: Notice['level'], message: string): void {
    appendLog(record.view, { at: Date.now(), level, message });
  }

  private notice(level: Notice['level'], message: string): void {
    if (level !== 'info') this.startupProblems.push(message);
    this.emit('notice', { level, message });
  }

  private track(save: Promise<void>): Promise<void> {
    const tracked = save.catch((error: unknown) => {
      // Losing a checkpoint is survivable (the previous one stays valid); losing it silently is not.
      if (!this.saveErrorReported) {
        this.saveErrorReported = true;
        this.notice('error', `Could not save transfer records: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.pendingSaves.add(tracked);
    void tracked.finally(() => this.pendingSaves.delete(tracked));
    return tracked;
  }

  private require(id: string): TransferRecord {
    const record = this.records.get(id);
    if (!record) throw new TransferNotFoundError(id);
    return record;
  }

  private workerFor(record: TransferRecord): TransferWorker {
    const worker = this.options.workers[record.view.kind];
    if (!worker) throw new Error(`This engine was started without a ${record.view.kind} worker`);
    return worker;
  }

  private ordered(): TransferRecord[] {
    return [...this.records.values()].sort((a, b) => a.order - b.order);
  }

  private nextOrder(): number {
    let max = 0;
    for (const record of this.records.values()) max = Math.max(max, record.order);
    return max + 1;
  }
}

export class TransferNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No transfer with id ${id}`);
    this.name = 'TransferNotFoundError';
  }
}

function assertHttpUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: `Not a valid URL: ${url.slice(0, 200)}`, retryable: false });
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TransferFailure({
      code: 'UNSUPPORTED_URL',
      message: `Only http and https URLs are supported, not ${protocol.replace(':', '')}`,
      retryable: false,
    });
  }
}

function asFailure(error: unknown): TransferFailure {
  if (error instanceof TransferFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransferFailure({ code: 'INTERNAL', message: `Unexpected error: ${message}`, retryable: false });
}
