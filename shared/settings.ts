// User settings and upload destinations: one schema, used by the Electron host (electron-store),
// the headless host (conf), the engine and the renderer's settings form.
import { z } from 'zod';
import { downloadRulesSchema } from './download-rules';
import { proxyChoiceSchema } from './proxy';
import { parseBandwidthTimetable, parseClockTime } from './schedule/bwlimit';

/** Bytes per second; null means unlimited. */
const rate = z.number().int().positive().max(10 * 1024 ** 3).nullable();

/** Said next to a folder field when what was typed is not a full path. */
export const FOLDER_HINT = 'Type a full folder path, such as /home/you/Downloads or C:\\Users\\you\\Downloads (~ stands for your home folder)';

/**
 * A folder on the host: absolute on any platform Ferry runs on (POSIX `/`, a Windows drive or UNC
 * share) and of sane length. A relative folder would mean whatever the host's working directory is.
 * A leading `~` typed by a person is expanded by the host before its request is read (only the host
 * knows that folder: electron/hosts/kit/service/home-folder.ts), so it never reaches this check.
 */
export const absoluteFolderSchema = z
  .string()
  .min(1, FOLDER_HINT)
  .max(1024, 'a folder path longer than 1024 characters is not accepted')
  .refine((d) => /^(?:\/|[A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/.test(d) && !d.includes('\0'), FOLDER_HINT);

/**
 * A web origin as browsers send it in `Origin`: scheme://host[:port], no path. Extensions' origins
 * (chrome-extension://ID) count too. Compared case-insensitively, a trailing slash ignored.
 */
export const webOriginSchema = z
  .string()
  .trim()
  .max(300)
  .regex(/^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+\/?$/i, 'an origin is scheme://host[:port], like https://ariang.example');

const clockTime = z.string().refine((t) => parseClockTime(t) !== undefined, 'a time is HH:MM, from 00:00 to 23:59');

/** rclone's --bwlimit timetable (shared/schedule/bwlimit.ts); empty: none. */
export const bandwidthTimetableSchema = z
  .string()
  .max(2000)
  .superRefine((text, ctx) => {
    if (text.trim() === '') return;
    const parsed = parseBandwidthTimetable(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

export const queueHoursSchema = z
  .strictObject({
    enabled: z.boolean(),
    start: clockTime,
    stop: clockTime,
    days: z.array(z.number().int().min(0).max(6)).max(7),
  })
  .refine((h) => h.start !== h.stop, 'the queue cannot start and stop at the same time')
  .refine((h) => !h.enabled || h.days.length > 0, 'choose at least one day');

export const QUEUE_FINISH_ACTIONS = ['notify', 'open-folder', 'run-command', 'sleep', 'shutdown'] as const;
export type QueueFinishAction = (typeof QUEUE_FINISH_ACTIONS)[number];

export const whenQueueFinishesSchema = z
  .strictObject({
    action: z.enum(QUEUE_FINISH_ACTIONS),
    /** run-command: a program and its arguments (no shell); the finished files are appended as arguments. */
    command: z.string().max(4000).regex(/^[^\0\r\n]*$/, 'the command is one line'),
  })
  .refine((w) => w.action !== 'run-command' || w.command.trim() !== '', 'type the command to run');

export const settingsSchema = z.strictObject({
  downloadDirectory: absoluteFolderSchema,
  maxActive: z.number().int().min(1).max(32),
  maxPerHost: z.number().int().min(1).max(32),
  /** Connections per download where the server serves ranges (segmented downloads). */
  connectionsPerDownload: z.number().int().min(1).max(32),
  downloadLimit: rate,
  uploadLimit: rate,
  stallTimeoutSeconds: z.number().int().min(5).max(3600),
  maxRetries: z.number().int().min(0).max(100),
  closeToTray: z.boolean(),
  startHidden: z.boolean(),
  startAtLogin: z.boolean(),
  notifications: z.boolean(),
  confirmQuitWhileActive: z.boolean(),
  preventSleepWhileActive: z.boolean(),
  /**
   * Desktop app: minutes after the window was closed to the tray before its renderer is destroyed
   * (the tray and the transfers stay; opening builds the window again). 0: at once; null: never.
   */
  releaseWindowAfterMinutes: z.number().int().min(0).max(24 * 60).nullable(),
  /**
   * Desktop app: files dropped on the window are uploaded only after a native dialog listed them.
   * Turning it off needs a yes in a native dialog too (a renderer must not switch off its own guard).
   */
  confirmDroppedFiles: z.boolean(),
  /** Headless host: the largest file a browser may drop into its upload inbox, in MiB. */
  droppedFileLimitMiB: z.number().int().min(1).max(1024 * 1024),
  /** The aria2-compatible JSON-RPC on 127.0.0.1 (AriaNg, browser extensions); always needs its secret. */
  rpcEnabled: z.boolean(),
  rpcPort: z.number().int().min(1024).max(65535),
  /** How transfers reach the network: the system's proxy settings, none, or proxies given by hand. */
  proxy: proxyChoiceSchema,
  /**
   * Folders that browser and RPC clients may save into, besides the download folder and its
   * subfolders. Changed only in Ferry's own UI, never over the RPC.
   */
  rpcSaveFolders: z.array(absoluteFolderSchema).max(50),
  /** Web origins (scheme://host[:port]) whose pages may call the RPC, with the secret. Ferry's UI only. */
  rpcAllowedOrigins: z.array(webOriginSchema).max(50),
  /** aria2's --rpc-allow-origin-all: any web page may call the RPC (it still needs the secret). Ferry's UI only. */
  rpcAllowAnyOrigin: z.boolean(),
  /**
   * Rules that file downloads which name no folder of their own (shared/rule-match.ts): in order, the
   * first enabled match wins. Ferry's own UI and `ferry rules` only; a rule's folder counts as one the
   * user chose, for every caller.
   */
  rules: downloadRulesSchema,
  /**
   * Desktop app: offer to add a link copied to the clipboard. `download-links`: a link whose name
   * matches a rule's file types; `any-link`: any http(s) link.
   */
  clipboardWatch: z.enum(['off', 'download-links', 'any-link']),
  /**
   * Schedules (issue 20). The timetable sets downloadLimit/uploadLimit at each of its steps; a
   * limit changed by hand holds until the next step.
   */
  bandwidthTimetable: bandwidthTimetableSchema,
  /** When the queue may start transfers; outside them queued transfers wait ("Run now" opens it until the next step). */
  queueHours: queueHoursSchema,
  /** What happens when the queue has finished every transfer it was given. */
  whenQueueFinishes: whenQueueFinishesSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = settingsSchema.partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

// Defaults live in their own module so UI code can use them without loading zod.
export { DEFAULT_SETTINGS } from './settings-defaults';

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name');
// No CR/LF/NUL in header values: they would split or truncate the request.
const headerValue = z.string().max(8192).regex(/^[^\r\n\0]*$/, 'header values cannot contain line breaks');

export const destinationHeaderSchema = z.strictObject({
  name: headerName,
  value: headerValue,
  /** Secret values are kept by the host's secret store; the records hold a reference only. */
  secret: z.boolean(),
});

export const destinationSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(100),
  /** May contain `{filename}`, replaced by the URL-encoded file name. */
  url: z.string().url().refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs'),
  method: z.enum(['PUT', 'POST']),
  protocol: z.enum(['raw', 'multipart', 'tus']),
  headers: z.array(destinationHeaderSchema).max(50),
  fieldName: z.string().min(1).max(200).default('file'),
  fields: z.record(z.string().max(200), z.string().max(10_000)).default({}),
});
export type Destination = z.infer<typeof destinationSchema>;

/** What a UI sends to create or edit a destination; the host assigns ids. */
export const destinationInputSchema = destinationSchema.omit({ id: true });
export type DestinationInput = z.infer<typeof destinationInputSchema>;

/** Secret header values never leave the host; UIs see this mask instead (defined in secret-mask.ts). */
export { SECRET_MASK } from './secret-mask';
