// Video streams (HLS, DASH) as every front sees them: what a caller may ask for (which variant,
// the page's title for the name, "this URL is a stream") and what a stream transfer shows while it
// runs. Plain data and pure functions only: the CLI's flags, the contract's schema, the aria2 RPC's
// option and the engine read the same rules here. No Node or DOM imports.

export const STREAM_KINDS = ['hls', 'dash'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

/** Which variant (HLS) or representation (DASH) to take from several. */
export type VariantChoice =
  | { by: 'best' }
  | { by: 'worst' }
  | { by: 'resolution'; width: number; height: number }
  /** The highest bandwidth at or below this many bits per second (the lowest when none is). */
  | { by: 'bandwidth'; bitsPerSecond: number };

/** What a download request may say about a stream. Every field is optional. */
export interface StreamOptions {
  /** The URL must be a stream of this kind (aria2's `ferry-stream`); otherwise it is detected from the response. */
  kind?: StreamKind;
  /** `best` (default), `worst`, `WIDTHxHEIGHT` or a bandwidth in bits per second. */
  variant?: string;
  /** The page's title, for the file name (the extension sends it). */
  title?: string;
}

/** What a stream transfer shows (view.download.stream). */
export interface StreamView {
  kind: StreamKind;
  /** Segments (and init sections) on disk, of all tracks. */
  segmentsDone: number;
  segmentsTotal: number;
  /** The variant taken, e.g. "1280x720, 3.0 Mbit/s". */
  variant?: string;
  /** The tracks fetched, e.g. ["video", "audio (en)"]. */
  tracks: string[];
  /** true while progress.totalBytes is an estimate (segment sizes not all known). */
  sizeEstimated: boolean;
  /** Seconds of media. */
  durationSeconds: number;
}

/** One variant a master playlist (HLS) or manifest (DASH) offers, as describeStream lists it. */
export interface StreamVariant {
  /** e.g. "1280x720, 3.0 Mbit/s". */
  label: string;
  width?: number;
  height?: number;
  bandwidth: number;
}

/** What a URL turned out to be before anything is added: kind null when it is no stream; no variants when there is nothing to choose. */
export interface StreamDescription {
  kind: StreamKind | null;
  /** Best first. */
  variants: StreamVariant[];
}

/**
 * The variant choice (parseVariantChoice) that names this one of `all`: its picture size when no
 * other has it, else its bandwidth (the highest at or below it is this one).
 */
export function variantChoiceFor(variant: StreamVariant, all: readonly StreamVariant[]): string {
  const sameSize = all.filter((v) => v.width === variant.width && v.height === variant.height);
  return variant.width && variant.height && sameSize.length === 1 ? `${variant.width}x${variant.height}` : String(Math.max(1, variant.bandwidth));
}

export const VARIANT_CHOICE_HELP = 'best, worst, WIDTHxHEIGHT (e.g. 1280x720) or a bandwidth in bits per second (e.g. 3000000)';

/** `best`, `worst`, `1280x720`, `3000000` (also `3000k`, `3M`); undefined when it is none of them. */
export function parseVariantChoice(text: string): VariantChoice | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'best' || value === '') return { by: 'best' };
  if (value === 'worst') return { by: 'worst' };
  const resolution = /^(\d{1,5})x(\d{1,5})$/.exec(value);
  if (resolution) {
    const width = Number(resolution[1]);
    const height = Number(resolution[2]);
    return width > 0 && height > 0 ? { by: 'resolution', width, height } : undefined;
  }
  const bandwidth = /^(\d+(?:\.\d+)?)([km]?)$/.exec(value);
  if (bandwidth) {
    const unit = bandwidth[2] === 'm' ? 1e6 : bandwidth[2] === 'k' ? 1e3 : 1;
    const bitsPerSecond = Math.round(Number(bandwidth[1]) * unit);
    return bitsPerSecond > 0 && Number.isSafeInteger(bitsPerSecond) ? { by: 'bandwidth', bitsPerSecond } : undefined;
  }
  return undefined;
}
