// Between the plan, the live items a fetch works on, and what is recorded: live items built from
// the resume data (a "done" item whose file is gone is fetched again), resume data and the view
// built from live items, and the size estimate shown until every item's size is known.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { StreamView } from '../../../shared/stream';
import type { LiveItem } from './stream-fetch';
import { itemCount, trackLabel, type StreamPlan, type StreamTrack } from './stream-plan';
import { bitmapFrom, emptyBitmap, hasBit, partialKey, setBit, type PartialItem, type StreamResumeData } from './stream-resume';

export function itemPath(workDir: string, track: number, index: number): string {
  return path.join(workDir, `${track}-${index}.seg`);
}

function itemLabel(track: StreamTrack, trackIndex: number, index: number): string {
  const owner = trackIndex === 0 ? '' : ` of the ${trackLabel(track)} track`;
  const item = track.items[index]!;
  if (item.init) return `Init section${owner}`;
  const media = track.items.filter((i) => !i.init);
  return `Segment ${media.indexOf(item) + 1} of ${media.length}${owner}`;
}

/** Live items for the plan; resume data says which are done or partly there (checked against the disk). */
export async function liveItems(plan: StreamPlan, resume: StreamResumeData): Promise<LiveItem[]> {
  const items: LiveItem[] = [];
  for (const [t, track] of plan.tracks.entries()) {
    const done = bitmapFrom(resume.done[t], track.items.length);
    for (const [i, item] of track.items.entries()) {
      const file = itemPath(resume.workDir, t, i);
      const partial: PartialItem | undefined = resume.partial[partialKey(t, i)];
      const live: LiveItem = { track: t, index: i, item, label: itemLabel(track, t, i), path: file, done: false, busy: false, written: 0, durable: 0 };
      if (hasBit(done, i)) {
        const size = await stat(file).then((s) => s.size, () => undefined);
        if (size !== undefined) Object.assign(live, { done: true, size, written: size, durable: size });
      } else if (partial && partial.bytes > 0) {
        const size = await stat(file).then((s) => s.size, () => 0);
        // Fewer bytes than recorded: the file cannot be trusted, the item starts over.
        const bytes = size >= partial.bytes ? partial.bytes : 0;
        Object.assign(live, { written: bytes, durable: bytes, etag: partial.etag, lastModified: partial.lastModified });
      }
      items.push(live);
    }
  }
  return items;
}

/** The durable state of the items, as resume data. */
export function resumeFrom(base: StreamResumeData, plan: StreamPlan, items: readonly LiveItem[]): StreamResumeData {
  const bitmaps = plan.tracks.map((track) => emptyBitmap(track.items.length));
  const partial: Record<string, PartialItem> = {};
  let bytesDone = 0;
  for (const live of items) {
    if (live.done) {
      setBit(bitmaps[live.track]!, live.index);
      bytesDone += live.size ?? 0;
    } else if (live.durable > 0) {
      partial[partialKey(live.track, live.index)] = {
        bytes: live.durable,
        ...(live.etag ? { etag: live.etag } : {}),
        ...(live.lastModified ? { lastModified: live.lastModified } : {}),
      };
      bytesDone += live.durable;
    }
  }
  return { ...base, done: bitmaps.map((b) => b.toString('base64')), partial, bytesDone };
}

export interface SizeEstimate {
  total: number | null;
  exact: boolean;
}

/**
 * Sizes known (done items, byte ranges) plus, for the rest, the bytes per second of media seen so
 * far in that track (the announced bandwidth before any segment is in).
 */
export function estimateSize(plan: StreamPlan, items: readonly LiveItem[]): SizeEstimate {
  let total = 0;
  let exact = true;
  for (const [t, track] of plan.tracks.entries()) {
    let knownBytes = 0;
    let knownSeconds = 0;
    let unknownSeconds = 0;
    let unknownInits = 0;
    for (const live of items) {
      if (live.track !== t) continue;
      const size = live.done ? live.size : live.item.range?.length;
      if (size !== undefined) {
        total += size;
        if (!live.item.init) {
          knownBytes += size;
          knownSeconds += live.item.duration;
        }
      } else if (live.item.init) {
        unknownInits += 1;
      } else {
        unknownSeconds += live.item.duration;
      }
    }
    if (unknownSeconds === 0 && unknownInits === 0) continue;
    exact = false;
    const rate = knownSeconds > 0 ? knownBytes / knownSeconds : track.bandwidth ? track.bandwidth / 8 : undefined;
    if (rate === undefined) return { total: null, exact: false };
    total += rate * unknownSeconds + unknownInits * 1024;
  }
  return { total: Math.round(total), exact };
}

export function streamView(plan: StreamPlan, items: readonly LiveItem[], estimate: SizeEstimate): StreamView {
  return {
    kind: plan.kind,
    segmentsDone: items.reduce((n, live) => n + (live.done ? 1 : 0), 0),
    segmentsTotal: itemCount(plan.tracks),
    variant: plan.label,
    tracks: plan.tracks.map(trackLabel),
    sizeEstimated: !estimate.exact,
    durationSeconds: Math.round(plan.durationSeconds * 10) / 10,
  };
}
