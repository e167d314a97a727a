// The download worker's knobs: how often it checkpoints and how many connections a download
// may use. Kept apart from the attempt logic so hosts and tests read them in one place.
import type { SecretsProvider } from '../secrets';
import type { FolderChooser } from '../types';
import { DEFAULT_CONNECTIONS_PER_HOST, HostConnectionPool } from './host-pool';
import { DEFAULT_MIN_SPLIT } from './segment-plan';

export interface DownloadWorkerOptions {
  /** How often progress is made durable (fsync + checkpoint). Default 1000 ms. */
  checkpointIntervalMs?: number;
  /** Connections per download when the request names none (1-32). Default 16, the per-host budget. */
  connections?: number;
  /** Smallest range worth its own connection; files under twice this use one. Default 1 MiB. */
  minSplitBytes?: number;
  /** Connections per host shared by every download of this worker (and so of its engine). */
  pool?: HostConnectionPool;
  /** Resolves the header references the engine stored (download-header-secrets.ts). */
  secrets?: SecretsProvider;
  /** Video streams: the ffmpeg that remuxes them (null: none); absent: FERRY_FFMPEG, else `ffmpeg` on PATH. */
  ffmpeg?: string | null;
  /** Files a download whose request says `filedByRules` into the folder of the user's rule (the hosts: rule-match.ts). */
  folderFor?: FolderChooser;
  /**
   * Whether every finished download records its file's SHA-256 (`fileSha256`, shown in the details
   * panel). Default true. Hashing costs about 0.7-1.0 s of CPU per GiB on a second thread, which on
   * two busy cores is also wall time; a front that never shows the hash (a standalone `ferry get`)
   * turns it off. A SHA-256 the user asked to check is always computed.
   */
  fileSha256?: boolean;
}

/**
 * As many as one host's budget: a download alone on its server may use all of it (aria2c -x16 -s16
 * and IDM's 16), and the ramp keeps a single connection where one is already fast.
 */
export const DEFAULT_CONNECTIONS = DEFAULT_CONNECTIONS_PER_HOST;
/**
 * A SIGKILL loses what arrived since the last checkpoint. With 16 connections that is 16 times the
 * bytes per second of one; at 100 ms two kills cost a few per cent of a download lasting seconds.
 */
export const SEGMENTED_CHECKPOINT_MS = 100;
export const MAX_CONNECTIONS = 32;

/** The settings a running worker reads at every attempt (the host may change them). */
export interface SegmentSettings {
  connections: number;
  minSplitBytes: number;
  pool: HostConnectionPool;
  checkpointIntervalMs: number;
}

export function segmentSettingsFrom(options: DownloadWorkerOptions): SegmentSettings {
  return {
    connections: clampConnections(options.connections ?? DEFAULT_CONNECTIONS),
    minSplitBytes: options.minSplitBytes ?? DEFAULT_MIN_SPLIT,
    pool: options.pool ?? new HostConnectionPool(),
    checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
  };
}

export function clampConnections(count: number): number {
  return Math.max(1, Math.min(MAX_CONNECTIONS, Math.floor(count) || 1));
}
