// What one download attempt holds while it runs (the resume facts, the view's details, the open
// .part writer) and the one way it is written back: checkpoints, and forgetting the bytes.
// Kept apart so every step of an attempt (reopen, receive, finish) changes the same state and
// records it the same way; a change to what a checkpoint holds or when it is safe starts here.
import type { DownloadDetails } from '../../../shared/transfer';
import type { AttemptContext, DownloadRequest } from '../types';
import { checkpointPatch, detailsFromRecord, factsFromRecord, forgetPart, partIdentityOf, type DownloadFacts } from './download-facts';
import { failure } from './failures';
import type { PartWriter } from './part-file';
import { removeOwnPart } from './part-identity';
import { followRequest, sourcesView } from './source-facts';

export class AttemptState {
  readonly facts: DownloadFacts;
  details: DownloadDetails;
  writer: PartWriter | undefined;
  /** The user's headers with stored values resolved, for this attempt only: never persisted. */
  headers: Record<string, string> | undefined;

  constructor(readonly ctx: AttemptContext) {
    if (ctx.record.request.kind !== 'download') throw failure('INTERNAL', 'download worker got a non-download transfer', false);
    this.facts = factsFromRecord(ctx.record);
    this.details = detailsFromRecord(ctx.record);
  }

  get request(): DownloadRequest {
    const r = this.ctx.record.request;
    if (r.kind !== 'download') throw failure('INTERNAL', 'not a download', false);
    return r.download;
  }

  async checkpoint(): Promise<void> {
    // Mirrors added or taken away while this attempt runs are recorded as they are now.
    followRequest(this.facts.sources, this.request);
    // The details the attempt ends with (its completed patch) show the sources as they are now.
    const sources = sourcesView(this.facts.sources);
    if (sources || this.details.sources) this.details = { ...this.details, sources };
    await this.ctx.checkpoint(checkpointPatch(this.request, this.facts, this.details));
  }

  /** Forget the bytes we have: the next request starts from 0 and nothing old is ever appended. */
  async resetToZero(): Promise<void> {
    if (this.writer) await this.writer.truncate(0).catch(() => undefined);
    else await removeOwnPart(this.facts.partPath, partIdentityOf(this.facts)).catch(() => undefined);
    if (!this.writer) this.facts.partPath = undefined;
    this.facts.done = 0;
    this.facts.segments = undefined;
    this.facts.connections = undefined;
    // No byte is left to compare with: the next response's URL makes the file (and its validators).
    for (const source of this.facts.sources) {
      source.etag = undefined;
      source.lastModified = undefined;
      source.verified = false;
    }
    this.facts.totalBytes = null;
    await this.checkpoint();
  }

  /**
   * The .part's name stands for something else now (a link, another file): close Ferry's file,
   * leave what is under the name as it is, and let the next attempt start over in a fresh .part.
   */
  async abandonPart(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
    forgetPart(this.facts);
    await this.checkpoint();
  }

  /** After a final verdict against the bytes (wrong size or checksum): no partial file is left behind. */
  async discardPart(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
    await this.resetToZero();
  }
}
