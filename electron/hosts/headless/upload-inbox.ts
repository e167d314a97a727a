// Files dropped into the browser UI have no path on the host, so the browser streams them here
// first: POST /api/upload-file?name=<file name> with the bytes as the body. They land in
// <dataDir>/inbox/<random>/<name>; the answer is JSON `{ path }` (or `{ ok: false, error }` with a
// non-2xx status); the UI then calls addUploads with that path and the
// engine stages that copy like any other source. Inbox files no transfer uses are removed on start.
// Before a byte is written the size is known (Content-Length is required), within the setting's
// limit and fits on the disk with the same margin staging keeps; the name gets the same safe-name
// rules as a download's (UTF-8 byte limit at code point boundaries, Windows device names).
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ErrorReply } from '../../../shared/contract';
import { freeBytesAt, safeFileName, stagingSpaceError } from '../../engine/index';

export function inboxDir(dataDir: string): string {
  return path.join(dataDir, 'inbox');
}

/** A browser-supplied name made safe as one path segment: the download rules, 'upload.bin' when empty. */
export function safeInboxName(raw: string | null): string {
  return raw && raw.trim() ? safeFileName(raw) : 'upload.bin';
}

export interface InboxOptions {
  dataDir: string;
  /** Largest accepted body, in bytes (the `droppedFileLimitMiB` setting). */
  maxBytes: number;
}

type Answer = { path: string } | { ok: false; error: ErrorReply };

export async function receiveUpload(options: InboxOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, reply: Answer) => {
    if (res.headersSent) return;
    const refused = status >= 400;
    // A refused body is not kept: it is read and dropped, and the connection closes after it.
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(refused ? { connection: 'close' } : {}) }).end(JSON.stringify(reply));
    if (refused) req.resume();
  };
  const refuse = (status: number, code: ErrorReply['code'], message: string) => send(status, { ok: false, error: { code, message } });
  if (req.method !== 'POST') return refuse(405, 'INVALID_INPUT', 'Use POST to send a file');
  const name = safeInboxName(new URL(req.url ?? '/', 'http://x').searchParams.get('name'));
  const declared = req.headers['content-length'];
  if (declared === undefined) return refuse(411, 'INVALID_INPUT', 'Send the file with a Content-Length header');
  const size = Number(declared);
  if (!/^\d+$/.test(declared) || !Number.isSafeInteger(size)) return refuse(400, 'INVALID_INPUT', 'Content-Length is not a number');
  if (size > options.maxBytes) {
    return refuse(413, 'INVALID_INPUT', `${name} is ${formatMiB(size)}, more than the ${formatMiB(options.maxBytes)} allowed for dropped files (Settings → Transfers)`);
  }

  const root = inboxDir(options.dataDir);
  const dir = path.join(root, randomUUID());
  const file = path.join(dir, name);
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    const spaceError = stagingSpaceError(await freeBytesAt(root), size);
    if (spaceError) return refuse(507, 'FAILED', spaceError.message);
    await mkdir(dir, { mode: 0o700 });
    await pipeline(req, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    const written = (await stat(file)).size;
    if (written !== size) throw new Error(`received ${written} of ${size} bytes`);
    send(200, { path: file });
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    refuse(500, 'FAILED', `Could not receive ${name}: ${(error as Error).message}`);
  }
}

function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : mib.toFixed(1)} MiB`;
}

/** Removes inbox folders whose file no transfer refers to any more. */
export async function cleanInbox(dataDir: string, sourcePathsInUse: Iterable<string>): Promise<void> {
  const root = inboxDir(dataDir);
  const used = new Set([...sourcePathsInUse].map((p) => path.dirname(path.resolve(p))));
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    const dir = path.join(root, entry);
    if (!used.has(dir)) await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
