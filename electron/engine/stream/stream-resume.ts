// A stream transfer's resume data: which fetch items are durable on disk (one bit each, so a
// two-hour stream of 2,000 segments costs 250 bytes per checkpoint), the bytes of items that were
// cut off mid-body with the validators to continue them, and the finished file's inode once the
// output is being moved. Kept apart so the persisted shape changes in one file.
import type { StreamKind } from '../../../shared/stream';

export interface PartialItem {
  /** Bytes of the item's file that were fsync'd before this number was recorded. */
  bytes: number;
  etag?: string;
  lastModified?: string;
}

export interface StreamResumeData {
  kind: StreamKind;
  /** planFingerprint() of the plan these items belong to. */
  fingerprint: string;
  /** Folder beside the target holding one file per item (`<name>.stream.part`). */
  workDir: string;
  /** Per track: base64 bitmap, bit i set when item i is complete and fsync'd. */
  done: string[];
  /** Items cut off mid-body, keyed `track:index`. */
  partial: Record<string, PartialItem>;
  /** Bytes of complete items plus partial ones (what counts as durable progress). */
  bytesDone: number;
  /** Set just before the finished file is moved to its name: recognises it after a crash. */
  output?: { inode: number; size: number; fileName: string; sides?: { from: string; name: string }[] };
}

export function emptyBitmap(count: number): Buffer {
  return Buffer.alloc(Math.ceil(count / 8));
}

export function bitmapFrom(text: string | undefined, count: number): Buffer {
  const bytes = emptyBitmap(count);
  if (text) Buffer.from(text, 'base64').copy(bytes, 0, 0, bytes.length);
  return bytes;
}

export function hasBit(bitmap: Buffer, index: number): boolean {
  return ((bitmap[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

export function setBit(bitmap: Buffer, index: number, on = true): void {
  const at = index >> 3;
  if (at >= bitmap.length) return;
  bitmap[at] = on ? bitmap[at]! | (1 << (index & 7)) : bitmap[at]! & ~(1 << (index & 7));
}

export function partialKey(track: number, index: number): string {
  return `${track}:${index}`;
}
