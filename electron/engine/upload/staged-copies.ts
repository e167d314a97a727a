// Per transfer, the staged copy's lifecycle inside the worker: start staging on add, make sure
// an attempt reads a complete copy or one being made (sending only what is written), make it
// again when it cannot be trusted, provide its SHA-256, clean up on discard.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { StagedCopyFacts } from '../../../shared/transfer';
import { TransferFailure } from '../types';
import { SourceChangedFailure, StagingQueue, type StagingJob } from './staging-job';
import { checkSource, removeStagedCopy, startStaging } from './staging-area';

export interface ReadGate {
  /** Present while the copy is being made: resolves once it holds bytes [0, offset). */
  available?: (offset: number, signal: AbortSignal) => Promise<void>;
  /** Present while the copy is being made: rejects as soon as it fails (the send must stop). */
  copy?: Promise<string>;
}

export class StagedCopies {
  private readonly queue = new StagingQueue();

  constructor(
    private readonly dataDir: string,
    private readonly freeBytes?: (dir: string) => Promise<number>,
    /** Tests: a slow disk (see StagingThreadData.pauseMs). */
    private readonly pauseMs?: number,
    /** Tests: a disk stepped by hand (see StagingThreadData.gate). */
    private readonly gate?: Int32Array,
  ) {}

  /** On add: check, clone or start copying (and hashing) in the background. */
  async stage(transferId: string, sourcePath: string): Promise<StagedCopyFacts> {
    await this.queue.cancel(transferId);
    const { staged, needsCopy } = await startStaging({
      dataDir: this.dataDir,
      transferId,
      sourcePath,
      ...(this.freeBytes ? { freeBytes: this.freeBytes } : {}),
    });
    this.queue.add(
      transferId,
      needsCopy
        ? { source: sourcePath, target: staged.path, size: staged.size, sourceMtimeMs: staged.sourceMtimeMs, ...this.pace() }
        : { source: staged.path, size: staged.size },
    );
    return staged;
  }

  /**
   * Before an attempt reads the staged copy: complete, being made, or made again. A copy that
   * never completed cannot be trusted after a crash (its bytes were not yet fsynced): it is made
   * again. Throws SourceChangedFailure when it must be made again and the source has changed.
   */
  async ready(transferId: string, sourcePath: string, staged: StagedCopyFacts): Promise<ReadGate> {
    let job = this.queue.get(transferId);
    // A copy that failed (full disk, unreadable source) is tried again: the user may have fixed it.
    if (job?.failed) {
      this.queue.forget(transferId);
      job = undefined;
    }
    if (!job) {
      const onDisk = await stat(staged.path).then(
        (s) => s.size,
        () => undefined,
      );
      if (onDisk !== staged.size || (!staged.sha256 && !staged.cloned)) job = await this.restage(transferId, sourcePath, staged);
      else if (!staged.sha256) job = this.queue.add(transferId, { source: staged.path, size: staged.size });
    }
    if (!job) return {};
    this.queue.need(transferId);
    const copying = job;
    return copying.spec.target ? { available: (offset, signal) => copying.waitFor(offset, signal), copy: copying.done } : {};
  }

  /** The staged copy's SHA-256 once known; undefined when nothing is pending (already recorded). */
  sha256(transferId: string): Promise<string> | undefined {
    return this.queue.get(transferId)?.done;
  }

  /** The SHA-256 of a copy that is complete and checked, without waiting for it to be on disk. */
  async sha256OfComplete(transferId: string): Promise<string | undefined> {
    const job = this.queue.get(transferId);
    if (!job) return undefined;
    return job.sha256 ?? (await job.done);
  }

  /** The send ended without success: the copy stays, so make it durable now (no hold). */
  syncNow(transferId: string): void {
    this.queue.syncNow(transferId);
  }

  /** The outcome is in the record. */
  forget(transferId: string): void {
    this.queue.forget(transferId);
  }

  /** Cancel/remove, or success: stop any copy, then delete the staging folder. */
  async discard(transferId: string): Promise<void> {
    await this.queue.cancel(transferId);
    await removeStagedCopy(this.dataDir, transferId);
  }

  /**
   * The staged copy is incomplete or gone and no copy is running (Ferry stopped mid-copy, or the
   * folder was cleaned by hand): copy again if the source is provably the file that was staged
   * (same size and mtime), so a tus upload can continue; otherwise the upload starts over.
   */
  private async restage(transferId: string, sourcePath: string, staged: StagedCopyFacts): Promise<StagingJob> {
    const source = await checkSource(sourcePath).catch(() => undefined);
    if (!source) {
      const reason = await checkSource(sourcePath).then(
        () => `${sourcePath} cannot be read`,
        (err: Error) => err.message,
      );
      throw new TransferFailure({
        code: 'SOURCE_UNREADABLE',
        message: `The staged copy ${staged.path} is missing or incomplete and cannot be made again (${reason}); cancel and retry once the file is back`,
        retryable: false,
      });
    }
    if (source.size !== staged.size || source.mtimeMs !== staged.sourceMtimeMs) throw new SourceChangedFailure(sourcePath);
    await mkdir(path.dirname(staged.path), { recursive: true, mode: 0o700 });
    return this.queue.add(transferId, { source: sourcePath, target: staged.path, size: staged.size, sourceMtimeMs: staged.sourceMtimeMs, ...this.pace() });
  }

  private pace(): { pauseMs?: number; gate?: Int32Array } {
    return { ...(this.pauseMs ? { pauseMs: this.pauseMs } : {}), ...(this.gate ? { gate: this.gate } : {}) };
  }
}
