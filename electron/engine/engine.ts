// The transfer engine: owns every transfer and answers commands. The rules it applies live in
// their own modules: the list and its order (transfer list), state changes and attempt outcomes
// (transfer lifecycle), the queue (scheduler), running attempts, persistence (record writer),
// restart (startup restore), live progress, speed limits, notices. Workers (download, upload)
// only move bytes for one attempt at a time.
import { EventEmitter } from 'node:events';
import type { EngineEvents, EngineOptions } from './engine-options';
import path from 'node:path';
import type { TransferPriority, TransferView } from '../../shared/transfer';
import { systemClock, type Clock } from './clock';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './engine-settings';
import { EngineNotices } from './engine-notices';
import { waitUntilFinished } from './finish-waiter';
import { LiveProgress } from './live-progress';
import { proxyAgentFor, proxyChoiceProblem } from './net/proxy-choice';
import { proxyAddresses, proxyPasswordRef } from './net/proxy-secret';
import { FileRecordStore, type RecordStore } from './record-store';
import { RecordWriter } from './record-writer';
import { freshResume, mergeCheckpoint, newDownloadRecord, newUploadRecord } from './records';
import { RunningAttempts } from './running-attempts';
import { isSecretRef, SECRET_REF_PREFIX } from './secrets';
import { DownloadHeaderSecrets } from './download-header-secrets';
import { Scheduler } from './scheduler';
import { SpeedLimits } from './speed-limits';
import { restoreTransfers } from './startup-restore';
import { TransferLifecycle } from './transfer-lifecycle';
import { TransferList } from './transfer-list';
import { admitTransfers, checkDownloadRequests, checkUploadRequest } from './transfer-admission';
import { transferTotals, type TransferTotals } from './transfer-totals';
import { transferView } from './transfer-view';
import { TransferFailure, type DownloadRequest, type TransferRecord, type TransferWorker, type UploadRequest } from './types';
import type { ProxyChoice } from '../../shared/proxy';
import type { StreamDescription } from '../../shared/stream';
import { retargetUpload, uploadTargetText, type UploadTarget } from './upload-retarget';
import { downloadUrls, setDownloadUrls } from './download-addresses';
import { maskUrlPasswords } from '../../shared/secret-mask';

export type { EngineEvents, EngineOptions } from './engine-options';
export { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './engine-settings';
export type { Notice } from './engine-notices';
export { TransferNotFoundError } from './transfer-list';
export { InvalidTransitionError } from './state-machine';

export class TransferEngine extends EventEmitter<EngineEvents> {
  private readonly transfers = new TransferList();
  private readonly attempts: RunningAttempts;
  private readonly lifecycle: TransferLifecycle;
  private readonly settings: EngineSettings;
  /** The engine's sense of time, which the hosts' schedules (queue hours, timetable) share. */
  readonly clock: Clock;
  private readonly store: RecordStore;
  private readonly writer: RecordWriter;
  private readonly scheduler: Scheduler;
  private readonly live: LiveProgress;
  private readonly limits: SpeedLimits;
  private readonly notices: EngineNotices;
  private readonly headerSecrets: DownloadHeaderSecrets;
  private closed = false;
  /** Restored transfers no caller has resumed yet (EngineOptions.holdRestored). */
  private readonly held = new Set<string>();
  /** Queue hours: while closed nothing new starts (settings' queueHours, run by the host's schedule). */
  private queueOpen = true;
  /** Problems found while loading the records (also emitted as notices). */
  readonly startupProblems: string[];

  static async open(options: EngineOptions): Promise<TransferEngine> {
    const engine = new TransferEngine(options);
    await engine.load(options.resumeOnStart ?? true, options.holdRestored ?? false);
    return engine;
  }

  private constructor(private readonly options: EngineOptions) {
    super();
    this.settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
    this.clock = options.clock ?? systemClock;
    this.notices = new EngineNotices((notice) => this.emit('notice', notice), () => this.clock.now());
    this.startupProblems = this.notices.problems;
    this.headerSecrets = new DownloadHeaderSecrets(options.downloadSecrets, (message) => this.notices.notice('warn', message));
    this.store = options.store ?? new FileRecordStore(path.join(options.dataDir, 'transfers'));
    this.writer = new RecordWriter(this.store, (error) => this.notices.saveFailed(error), undefined, () => this.notices.saveSucceeded());
    this.scheduler = new Scheduler({
      clock: this.clock,
      limits: () => this.settings,
      isOpen: () => this.queueOpen,
      isBusy: (id) => this.attempts.has(id),
      isHeld: (id) => this.held.has(id),
      start: (record) => this.lifecycle.start(record),
    });
    this.live = new LiveProgress(
      this.clock,
      (id, progress) => this.emit('progress', id, progress),
      (record) => this.lifecycle.noted(record),
    );
    this.limits = new SpeedLimits(this.clock, this.settings);
    this.lifecycle = new TransferLifecycle({
      clock: this.clock,
      live: this.live,
      writer: this.writer,
      noteState: (record, from, to) => this.scheduler.noteState(record, from, to),
      isRunning: (id) => this.attempts.has(id),
      run: (record) => this.attempts.run(record),
      emitChanged: (view) => this.emit('changed', view),
      completing: (record) => this.headerSecrets.completed(record),
    });
    this.attempts = new RunningAttempts({
      settings: this.settings,
      live: this.live,
      limits: this.limits,
      workerFor: (record) => this.workerFor(record),
      agentFor: (record) => this.agentFor(record),
      checkpoint: (record, patch) => this.lifecycle.checkpoint(record, patch),
      log: (record, level, message) => this.lifecycle.log(record, level, message),
      outcome: (record, outcome) => this.lifecycle.afterAttempt(record, outcome),
      crashed: (record, error) => this.lifecycle.crashed(record, error),
      ended: (record) => {
        // Bytes the worker reported while winding down after a pause: one view carries them.
        if (this.transfers.has(record.transfer.id)) this.lifecycle.settled(record);
        this.scheduler.request();
      },
    });
  }

  // ---- queries -------------------------------------------------------------------------
  // Every view that leaves the engine is derived from its record by transferView(): a copy, with
  // URL passwords masked. The records themselves never leave.

  get(id: string): TransferView | undefined {
    const record = this.transfers.get(id);
    return record ? transferView(record) : undefined;
  }

  list(): TransferView[] {
    return this.transfers.ordered().map(transferView);
  }

  /** Active count, bytes and speed over active transfers: cost proportional to them, not to the list. */
  totals(): TransferTotals {
    return transferTotals(this.scheduler.active.values());
  }

  /** The secret references ("secret:<ref>" header values, proxy passwords) that listed transfers still name. */
  secretRefsInUse(): Set<string> {
    const refs = new Set<string>();
    for (const record of this.transfers.ordered()) {
      const request = record.request.kind === 'upload' ? record.request.upload : record.request.download;
      for (const value of Object.values(request.headers ?? {})) if (isSecretRef(value)) refs.add(value.slice(SECRET_REF_PREFIX.length));
      for (const address of proxyAddresses(request.proxy)) {
        const ref = proxyPasswordRef(address);
        if (ref !== undefined) refs.add(ref);
      }
    }
    return refs;
  }

  getSettings(): EngineSettings {
    return { ...this.settings };
  }

  /** Resolves once every listed transfer is completed, failed, canceled or removed. */
  waitUntilFinished(ids: string[]): Promise<TransferView[]> {
    return waitUntilFinished(this, (id) => this.transfers.get(id), ids);
  }

  // ---- commands ------------------------------------------------------------------------

  async addDownload(req: DownloadRequest): Promise<TransferView> {
    const [view] = await this.addDownloads([req]);
    return view!;
  }

  /**
   * Whether `url` is a video stream and which variants it offers, before anything is added: one
   * request through the proxy setting, the manifest only (describe-stream.ts).
   */
  async describeStream(url: string): Promise<StreamDescription> {
    const agent = this.agentForChoice(this.settings.proxy);
    try {
      // Loaded on first use, with the manifest parsers (stream-worker.ts says why).
      const { describeStream } = await import('./stream/describe-stream');
      return await describeStream(url, { timeoutMs: this.settings.stallTimeoutMs, ...(agent ? { agent } : {}) });
    } finally {
      agent?.destroy();
    }
  }

  /**
   * Adds many at once: every URL is checked before any is added, and the queue and the writer
   * see one batch instead of one round per transfer.
   */
  async addDownloads(reqs: readonly DownloadRequest[]): Promise<TransferView[]> {
    const checked = await checkDownloadRequests(reqs);
    const now = this.clock.now();
    const records = checked.map((req) => newDownloadRecord(req, this.transfers.nextOrder(), now));
    // Header values go to the secret store before the records reach the disk.
    await this.headerSecrets.seal(records);
    return this.addAll(records);
  }

  async addUpload(req: UploadRequest): Promise<TransferView> {
    checkUploadRequest(req);
    const [view] = await this.addAll([newUploadRecord(req, this.transfers.nextOrder(), this.clock.now())]);
    return view!;
  }

  /**
   * Pausing a finished transfer is refused (InvalidTransitionError); pausing a paused one is a no-op.
   * `note`: why, in the transfer's log (a standalone `ferry get` that was interrupted), saved with the pause.
   */
  async pause(id: string, note?: string): Promise<void> {
    const record = this.transfers.require(id);
    if (note !== undefined && record.transfer.state !== 'completed' && record.transfer.state !== 'canceled') this.lifecycle.log(record, 'info', note);
    if (record.transfer.state !== 'paused') this.lifecycle.pause(record);
    await this.attempts.stop(id, 'pause');
  }

  /** A held transfer (holdRestored) is let go, whatever its state; a paused one is queued. */
  async resume(id: string): Promise<void> {
    const record = this.transfers.require(id);
    this.held.delete(id);
    this.lifecycle.resume(record);
    this.scheduler.request();
  }

  async cancel(id: string): Promise<void> {
    const record = this.transfers.require(id);
    // A completed transfer cannot be canceled (the table refuses it); a canceled one already is.
    if (record.transfer.state === 'canceled') return;
    this.lifecycle.transition(record, 'canceled', { finishedAt: this.clock.now() });
    await this.attempts.stop(id, 'cancel');
    await this.workerFor(record).discard(record, { deleteFinishedFile: false });
    record.resume = freshResume(record.transfer.kind, record.transfer.url);
    this.lifecycle.update(record, { progress: { bytesDone: 0, totalBytes: record.transfer.progress.totalBytes, speed: 0, etaSeconds: null } });
  }

  /** `upload`: where an upload goes now (its destination as it is now; upload-retarget.ts). */
  async retry(id: string, changes: { upload?: UploadTarget } = {}): Promise<void> {
    const record = this.transfers.require(id);
    this.held.delete(id);
    if (record.transfer.state !== 'failed' && record.transfer.state !== 'canceled') return;
    if (changes.upload) retargetUpload(record, changes.upload);
    if (record.transfer.state === 'canceled') {
      // Cancel discarded the partial file or staged copy: prepare again as if new.
      const prepared = await this.workerFor(record).prepare?.(record);
      if (prepared) mergeCheckpoint(record, prepared);
    }
    record.attemptsWithoutProgress = 0;
    const target = uploadTargetText(record);
    if (target) this.lifecycle.log(record, 'info', `Retry: sending to ${target}`);
    this.lifecycle.transition(record, 'queued', { attempt: 1, error: undefined, finishedAt: undefined });
    this.scheduler.request();
  }

  /** A download's URLs as stored (passwords included): its address first, then its mirrors. */
  downloadUrls(id: string): string[] {
    return downloadUrls(this.transfers.require(id));
  }

  /**
   * A download's address and mirrors, replaced (download-addresses.ts): a URL new to it is compared
   * with the bytes on disk before they are continued from it. A running attempt follows mirrors
   * added; one whose URL was taken away starts again at once. The state stays as it was.
   */
  async setDownloadUrls(id: string, urls: readonly string[]): Promise<TransferView> {
    const record = this.transfers.require(id);
    const change = setDownloadUrls(record, urls);
    const shown = (list: string[]) => list.map(maskUrlPasswords).join(', ');
    if (change.primaryChanged) this.lifecycle.log(record, 'info', `Address changed to ${maskUrlPasswords(change.facts.url!)}`);
    if (change.added.length > 0) this.lifecycle.log(record, 'info', `URL added: ${shown(change.added)}`);
    if (change.removed.length > 0) this.lifecycle.log(record, 'info', `URL taken away: ${shown(change.removed)}`);
    this.lifecycle.update(record, change.facts);
    if (change.removed.length > 0 && this.attempts.has(id) && record.transfer.state === 'active') {
      this.lifecycle.pause(record);
      await this.attempts.stop(id, 'pause');
      this.lifecycle.resume(record);
      this.scheduler.request();
    }
    return transferView(record);
  }

  /**
   * Download `id` goes on from the address of download `fromId`, which is removed: a browser handed
   * over a fresh link of the same file (the earlier link expired). `id` gets `fromId`'s URL first
   * (its own mirrors kept) and `fromId`'s headers in place of its own, given for the new URL's
   * origin only: the new link's cookies never go to the old address. The new URL is compared with
   * the bytes on disk before any is kept (download/source-check.ts), and the log says which it
   * did; then `id` runs again. `note`: why, in `id`'s log.
   */
  async continueFrom(id: string, fromId: string, note: string): Promise<TransferView> {
    const record = this.transfers.require(id);
    const from = this.transfers.require(fromId);
    if (id === fromId || record.request.kind !== 'download' || from.request.kind !== 'download') {
      throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: 'Only a download continues from another download\'s address', retryable: false });
    }
    if (record.transfer.state === 'completed') throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: `${record.transfer.name} is complete`, retryable: false });
    const headers = await this.headerSecrets.clearHeaders(from);
    const newUrl = from.request.download.url;
    // Stopped while its address and headers change, so no connection mixes old and new.
    const wasRunning = record.transfer.state === 'queued' || record.transfer.state === 'active';
    if (wasRunning) await this.pause(id);
    try {
      await this.headerSecrets.replace(record, headers);
    } catch (error) {
      // Nothing changed: it goes on as it was.
      if (wasRunning) await this.resume(id);
      throw new TransferFailure({ code: 'INTERNAL', message: (error as Error).message, retryable: false });
    }
    this.lifecycle.log(record, 'info', note);
    await this.setDownloadUrls(id, [newUrl, ...downloadUrls(record).slice(1)]);
    // The headers came with the new URL: they belong to its origin (setDownloadUrls kept the old one's).
    delete record.request.download.headersOrigin;
    this.writer.markDirty(record);
    await this.remove(fromId);
    if (record.transfer.state === 'failed' || record.transfer.state === 'canceled') await this.retry(id);
    else await this.resume(id);
    return transferView(record);
  }

  async remove(id: string, opts: { deleteFile?: boolean } = {}): Promise<void> {
    const record = this.transfers.require(id);
    await this.attempts.stop(id, 'remove');
    await this.workerFor(record).discard(record, { deleteFinishedFile: opts.deleteFile ?? false });
    this.transfers.delete(id);
    this.held.delete(id);
    this.scheduler.forget(record);
    this.live.forget(id);
    this.limits.forget(id);
    this.lifecycle.forget(id);
    await this.writer.delete(id);
    this.headerSecrets.removed(record);
    this.emit('removed', id);
    this.scheduler.request();
  }

  /** Every state change first, then the workers are stopped together: no waiting one by one. */
  async pauseAll(): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const record of this.transfers.ordered()) {
      if (record.transfer.state !== 'queued' && record.transfer.state !== 'active') continue;
      this.lifecycle.pause(record);
      stopping.push(this.attempts.stop(record.transfer.id, 'pause'));
    }
    await Promise.all(stopping);
  }

  async resumeAll(): Promise<void> {
    this.held.clear();
    for (const record of this.transfers.ordered()) this.lifecycle.resume(record);
    this.scheduler.request();
  }

  /** Move a transfer to a position in the queue. Only that record's order changes on disk. */
  reorder(id: string, toIndex: number): void {
    const record = this.transfers.require(id);
    this.transfers.moveTo(record, toIndex);
    this.lifecycle.reordered(record);
    this.scheduler.request();
  }

  /** High before normal before low when the queue picks what starts next; queue order within each. */
  setTransferPriority(id: string, priority: TransferPriority): void {
    const record = this.transfers.require(id);
    this.lifecycle.update(record, { priority: priority === 'normal' ? undefined : priority });
    this.scheduler.request();
  }

  get isQueueOpen(): boolean {
    return this.queueOpen;
  }

  /**
   * Opens or closes the queue (queue hours). Closing hands every running transfer back to the
   * queue (its resume data kept, state queued), so it goes on where it stopped when the queue opens.
   */
  async setQueueOpen(open: boolean): Promise<void> {
    if (open === this.queueOpen) return;
    this.queueOpen = open;
    if (open) return this.scheduler.request();
    const stopping: Promise<void>[] = [];
    for (const record of [...this.scheduler.active.values()]) {
      this.lifecycle.handBack(record);
      stopping.push(this.attempts.stop(record.transfer.id, 'pause'));
    }
    await Promise.all(stopping);
  }

  setTransferSpeedLimit(id: string, bytesPerSecond: number | null): void {
    const record = this.transfers.require(id);
    this.limits.setTransfer(id, bytesPerSecond);
    this.lifecycle.update(record, { speedLimit: bytesPerSecond });
  }

  /**
   * The transfer's own proxy (undefined: the setting again), from its next attempt on; a running
   * attempt keeps its connections. Passwords must be secret references, as in requests.
   */
  /**
   * The transfer's own proxy as stored, passwords as secret references (its view shows them
   * masked): an edit that sends the mask back keeps the stored password by it.
   */
  transferProxy(id: string): ProxyChoice | undefined {
    const record = this.transfers.require(id);
    const request = record.request.kind === 'upload' ? record.request.upload : record.request.download;
    return request.proxy ? structuredClone(request.proxy) : undefined;
  }

  /** The names of a download's own request headers (never their values: those are secrets); [] for none or an upload. */
  downloadHeaderNames(id: string): string[] {
    const request = this.transfers.require(id).request;
    return request.kind === 'download' ? Object.keys(request.download.headers ?? {}) : [];
  }

  setTransferProxy(id: string, proxy: ProxyChoice | undefined): void {
    const record = this.transfers.require(id);
    const problem = proxy ? proxyChoiceProblem(proxy) : undefined;
    if (problem) throw new TransferFailure({ code: 'PROXY', message: problem, retryable: false });
    const request = record.request.kind === 'upload' ? record.request.upload : record.request.download;
    if (proxy) request.proxy = proxy;
    else delete request.proxy;
    this.lifecycle.update(record, { proxy });
  }

  updateSettings(patch: Partial<EngineSettings>): void {
    Object.assign(this.settings, patch);
    this.limits.setGlobal(this.settings);
    this.scheduler.request();
  }

  /** Stop every worker with its resume data checkpointed; running transfers resume on the next open(). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    const wasRunning = this.attempts.ids();
    await Promise.allSettled(wasRunning.map((id) => this.attempts.stop(id, 'shutdown')));
    for (const id of wasRunning) this.live.flush(id);
    // Every other record was saved on its last change; only running ones hold unsaved progress.
    // (Saving all of them would cost one fsync per transfer at every quit, with thousands listed.)
    for (const id of wasRunning) {
      const record = this.transfers.get(id);
      if (record) this.writer.markDirty(record);
    }
    await this.writer.idle();
    await this.headerSecrets.idle();
  }

  // ---- helpers -------------------------------------------------------------------------

  private async load(resumeOnStart: boolean, holdRestored: boolean): Promise<void> {
    await restoreTransfers({
      store: this.store,
      workers: this.options.workers,
      resumeOnStart,
      now: () => this.clock.now(),
      problem: (message) => this.notices.notice('warn', message),
      add: (record) => {
        if (holdRestored) this.held.add(record.transfer.id);
        this.register(record);
      },
    });
    for (const record of await this.headerSecrets.atStart(this.transfers.ordered())) this.writer.markDirty(record);
    this.scheduler.request();
  }

  private async addAll(records: TransferRecord[]): Promise<TransferView[]> {
    if (this.closed) throw new Error('The engine is shut down');
    const views = await admitTransfers(records, {
      workerFor: (record) => this.workerFor(record),
      writer: this.writer,
      admitted: (record) => {
        this.register(record);
        const view = this.lifecycle.introduce(record);
        this.emit('added', view);
        return view;
      },
    });
    this.scheduler.request();
    return views;
  }

  /** A record joins the list and the queue's indexes (added now, or loaded at start). */
  private register(record: TransferRecord): void {
    this.transfers.add(record);
    this.scheduler.noteState(record, undefined, record.transfer.state);
  }

  /** The transfer's own proxy choice, else the setting; read at each attempt, so a change applies to the next. */
  private agentFor(record: TransferRecord) {
    const request = record.request.kind === 'upload' ? record.request.upload : record.request.download;
    return this.agentForChoice(request.proxy ?? this.settings.proxy);
  }

  private agentForChoice(choice: ProxyChoice) {
    const network = this.options.network;
    return proxyAgentFor(choice, {
      ...(network?.systemProxy ? { system: network.systemProxy } : {}),
      ...(network?.secrets ? { secrets: network.secrets } : {}),
      handshakeTimeoutMs: this.settings.stallTimeoutMs,
    });
  }

  private workerFor(record: TransferRecord): TransferWorker {
    const worker = this.options.workers[record.transfer.kind];
    if (!worker) throw new Error(`This engine was started without a ${record.transfer.kind} worker`);
    return worker;
  }
}
