// The engine's internal model: what it persists per transfer and the seam between the
// engine (queue, states, retries, persistence) and the workers that move bytes.
import type { Agent } from 'node:http';
import type { ProxyChoice } from '../../shared/proxy';
import type { StreamOptions } from '../../shared/stream';
import type { TransferError, TransferPriority, TransferView, UploadMethod, UploadProtocol } from '../../shared/transfer';
import type { StreamResumeData } from './stream/stream-resume';

/** A contiguous byte range of the target file. `end` is exclusive; null while the size is unknown. */
export interface ByteSegment {
  start: number;
  end: number | null;
  /** Bytes of this segment flushed to disk (fsync'd) before this number was recorded. */
  done: number;
}

/**
 * What one URL of a download is known by: where its redirects end, its own validators (a mirror's
 * ETag is not the primary's), whether its bytes were compared with the .part's, and whether it was
 * dropped for this transfer. The primary URL's facts sit at the top of DownloadResumeData (records
 * of older versions have them there); a mirror's are one of these in `mirrors`.
 */
export interface SourceFacts {
  url: string;
  finalUrl?: string;
  /** As DownloadResumeData.finalUrlKeepsHeaders, for this URL's redirects. */
  finalUrlKeepsHeaders?: boolean;
  etag?: string;
  lastModified?: string;
  /** Its bytes agree with the .part's (it wrote them, or samples of them were compared). */
  verified?: boolean;
  /** Why it is not used any more for this transfer (refused, another size, other bytes); absent: in use. */
  dropped?: string;
}

export interface DownloadResumeData {
  kind: 'download';
  url: string;
  finalUrl?: string;
  /**
   * Whether the user's headers may go to `finalUrl`: false when a redirect on the way to it left
   * their origin (origin-headers.ts). Absent in records of older versions: judged by the URLs.
   */
  finalUrlKeepsHeaders?: boolean;
  etag?: string;
  lastModified?: string;
  totalBytes: number | null;
  /**
   * One segment [0, total) for a single connection; several for a segmented download, covering
   * [0, total) without gaps. Each `done` was fsync'd before it was recorded.
   */
  segments: ByteSegment[];
  partPath?: string;
  /**
   * Inode of the .part. The final name is a hard link of the same inode, so after a crash between
   * the rename and its checkpoint the finished file can be recognised instead of downloaded again.
   */
  partInode?: number;
  /**
   * Device and birth time of the .part. With the inode they say which file Ferry created: a .part
   * that is now a link or another file is never continued (part-identity.ts).
   */
  partDev?: number;
  partBirthtimeMs?: number;
  /** Set once the URL turned out to be a video stream: which of its segments are on disk. */
  stream?: StreamResumeData;
  /**
   * The URL was replaced (an expired link) after bytes were written: they are compared with what
   * it serves before they are continued. Absent: the URL wrote them (every older record).
   */
  urlUnverified?: boolean;
  /** Why the URL was dropped for this transfer while mirrors go on; absent: in use. */
  urlDropped?: string;
  /** The mirrors' own facts (validators, drops), by URL; their order is the request's. */
  mirrors?: SourceFacts[];
}

export interface UploadResumeData {
  kind: 'upload';
  /** tus: the upload URL the server created; continuing asks it for the offset. */
  tusUploadUrl?: string;
  /** Bytes the server confirmed (tus) or bytes sent in the current attempt (raw/multipart). */
  bytesConfirmed: number;
}

export type ResumeData = DownloadResumeData | UploadResumeData;

export interface DownloadRequest {
  url: string;
  /**
   * Other URLs of the same file (aria2's several URIs, an input file's TAB-separated mirrors, "Add
   * mirror…"): segments spread over all of them; one that fails is dropped and the others finish.
   */
  mirrors?: string[];
  /**
   * The origin `headers` were given for, once the URL changed to another one (an expired link
   * replaced): they keep going there only. Absent: the URL's own origin.
   */
  headersOrigin?: string;
  directory: string;
  /** File name chosen by the user; otherwise Content-Disposition / URL decide. */
  fileName?: string;
  sha256?: string;
  headers?: Record<string, string>;
  speedLimit?: number | null;
  priority?: TransferPriority;
  /** Added paused (aria2's `pause=true`): it waits for resume without connecting first. */
  paused?: boolean;
  /** Connections for this download (1-32); absent: the worker's default. */
  connections?: number;
  /**
   * `connections` is the host's default copied into the download (Settings › Connections per
   * download), not a count someone asked for: the ramp still starts with one and stays there where
   * one connection is already fast. An asked-for count opens at once.
   */
  connectionsByDefault?: boolean;
  /** Video streams: the variant to take, the page title, or "this URL must be a stream". */
  stream?: StreamOptions;
  /** This transfer's own way to the network; absent: the engine's proxy setting. Passwords as secret references. */
  proxy?: ProxyChoice;
  /**
   * `directory` is only the default (the caller named no folder): the worker's FolderChooser (the
   * user's rules) may file the download elsewhere once its final name is known, before its .part exists.
   */
  filedByRules?: boolean;
}

/** What a download is known by when its .part is about to be created: the final name and response. */
export interface FolderQuestion {
  fileName: string;
  mimeType?: string;
  url: string;
  finalUrl: string;
}

/** The folder (absolute) and the name of the rule that chose it; undefined: the default folder. */
export type FolderChooser = (question: FolderQuestion) => { folder: string; rule: string } | undefined;

export interface UploadRequest {
  sourcePath: string;
  url: string;
  method?: UploadMethod;
  protocol?: UploadProtocol;
  /** multipart: the file's field name and extra text fields. */
  fieldName?: string;
  fields?: Record<string, string>;
  /** Header values may be secret references resolved through the SecretsProvider. */
  headers?: Record<string, string>;
  destinationId?: string;
  speedLimit?: number | null;
  /** As for downloads: this upload's own proxy choice, passwords as secret references. */
  proxy?: ProxyChoice;
}

/**
 * What the engine knows about one transfer besides its request and resume data, as it is: the URL
 * with its password, log lines and errors as written, the worker's latest byte count. Persisted in
 * the record and never sent: what a client sees is derived from it where it leaves the engine
 * (transferView() in transfer-view.ts), masked and copied. It has the view's shape because the
 * view is these facts shown; the record is not the view.
 */
export type TransferFacts = TransferView;

/**
 * Everything persisted for one transfer. Saved as JSON by the record store; records of the first
 * format held the facts under `view` and are read as well (record-store.ts).
 */
export interface TransferRecord {
  transfer: TransferFacts;
  resume: ResumeData;
  request: { kind: 'download'; download: DownloadRequest } | { kind: 'upload'; upload: UploadRequest };
  /** Position in the queue; lower runs first. */
  order: number;
  /** Consecutive attempts that made no progress; the retry budget counts these. */
  attemptsWithoutProgress: number;
}

/** Raised by workers. Retryable errors go back through the retry policy. */
export class TransferFailure extends Error {
  constructor(
    readonly error: TransferError,
    /** Server's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs?: number,
    /** A smaller retry budget than the engine's for this kind of failure (e.g. DNS). */
    readonly maxRetries?: number,
    /**
     * While no byte of this transfer ever flowed: a smaller budget still, each retry waiting
     * `waitMs` (a refused first connection: most likely a mistyped port, or a server in a restart
     * of a second or two).
     */
    readonly firstContact?: { retries: number; waitMs: number },
  ) {
    super(error.message);
    this.name = 'TransferFailure';
  }
}

/** Outcome of a worker attempt that did not throw. */
export type AttemptResult =
  | { outcome: 'completed'; patch?: Partial<TransferFacts> }
  /** The worker stopped because the engine aborted it (pause, cancel, shutdown). */
  | { outcome: 'aborted' };

/**
 * Resolves when `bytes` may pass under the speed limits; undefined when they may pass at once (no
 * limit set), so that per-chunk readers stay synchronous in the common case (a promise per 64 KiB
 * chunk forces a pause and resume of the socket for each).
 */
export type Throttle = (bytes: number, signal: AbortSignal) => Promise<void> | undefined;

/**
 * Facts a worker reports about its transfer: resume data, and what it learnt that a view shows
 * (name, size, validators, details). Nested detail objects merge one level deep (records.ts).
 */
export interface CheckpointPatch {
  resume?: Partial<ResumeData>;
  transfer?: Partial<TransferFacts>;
  /**
   * The facts' name before records and views were told apart. mergeCheckpoint ignores it, so a
   * patch built elsewhere that still says `view` would lose its facts without a word: refused here.
   */
  view?: never;
}

/** What the engine hands a worker for one attempt. */
export interface AttemptContext {
  readonly record: Readonly<TransferRecord>;
  /** Aborted on pause, cancel, remove and shutdown. Workers must stop promptly and keep resume data true. */
  readonly signal: AbortSignal;
  readonly stallTimeoutMs: number;
  /**
   * Every request of the attempt goes through this agent (got's `agent`, tus-js-client's request
   * options): it routes each URL direct or through the proxy. Absent: no proxy applies, Node's defaults.
   */
  readonly agent?: Agent;
  /** Waits until `bytes` may pass under the transfer's and the global speed limits. */
  throttle: Throttle;
  /** Live progress (coalesced by the engine before it reaches any UI). */
  progress(bytesDone: number, totalBytes: number | null): void;
  /**
   * Merge into the record and persist. Call only with facts that are already durable
   * (data fsync'd before the offset that describes it).
   */
  checkpoint(patch: CheckpointPatch): Promise<void>;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** A worker moves bytes for one kind of transfer. The engine owns everything else. */
export interface TransferWorker {
  /**
   * Called once when a transfer is added (and again when a canceled one is retried), before it is
   * queued. Uploads stage their copy here. Throwing a TransferFailure refuses the add with that error.
   * Returns facts to merge into the new record.
   */
  prepare?(record: Readonly<TransferRecord>): Promise<CheckpointPatch>;
  /** Called once at engine start with every record: clean up what no record owns. */
  startup?(records: readonly Readonly<TransferRecord>[]): Promise<void>;
  attempt(ctx: AttemptContext): Promise<AttemptResult>;
  /** Cancel/remove: delete partial files, staged copies etc. */
  discard(record: Readonly<TransferRecord>, opts: { deleteFinishedFile: boolean }): Promise<void>;
}
