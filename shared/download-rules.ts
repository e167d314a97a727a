// Rules that file downloads (AB Download Manager's and IDM's categories): the schema of one rule and
// the built-in defaults. Matching lives apart (rule-match.ts, no zod) so the renderer's add dialog,
// the service and the engine's hook all decide with the same code.
import { z } from 'zod';

/** Bytes per second. */
const rate = z.number().int().positive().max(10 * 1024 ** 3);

/** Absolute on any platform Ferry runs on (as absoluteFolderSchema in settings.ts). */
export function isAbsoluteFolder(folder: string): boolean {
  return /^(?:\/|[A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/.test(folder);
}

/**
 * Why a rule's folder is not usable, or undefined. Absolute, or relative to the download folder
 * without `..` (a relative folder must stay inside it) and without a leading `~` (only a host knows
 * that folder: the CLI expands it before it gets here).
 */
export function ruleFolderProblem(folder: string): string | undefined {
  if (folder.trim() === '') return 'the folder is empty';
  if (folder.length > 1024) return 'a folder path longer than 1024 characters is not accepted';
  if (folder.includes('\0')) return 'the folder path contains a NUL character';
  if (isAbsoluteFolder(folder)) return undefined;
  if (folder.startsWith('~')) return 'write the folder as a full path, or as a folder inside the download folder (like Images)';
  if (/^[A-Za-z]:/.test(folder)) return 'a drive needs a full path (like D:\\Images)';
  if (folder.split(/[\\/]/).some((part) => part === '..')) return 'a folder inside the download folder cannot go up with “..”';
  return undefined;
}

const ruleFolderSchema = z.string().trim().superRefine((folder, ctx) => {
  const problem = ruleFolderProblem(folder);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const listEntry = z.string().trim().min(1).max(200);

export const downloadRuleSchema = z
  .strictObject({
    id: z.string().min(1).max(64),
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean(),
    /** File name patterns: `iso`, `.iso` and `*.iso` mean the same; `*` matches any characters (`*.part1.rar`). */
    fileTypes: z.array(listEntry).max(500),
    /** Content-Type values: `application/pdf`, or a family such as `video/*`. */
    mimeTypes: z.array(listEntry).max(100),
    /** Hosts; each matches its subdomains too (`example.com` matches `dl.example.com`). */
    sites: z.array(listEntry).max(100),
    /** The whole URL, `*` for any characters (`https://example.com/builds/*`). */
    urlPattern: z.string().trim().min(1).max(2000).optional(),
    /** Absolute, or relative to the download folder. */
    folder: ruleFolderSchema,
    connections: z.number().int().min(1).max(32).optional(),
    /** This download's own speed limit, bytes per second. */
    speedLimit: rate.optional(),
    /** Added paused: it waits until someone resumes it. */
    startPaused: z.boolean().optional(),
  })
  .refine(
    (rule) => rule.fileTypes.length + rule.mimeTypes.length + rule.sites.length > 0 || rule.urlPattern !== undefined,
    'a rule needs a file type, a MIME type, a site or a URL pattern to match',
  );
export type DownloadRule = z.infer<typeof downloadRuleSchema>;

export const downloadRulesSchema = z
  .array(downloadRuleSchema)
  .max(100)
  .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'two rules have the same id');

export { DEFAULT_RULES } from './download-rules-defaults';
