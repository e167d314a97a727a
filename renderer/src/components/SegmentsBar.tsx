// A segmented download's ranges: one bar for the file, each range a slot that fills from its
// start as its connection writes. Data comes from the view (coalesced ranges, about once a second).
import type { SegmentView } from '../../../shared/transfer';
import { formatBytes } from '../lib/format';

/** At most this many slots are drawn; smaller neighbours are merged (the bar is ~300 px wide). */
const MAX_SLOTS = 64;

export function SegmentsBar({ segments, connections, active }: { segments: SegmentView[]; connections?: number; active: boolean }) {
  const total = segments.at(-1)?.end ?? 0;
  if (total <= 0) return null;
  const slots = mergeForDisplay(segments, MAX_SLOTS);
  const open = segments.filter((s) => s.done < s.end - s.start).length;
  return (
    <section className="segments" aria-label="Segments">
      <div className="segments__bar" role="img" aria-label={`${segments.length} ranges, ${open} unfinished`}>
        {slots.map((s) => (
          <div
            key={s.start}
            className="segments__range"
            style={{ left: `${(s.start / total) * 100}%`, width: `${((s.end - s.start) / total) * 100}%` }}
            title={`${formatBytes(s.start)} – ${formatBytes(s.end)}: ${formatBytes(s.done)} done`}
          >
            <div className="segments__done" style={{ width: `${(s.done / Math.max(1, s.end - s.start)) * 100}%` }} />
          </div>
        ))}
      </div>
      <p className="segments__caption">
        {active && connections ? `${connections} connection${connections === 1 ? '' : 's'} · ` : ''}
        {segments.length} range{segments.length === 1 ? '' : 's'}, {open} unfinished
      </p>
    </section>
  );
}

/** Merges the smallest neighbouring ranges until at most `max` remain (done stays a prefix count). */
export function mergeForDisplay(segments: readonly SegmentView[], max: number): SegmentView[] {
  const out = segments.map((s) => ({ ...s }));
  while (out.length > max) {
    let best = 0;
    for (let i = 1; i < out.length - 1; i++) {
      if (out[i]!.end - out[i]!.start + (out[i + 1]!.end - out[i + 1]!.start) < out[best]!.end - out[best]!.start + (out[best + 1]!.end - out[best + 1]!.start)) best = i;
    }
    const a = out[best]!;
    const b = out.splice(best + 1, 1)[0]!;
    // Shown as one slot: the bytes done in both, drawn from its start.
    a.done += b.done;
    a.end = b.end;
  }
  return out;
}
