// The one contract between Ferry's UIs and its engine hosts (Electron IPC and the headless
// WebSocket host). Every request is declared here once with a zod schema for its input, keyed by
// the names in ./names.ts (which the transports read without loading zod); the hosts dispatch by
// this table and the UI's API type is derived from it. No Node or DOM imports.
//
// Transports (all carry exactly this table; see electron/hosts/kit/ipc/, shared/wire/ and electron/hosts/headless/):
// - Electron: the preload exposes `window.ferry` (FerryApi + chooseDroppedFiles, which trades one
//   drop's Files for main-process handles once the user confirmed them in a native dialog); one
//   IPC channel per request (`ferry:call:<name>`),
//   events on `ferry:event`. No snapshot is pushed: call snapshot(). The renderer holds handles
//   for upload files and picks download folders with chooseDownloadFolder: it names no path.
// - The wire (shared/wire/messages.ts: calls, replies, events, the snapshot first) over the headless
//   host's WebSocket and the local control socket. Headless: the host prints
//   `Ferry UI: http://127.0.0.1:PORT/#token=<64 hex>`; the page takes the token from the fragment and
//   opens `ws://<host>/ws?token=<token>`. Dropped files: `POST /api/upload-file?name=` with header
//   `X-Ferry-Token: <token>` and the raw bytes → `{ path }` for addUploads.
// Who is calling is never part of a message: each transport knows it (the desktop window, the
// machine's owner, a browser or RPC client) and the host's one service takes it with every call
// (electron/hosts/kit/service/callers.ts says what each may ask).
import { z } from 'zod';
import type { Destination, Settings } from './settings';
import { absoluteFolderSchema, destinationHeaderSchema, destinationInputSchema, destinationSchema, settingsPatchSchema } from './settings';
import { parseVariantChoice, STREAM_KINDS, type StreamDescription } from './stream';
import { proxyChoiceSchema } from './proxy';
import { TRANSFER_PRIORITIES, type TransferProgress, type TransferView } from './transfer';
import type { ContinueOffer } from './continue-offer';
import { EVENT_NAMES, REQUEST_NAMES, type EventName, type RequestName } from './names';

export { EVENT_NAMES, REQUEST_NAMES, type EventName, type RequestName };

const id = z.string().min(1).max(64);
const downloadHeaders = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name'),
    // No CR/LF/NUL: they would split or cut the request. A browser's Cookie header may be long.
    z.string().max(256 * 1024).regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks'),
  )
  .refine((headers) => Object.keys(headers).length <= 100, 'at most 100 headers');
const ids = z.array(id).min(1).max(100_000);
const httpUrl = z
  .string()
  .trim()
  .max(8192)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs can be downloaded');

export const addDownloadsInput = z.strictObject({
  urls: z.array(httpUrl).min(1).max(1000),
  /** Other addresses of the same file (aria2's several URIs of one download); only with a single URL. */
  mirrors: z.array(httpUrl).max(16).optional(),
  /** Folder to save into; the settings' download folder when absent. Hosts expand a leading `~` first. */
  directory: absoluteFolderSchema.optional(),
  /** Only with a single URL: the file name to save as. */
  fileName: z.string().min(1).max(255).optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 is 64 hexadecimal characters')
    .optional(),
  /**
   * Connections for these downloads (1-32, opened at once); the settings' connectionsPerDownload when
   * absent; 'adaptive': one, and more while they raise the speed, up to the engine's default (what
   * `ferry get` and aria2 clients get when they name no count).
   */
  connections: z.union([z.number().int().min(1).max(32), z.literal('adaptive')]).optional(),
  /** Video streams (HLS/DASH): the variant to take, the page's title for the name, "must be a stream". */
  stream: z
    .strictObject({
      kind: z.enum(STREAM_KINDS).optional(),
      variant: z.string().max(32).refine((v) => parseVariantChoice(v) !== undefined, 'best, worst, WIDTHxHEIGHT or a bandwidth').optional(),
      title: z.string().max(300).optional(),
    })
    .optional(),
  /** Their own way to the network; the proxy setting when absent. Passwords go to the host's secret store. */
  proxy: proxyChoiceSchema.optional(),
  /** Request headers (a browser's cookies, Referer, User-Agent); only ever sent to the URL's own origin. Kept in the host's secret store. */
  headers: downloadHeaders.optional(),
  /** Added paused: they wait for resume without connecting first. */
  paused: z.boolean().optional(),
  /** Each one's own speed limit in bytes per second. */
  bytesPerSecond: z.number().int().positive().max(10 * 1024 ** 3).optional(),
  /** Which queued transfer starts first (high, normal, low); normal when absent. */
  priority: z.enum(TRANSFER_PRIORITIES).optional(),
  /**
   * Continue an unfinished download of the same URL into the same folder under the same name
   * (an earlier run of the same command) instead of adding a new one: what a rerun of `ferry get` does.
   */
  continueUnfinished: z.boolean().optional(),
  /**
   * The file's size as the caller knows it (the browser's announced size; aria2 option `ferry-size`).
   * With a file name, from a browser or RPC client: when an unfinished download has that name and
   * size, the new one is held paused and the UIs are offered to continue the earlier one with this
   * link (shared/continue-offer.ts). Never a check of the file: the server's answer decides its size.
   */
  sizeHint: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * Files to upload, named in one of two ways. The headless host takes absolute `paths` (its token
 * holder owns the machine). The desktop app takes only `handles`: opaque ids its main process
 * issued for files the user picked in the native dialog, dropped on the window (and confirmed in a
 * native dialog) or handed over at launch, so a compromised renderer cannot name a file the user never chose.
 */
export const addUploadsInput = z
  .strictObject({
    paths: z.array(z.string().min(1).max(4096)).min(1).max(1000).optional(),
    handles: z.array(id).min(1).max(1000).optional(),
    destinationId: id,
  })
  .refine((input) => input.paths !== undefined || input.handles !== undefined, 'name the files to upload by paths or handles');

/**
 * Uploads to a target named in the call, not a saved destination: what `ferry put` hands to a
 * running Ferry over its owner-only local channel. Paths, so only hosts whose caller owns the
 * machine take it (the desktop app's window is refused, as for addUploads' paths). Header values
 * are kept in the host's secret store, never in the records.
 */
export const addUploadsToInput = z.strictObject({
  uploads: z
    .array(
      z.strictObject({
        // Absolute: a relative path would mean whatever the host's working folder is.
        path: z.string().min(1).max(4096).refine((p) => /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(p) && !p.includes('\0'), 'the file must be named by an absolute path'),
        url: httpUrl,
      }),
    )
    .min(1)
    .max(1000),
  method: destinationSchema.shape.method,
  protocol: destinationSchema.shape.protocol,
  headers: z.array(destinationHeaderSchema.omit({ secret: true })).max(50).optional(),
  fieldName: z.string().min(1).max(200).optional(),
  fields: z.record(z.string().max(200), z.string().max(10_000)).optional(),
  /** Per-transfer speed limit in bytes per second. */
  bytesPerSecond: z.number().int().positive().max(10 * 1024 ** 3).optional(),
  /** The uploads' own way to the network (`ferry put --all-proxy`); passwords go to the secret store. */
  proxy: proxyChoiceSchema.optional(),
  /**
   * A rerun of `ferry put`: continue an unfinished tus upload of the same file to the same URL, and
   * drop unfinished raw or multipart ones of it (they restart from byte 0 anyway).
   */
  continueUnfinished: z.boolean().optional(),
});

/**
 * A list of links to import, in aria2's input-file format (shared/input-file.ts) or one URL a line.
 * Bounded so one message stays under the headless host's 16 MiB WebSocket frame (JSON escaping and
 * UTF-8 included) and one import cannot grow the list without end.
 */
export const LIST_MAX_CHARS = 8 * 1024 * 1024;
export const LIST_MAX_LINKS = 100_000;

export const importLinksInput = z.strictObject({
  text: z.string().max(LIST_MAX_CHARS, `a list of links can be at most ${LIST_MAX_CHARS / 1024 / 1024} MiB of text`),
  /** Where the links go (a folder the window picked; any for the owner); the settings' download folder when absent. */
  directory: absoluteFolderSchema.optional(),
});

/** What an import did. */
export interface ImportLinksResult {
  /** The ids of the downloads added, in the list's order. */
  ids: string[];
  /** Links left out because the same URL is listed already (or earlier in the same file). */
  skipped: number;
  /** Lines that could not be added, with why. */
  problems: Array<{ line: number; message: string }>;
  /** What to tell the user once: mirrors not used yet, folders not taken, lines ignored. */
  notes: string[];
}

/** The downloads as aria2 input-file text (all of them, or the ids given); header values never included. */
export interface ExportListResult {
  text: string;
  /** How many downloads it lists. */
  count: number;
}

/** A file the main process let the user choose (dialog, drop, launch hand-off), as the UI holds it. */
export interface ChosenFile {
  handle: string;
  /** The file's name, for display only. */
  name: string;
  size: number;
}

const idsInput = z.strictObject({ ids });
const oneIdInput = z.strictObject({ id });
const nothing = z.undefined();

/** Phantom marker carrying an output type through the table without a runtime schema. */
function returns<T>(): T {
  return undefined as T;
}

/**
 * Where aria2 clients reach this Ferry (Settings › aria2 RPC). The secret itself never goes to a
 * UI: a page that held it could call the RPC as any client; the desktop app copies it to the
 * clipboard in its main process (copyRpcSecret), and every host names the file that holds it.
 */
export interface RpcInfo {
  enabled: boolean;
  /** http://127.0.0.1:PORT/jsonrpc while it runs, else null. */
  endpoint: string | null;
  /** The file that holds the secret (`<data dir>/rpc-secret`); null where this host serves no RPC. */
  secretFile: string | null;
  /** Whether copyRpcSecret works here (the desktop app, whose main process writes the clipboard). */
  canCopySecret: boolean;
  /** Why it is not running although enabled (port taken ...). */
  problem?: string;
}

/** The schedules as they stand (issue 20): for the toolbar and Settings › Schedule. */
export interface ScheduleState {
  /** Queue hours: 'always' when none are set. */
  queue: 'always' | 'open' | 'closed';
  /** "Run now" opened the queue outside its hours, until nextQueueStep. */
  heldOpen: boolean;
  /** When the queue hours next open or close it (epoch ms), or the timetable next sets the limits; null: never. */
  nextQueueStep: number | null;
  nextLimitStep: number | null;
  /** Sleep or shut down after the queue finished, counting down to endsAt; cancelQueueAction stops it. */
  countdown: { action: 'sleep' | 'shutdown'; endsAt: number } | null;
}

export interface Snapshot {
  transfers: TransferView[];
  settings: Settings;
  destinations: Destination[];
  /** Hosts that run schedules send them; absent: none. */
  schedule?: ScheduleState;
  /** Offers to continue an unfinished download with a link the browser handed over, not yet answered; absent: none. */
  offers?: ContinueOffer[];
}

export const requests = {
  snapshot: { input: nothing, output: returns<Snapshot>() },
  addDownloads: { input: addDownloadsInput, output: returns<TransferView[]>() },
  /**
   * Is this URL a video stream, and which variants does it offer? One request for the manifest (no
   * segments), for the add dialog's quality choice. Not for browser and RPC clients.
   */
  describeStream: { input: z.strictObject({ url: httpUrl }), output: returns<StreamDescription>() },
  addUploads: { input: addUploadsInput, output: returns<TransferView[]>() },
  addUploadsTo: { input: addUploadsToInput, output: returns<TransferView[]>() },
  pause: { input: idsInput, output: returns<void>() },
  resume: { input: idsInput, output: returns<void>() },
  cancel: { input: idsInput, output: returns<void>() },
  retry: { input: idsInput, output: returns<void>() },
  remove: { input: z.strictObject({ ids, deleteFiles: z.boolean() }), output: returns<void>() },
  pauseAll: { input: nothing, output: returns<void>() },
  resumeAll: { input: nothing, output: returns<void>() },
  reorder: { input: z.strictObject({ id, toIndex: z.number().int().min(0) }), output: returns<void>() },
  setTransferSpeedLimit: {
    input: z.strictObject({ id, bytesPerSecond: z.number().int().positive().nullable() }),
    output: returns<void>(),
  },
  /** The transfer's own proxy (null: follow the setting again); used from its next connection on. */
  setTransferProxy: { input: z.strictObject({ id, proxy: proxyChoiceSchema.nullable() }), output: returns<void>() },
  /**
   * aria2's changeUri as one change of a download's URLs: `remove` (each once; a URL as views show
   * it, password masked, names the stored one), then `add` at `position` (after the removal; absent: at the end).
   */
  changeDownloadUrls: {
    input: z.strictObject({ id, remove: z.array(z.string().max(8192)).max(100), add: z.array(httpUrl).max(16), position: z.number().int().min(0).optional() }),
    output: returns<{ deleted: number; added: number }>(),
  },
  /**
   * A download's new address (`as: 'address'`: a paused, failed or canceled one goes on from it,
   * keeping its bytes when it serves the same file) or one more URL of the same file (`'mirror'`).
   */
  setDownloadAddress: {
    input: z.strictObject({ id, url: z.string().min(1).max(8192), as: z.enum(['address', 'mirror']) }),
    output: returns<void>(),
  },
  /** High before normal before low when the queue picks what starts next. */
  setTransferPriority: { input: z.strictObject({ id, priority: z.enum(TRANSFER_PRIORITIES) }), output: returns<void>() },
  getSettings: { input: nothing, output: returns<Settings>() },
  setSettings: { input: settingsPatchSchema, output: returns<Settings>() },
  listDestinations: { input: nothing, output: returns<Destination[]>() },
  createDestination: { input: destinationInputSchema, output: returns<Destination>() },
  updateDestination: { input: z.strictObject({ id, destination: destinationInputSchema }), output: returns<Destination>() },
  deleteDestination: { input: oneIdInput, output: returns<void>() },
  openFile: { input: oneIdInput, output: returns<void>() },
  /** The desktop app's native open dialog; an empty list when the user cancelled. */
  chooseUploadFiles: { input: nothing, output: returns<ChosenFile[]>() },
  /** The desktop app's native folder picker; null when the user cancelled. The folder may then be used for downloads. */
  chooseDownloadFolder: { input: nothing, output: returns<string | null>() },
  showInFolder: { input: oneIdInput, output: returns<void>() },
  rpcInfo: { input: nothing, output: returns<RpcInfo>() },
  /** The desktop app: its main process puts the RPC secret on the clipboard (the renderer never sees it). */
  copyRpcSecret: { input: nothing, output: returns<void>() },
  /** Adds the links of a list (duplicates of listed transfers skipped and counted). Not for browser and RPC clients. */
  importLinks: { input: importLinksInput, output: returns<ImportLinksResult>() },
  exportList: { input: z.strictObject({ ids: ids.optional() }), output: returns<ExportListResult>() },
  /** Queue hours: start the queue now, until its next step. */
  runQueueNow: { input: nothing, output: returns<ScheduleState>() },
  /** Stops a sleep or shut-down countdown after the queue finished; false when none ran. */
  cancelQueueAction: { input: nothing, output: returns<boolean>() },
  /**
   * Answers an offer (Snapshot.offers): 'continue' gives the earlier download the handed-over link
   * (and its headers) and removes the held one; 'separately' starts the held one. Returns the download
   * that goes on. Only the window and the machine's owner answer; an offer answered or gone is NOT_FOUND.
   */
  answerContinueOffer: {
    input: z.strictObject({ offerId: id, answer: z.enum(['continue', 'separately']) }),
    output: returns<TransferView>(),
  },
} as const satisfies { [N in RequestName]: { input: z.ZodType; output: unknown } };

export type Requests = typeof requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type ParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = Requests[N]['output'];

export type ErrorReply = {
  code: 'INVALID_INPUT' | 'UNKNOWN_REQUEST' | 'NOT_FOUND' | 'FORBIDDEN' | 'FAILED';
  message: string;
  /** The input field the error is about (`directory`, `downloadDirectory`), so a UI can say it next to that field. */
  field?: string;
};
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorReply };

/** One entry of a batched update: a whole view on add/state change, or only progress. */
export type TransferPatch =
  | { id: string; view: TransferView }
  | { id: string; progress: TransferProgress }
  | { id: string; removed: true };

export interface Notice {
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface Events extends Record<EventName, unknown> {
  snapshot: Snapshot;
  patches: TransferPatch[];
  notice: Notice;
  settings: Settings;
  destinations: Destination[];
  /** Files handed to Ferry from outside (second launch, OS "open with"): offer to upload them. */
  offerUpload: { files: ChosenFile[] };
  /** The desktop app saw a link copied to the clipboard (Settings › Rules › Clipboard): offer to download it. */
  offerDownload: { url: string };
  schedule: ScheduleState;
  /** The offers to continue an unfinished download (Snapshot.offers), whole, whenever one comes or goes. */
  continueOffers: ContinueOffer[];
}
// Every event has a payload type, and every payload type a name (shared/names.ts).
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : { mismatch: Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A> };
export const EVENTS_NAMED: SameKeys<Events, Record<EventName, unknown>> = true;

/** The API a UI sees, whatever the transport: Electron's preload bridge or the WebSocket client. */
export type FerryApi = {
  [N in RequestName]: (
    ...input: RequestInput<N> extends undefined ? [] : [RequestInput<N>]
  ) => Promise<Reply<RequestOutput<N>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/**
 * Validate an untrusted request. Hosts call this with whatever crossed the process boundary
 * and dispatch only on success; never throws.
 */
export function parseRequest(
  name: unknown,
  input: unknown,
): { ok: true; name: RequestName; input: unknown } | { ok: false; error: ErrorReply } {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(requests, name)) {
    // Never String(name): an object with a bad toString/valueOf would throw here.
    const shown = typeof name === 'string' ? name.slice(0, 64) : `(a ${name === null ? 'null' : typeof name})`;
    return { ok: false, error: { code: 'UNKNOWN_REQUEST', message: `Unknown request: ${shown}` } };
  }
  const spec = requests[name as RequestName];
  const parsed = spec.input.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first && first.path.length > 0 ? first.path.join('.') : undefined;
    const where = field ? ` (at ${field})` : '';
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `Invalid input for ${name}: ${first?.message ?? 'malformed'}${where}`, ...(field ? { field } : {}) },
    };
  }
  return { ok: true, name: name as RequestName, input: parsed.data };
}
