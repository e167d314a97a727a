// The transfer model every front end sees. Plain data only: it crosses IPC, WebSockets and
// lands in the records files, so no classes, no Dates (epoch milliseconds instead), no Node
// or DOM types.
import type { StreamView } from './stream';

export const TRANSFER_STATES = ['queued', 'active', 'paused', 'completed', 'failed', 'canceled'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

export const TRANSFER_PRIORITIES = ['high', 'normal', 'low'] as const;
export type TransferPriority = (typeof TRANSFER_PRIORITIES)[number];

export const TRANSFER_KINDS = ['download', 'upload'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** States a transfer never leaves on its own; only retry/remove act on them. */
export const FINISHED_STATES: readonly TransferState[] = ['completed', 'failed', 'canceled'];

export type ErrorCode =
  | 'HTTP_STATUS' // the server answered with a non-2xx status
  | 'NETWORK' // connection refused, reset, DNS, TLS ...
  | 'PROXY' // the proxy refused, wants other credentials, is down, or its setting cannot be used
  | 'STALLED' // no bytes for the stall timeout
  | 'RESPONSE_TIMEOUT' // upload body sent, no answer in time
  | 'REDIRECT' // redirect loop, too many redirects, or redirect to a forbidden protocol
  | 'UNSUPPORTED_URL' // not http(s)
  | 'RESPONSE_MISMATCH' // a 206 for a range we did not ask for, a Content-Range that does not fit ...
  | 'SIZE_MISMATCH' // fewer or more bytes than announced
  | 'CHECKSUM_MISMATCH'
  | 'DISK_FULL'
  | 'FILE_SYSTEM' // permission denied, path vanished, ...
  | 'SOURCE_UNREADABLE' // upload source missing, a directory, unreadable
  | 'NO_SPACE_FOR_STAGING'
  | 'UNSUPPORTED_STREAM' // a live, DRM-protected or SAMPLE-AES video stream Ferry cannot save
  | 'INTERNAL';

/** An error as a value people can read. `status` is set whenever an HTTP status caused it. */
export interface TransferError {
  code: ErrorCode;
  message: string;
  status?: number;
  /** First 200 characters of the response body, cleaned of control characters (uploads). */
  body?: string;
  /** Whether the engine would retry this error on its own. */
  retryable: boolean;
}

export interface TransferProgress {
  bytesDone: number;
  /** null while the size is unknown (no Content-Length). */
  totalBytes: number | null;
  /** Bytes per second, smoothed. */
  speed: number;
  /** Seconds left, null when unknown. */
  etaSeconds: number | null;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface DownloadDetails {
  directory: string;
  /** The rule that filed the download into `directory` (Settings › Rules), when one did. */
  rule?: string;
  /** Name the file will get (or got) on disk. */
  fileName: string;
  /** Set once the finished file has its final name. */
  filePath?: string;
  /** Name the user asked for with --out / the dialog; wins over the server's name. */
  requestedName?: string;
  /** The SHA-256 the user asked to check (--sha256, the Add dialog). */
  sha256?: string;
  /** The SHA-256 of the finished file, computed while it was written (hex). */
  fileSha256?: string;
  /** false once the server showed it cannot serve ranges: pause/resume restarts. */
  resumable: boolean;
  /** Connections open at the last checkpoint of a segmented download. */
  connections?: number;
  /** Byte ranges of a segmented download (coalesced, updated about once a second); `done` bytes from each start are on disk. */
  segments?: SegmentView[];
  /** Set once the URL turned out to be a video stream (HLS/DASH): its segments and variant. */
  stream?: StreamView;
  /** A download from several URLs of one file (mirrors): each with what it is doing; the first is `url`. */
  sources?: SourceView[];
}

export interface SourceView {
  url: string;
  /**
   * waiting: not used yet (or its bytes not yet compared with the file's); serving: used, its bytes
   * agree; dropped: not used again by this download (see `reason`).
   */
  status: 'waiting' | 'serving' | 'dropped';
  reason?: string;
}

export interface SegmentView {
  start: number;
  end: number;
  done: number;
}

export type UploadProtocol = 'raw' | 'multipart' | 'tus';
export type UploadMethod = 'PUT' | 'POST';

export interface StagedCopyFacts {
  path: string;
  size: number;
  /** mtime of the source when it was staged. */
  sourceMtimeMs: number;
  /** Empty while the staged copy is still being copied and hashed (off the main thread). */
  sha256: string;
  /** true when the copy was made as a reflink/clone. */
  cloned?: boolean;
}

export interface UploadDetails {
  sourcePath: string;
  protocol: UploadProtocol;
  method: UploadMethod;
  destinationId?: string;
  destinationName?: string;
  fieldName?: string;
  staged?: StagedCopyFacts;
  /** Status and Location of the server's final answer. */
  response?: { status: number; location?: string };
  /** raw and multipart cannot continue mid-body: resume sends the whole file again. */
  restartsOnResume: boolean;
}

export interface TransferLogEntry {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

import type { ProxyChoice } from './proxy';

export interface TransferView {
  id: string;
  kind: TransferKind;
  state: TransferState;
  /** Display name: the file name. */
  name: string;
  /** The URL the user gave (download source or upload target). */
  url: string;
  /** The URL after redirects, when different. */
  finalUrl?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  progress: TransferProgress;
  /** Attempt number of the current run, 1-based; > 1 means the engine is retrying. */
  attempt: number;
  /** When the next retry starts (epoch ms), while waiting for one. */
  nextRetryAt?: number;
  error?: TransferError;
  /** Bytes per second for this transfer; null or absent: no own limit. */
  speedLimit?: number | null;
  /** Where it stands in the queue: a smaller number comes first (a key to sort by, not an index). */
  queueOrder?: number;
  /** Which queued transfer starts first: high before normal before low, queue order within each; absent: normal. */
  priority?: TransferPriority;
  /** This transfer's own way to the network; absent: the proxy setting. Passwords masked in every UI. */
  proxy?: ProxyChoice;
  validators?: Validators;
  download?: DownloadDetails;
  upload?: UploadDetails;
  /** Most recent events and errors, newest last, bounded. */
  log: TransferLogEntry[];
}

export function isFinished(state: TransferState): boolean {
  return FINISHED_STATES.includes(state);
}
