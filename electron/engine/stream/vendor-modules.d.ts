// Types for the parts of two untyped packages the stream module uses (mpd-parser 1.x, mux.js 7.x).
// Only the fields read by dash-plan.ts are declared; anything else stays unknown.

declare module 'mpd-parser' {
  export interface MpdByteRange {
    offset: number;
    length: number;
  }
  export interface MpdSegment {
    resolvedUri: string;
    duration: number;
    byterange?: MpdByteRange;
    map?: { resolvedUri: string; byterange?: MpdByteRange };
    timeline?: number;
  }
  export interface MpdPlaylist {
    attributes: {
      BANDWIDTH?: number;
      RESOLUTION?: { width: number; height: number };
      CODECS?: string;
      NAME?: string;
      mimeType?: string;
      lang?: string;
    };
    segments: MpdSegment[];
    sidx?: { resolvedUri: string; byterange: MpdByteRange; map?: { resolvedUri: string; byterange?: MpdByteRange }; duration: number };
    contentProtection?: Record<string, unknown>;
    endList?: boolean;
  }
  export interface MpdMediaGroup {
    language?: string;
    default?: boolean;
    autoselect?: boolean;
    playlists: MpdPlaylist[];
  }
  export interface MpdManifest {
    playlists: MpdPlaylist[];
    mediaGroups: { AUDIO?: Record<string, Record<string, MpdMediaGroup>>; SUBTITLES?: Record<string, Record<string, MpdMediaGroup>> };
    duration?: number;
    endList?: boolean;
  }
  export function parse(manifest: string, options: { manifestUri: string }): MpdManifest;
  export interface ParsedSidx {
    timescale: number;
    firstOffset: number | bigint;
    references: { referenceType: number; referencedSize: number; subsegmentDuration: number }[];
  }
  export function addSidxSegmentsToPlaylist(playlist: MpdPlaylist, sidx: ParsedSidx, baseUrl: string): MpdPlaylist;
}

declare module 'mux.js/lib/tools/parse-sidx.js' {
  import type { ParsedSidx } from 'mpd-parser';
  /** The sidx box's payload (after its 8-byte header). */
  export default function parseSidx(data: Uint8Array): ParsedSidx;
}
