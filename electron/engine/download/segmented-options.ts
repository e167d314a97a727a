// What a segmented download attempt is given (segmented-attempt.ts builds it): the .part, its
// ranges, the URLs to ask and how to ask, judge and compare them, the connection budget, and
// where progress and durable ranges go. Its own file so the scheduler in multi-connection.ts
// reads without it.
import type { FileHandle } from 'node:fs/promises';
import type { ByteSegment, SourceFacts, Throttle } from '../types';
import type { HostConnectionPool } from './host-pool';
import type { OpenedResponse } from './http-request';
import type { RangeSources } from './range-sources';
import type { RangeVerdict } from './range-verdict';
import type { SegmentTable } from './segment-table';
import type { SourceVerdict } from './source-check';

export interface SegmentedOptions {
  handle: FileHandle;
  total: number;
  /** The ranges and their holders; connections check ranges out of it and back in. */
  table: SegmentTable;
  /** The URLs to ask (the download's own and its mirrors), each with its own validators. */
  sources: RangeSources;
  /** A response already open at the start of the table's first range (the probe's body), and its source. */
  first?: { opened: OpenedResponse; source: SourceFacts };
  openRange(source: SourceFacts, start: number, endExclusive: number, signal: AbortSignal): Promise<OpenedResponse>;
  judge(source: SourceFacts, opened: OpenedResponse, start: number): Promise<RangeVerdict>;
  /** Compares a source's bytes with the written ranges, before its first range (source-check.ts). */
  check(source: SourceFacts, written: [number, number][], signal: AbortSignal): Promise<SourceVerdict>;
  maxConnections: number;
  /** The user named the count (`--connections`, a per-transfer override): open it at once. */
  connectionsAsked?: boolean;
  pool: HostConnectionPool;
  signal: AbortSignal;
  stallTimeoutMs: number;
  checkpointIntervalMs: number;
  throttle: Throttle;
  progress(bytesWritten: number): void;
  /** Persist resume data; called only with durable counts. */
  record(segments: ByteSegment[], connections: number): Promise<void>;
  log(level: 'info' | 'warn', message: string): void;
}
