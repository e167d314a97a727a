// A Ferry transfer as aria2's tellStatus struct: every number a decimal string, the status one of
// aria2's six, errorCode one of aria2's exit codes. Only the keys aria2 sends for a plain HTTP
// download (no BitTorrent keys).
import path from 'node:path';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import type { TransferError, TransferState, TransferView } from '../../../../shared/transfer';
import { gidOf } from './gid';

export type Aria2Status = 'active' | 'waiting' | 'paused' | 'error' | 'complete' | 'removed';

const STATUS_OF: Record<TransferState, Aria2Status> = {
  queued: 'waiting',
  active: 'active',
  paused: 'paused',
  completed: 'complete',
  failed: 'error',
  canceled: 'removed',
};

export function aria2Status(state: TransferState): Aria2Status {
  return STATUS_OF[state];
}

/** aria2's default piece length ("1M"): only used to shape numPieces and bitfield. */
export const PIECE_LENGTH = 1024 * 1024;

export interface Aria2Uri {
  uri: string;
  status: 'used' | 'waiting';
}

export interface Aria2File {
  index: string;
  path: string;
  length: string;
  completedLength: string;
  selected: 'true';
  uris: Aria2Uri[];
}

export type Aria2StatusStruct = Record<string, string | Aria2File[]>;

/**
 * aria2's URI list: "waiting" until a download first connects, "used" after. Each URI once: aria2
 * repeats a URI once per connection slot (split=4 lists it four times) and puts a finished one back
 * in the pool (listed twice, "used" and "waiting"), which reads as two sources to a person; docs/rpc.md's
 * aria2 table names the difference. A download with mirrors lists each: one that served or was
 * dropped for this download as "used" (aria2 lists a failed URI as "used", and a client deleting it
 * with changeUri must see it), the others "waiting". A password in the URI is masked, as on every
 * other surface (aria2 shows it).
 */
export function urisOf(view: TransferView): Aria2Uri[] {
  const sources = view.download?.sources;
  if (sources) {
    return sources.map((s) => ({ status: s.status === 'waiting' ? 'waiting' : 'used', uri: maskUrlPasswords(s.url) }));
  }
  const uri = maskUrlPasswords(view.url);
  return [{ uri, status: view.startedAt === undefined ? 'waiting' : 'used' }];
}

/** Open connections, as aria2 counts them: a segmented download's count at its last checkpoint (about a second old), else one while active. */
export function connectionsOf(view: TransferView): number {
  if (view.state !== 'active') return 0;
  return Math.max(1, view.download?.connections ?? 1);
}

export function filesOf(view: TransferView): Aria2File[] {
  const download = view.download;
  const total = view.progress.totalBytes;
  const filePath = download?.filePath ?? (download ? path.join(download.directory, download.fileName) : '');
  return [
    {
      index: '1',
      path: filePath,
      length: String(total ?? 0),
      completedLength: String(view.progress.bytesDone),
      selected: 'true',
      uris: urisOf(view),
    },
  ];
}

export function statusStruct(view: TransferView): Aria2StatusStruct {
  const status = aria2Status(view.state);
  const total = view.progress.totalBytes ?? 0;
  const done = view.progress.bytesDone;
  const numPieces = total > 0 ? Math.ceil(total / PIECE_LENGTH) : 0;
  const struct: Aria2StatusStruct = {
    gid: gidOf(view.id),
    status,
    totalLength: String(total),
    completedLength: String(done),
    uploadLength: '0',
    downloadSpeed: String(status === 'active' ? Math.round(view.progress.speed) : 0),
    uploadSpeed: '0',
    connections: String(connectionsOf(view)),
    numPieces: String(numPieces),
    pieceLength: String(PIECE_LENGTH),
    dir: view.download?.directory ?? '',
    files: filesOf(view),
  };
  if (numPieces > 0) struct.bitfield = bitfield(done, total, numPieces);
  if (status === 'complete' || status === 'error' || status === 'removed') {
    struct.errorCode = errorCodeOf(view);
    struct.errorMessage = status === 'error' ? maskUrlPasswords(view.error?.message ?? '') : '';
  }
  return struct;
}

/** aria2's `keys` parameter: only those keys, in aria2's case-sensitive names; none given: all. */
export function pickKeys(struct: Aria2StatusStruct, keys: readonly string[] | undefined): Aria2StatusStruct {
  if (!keys || keys.length === 0) return struct;
  const picked: Aria2StatusStruct = {};
  for (const key of keys) if (Object.hasOwn(struct, key)) picked[key] = struct[key]!;
  return picked;
}

/** One bit per piece, most significant first, as hex: a piece is set once every byte of it is on disk. */
function bitfield(done: number, total: number, numPieces: number): string {
  const bytes = new Uint8Array(Math.ceil(numPieces / 8));
  const fullPieces = done >= total ? numPieces : Math.floor(done / PIECE_LENGTH);
  for (let i = 0; i < fullPieces; i++) bytes[i >> 3]! |= 0x80 >> (i & 7);
  return Buffer.from(bytes).toString('hex');
}

function errorCodeOf(view: TransferView): string {
  if (view.state === 'completed') return '0';
  if (view.state === 'canceled') return '31'; // aria2: "removed by the user"
  return aria2ErrorCode(view.error);
}

/** aria2's exit codes (its manual, "EXIT STATUS") for Ferry's error codes. */
export function aria2ErrorCode(error: TransferError | undefined): string {
  if (!error) return '1';
  switch (error.code) {
    case 'HTTP_STATUS':
      if (error.status === 404) return '3';
      if (error.status === 401) return '24';
      if (error.status === 503) return '29';
      return '22';
    case 'NETWORK':
      return '6';
    case 'STALLED':
    case 'RESPONSE_TIMEOUT':
      return '2';
    case 'RESPONSE_MISMATCH':
    case 'SIZE_MISMATCH':
      return '8';
    case 'CHECKSUM_MISMATCH':
      return '32';
    case 'DISK_FULL':
    case 'NO_SPACE_FOR_STAGING':
      return '9';
    case 'FILE_SYSTEM':
    case 'SOURCE_UNREADABLE':
      return '17';
    default:
      return '1';
  }
}
