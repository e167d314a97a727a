// Which of several variants (HLS) or representations (DASH) to take. Pure, so the rule is tested
// on its own: best = highest bandwidth, then the larger picture; worst = the opposite; a resolution
// must exist (the error lists what does); a bandwidth takes the highest at or below it.
import { describeVariant } from './stream-plan';
import type { VariantChoice } from '../../../shared/stream';
import { failure } from '../download/failures';

export interface VariantCandidate {
  bandwidth: number;
  width?: number;
  height?: number;
}

function area(v: VariantCandidate): number {
  return (v.width ?? 0) * (v.height ?? 0);
}

/** Best first: bandwidth, then picture size. */
function compareBestFirst(a: VariantCandidate, b: VariantCandidate): number {
  return b.bandwidth - a.bandwidth || area(b) - area(a);
}

/** The chosen candidate; throws a readable, non-retryable failure when a named resolution is not offered. */
export function chooseVariant<T extends VariantCandidate>(candidates: readonly T[], choice: VariantChoice): T {
  if (candidates.length === 0) throw failure('UNSUPPORTED_STREAM', 'The manifest offers no playable variant', false);
  const ordered = [...candidates].sort(compareBestFirst);
  switch (choice.by) {
    case 'best':
      return ordered[0]!;
    case 'worst':
      return ordered[ordered.length - 1]!;
    case 'resolution': {
      const match = ordered.find((v) => v.width === choice.width && v.height === choice.height);
      if (match) return match;
      const offered = [...new Set(ordered.map((v) => describeVariant(v)))].join('; ');
      throw failure('UNSUPPORTED_STREAM', `No variant is ${choice.width}x${choice.height}; the stream offers: ${offered}`, false);
    }
    case 'bandwidth':
      return ordered.find((v) => v.bandwidth <= choice.bitsPerSecond) ?? ordered[ordered.length - 1]!;
  }
}
