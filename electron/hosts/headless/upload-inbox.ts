// Files dropped into the browser UI have no path on the host, so the browser streams them here
// first: POST /api/upload-file?name=<file name> with the bytes as the body. They land in
// <dataDir>/inbox/<random>/<name>; the answer is JSON `{ path }` (or `{ ok: false, error }` with a
// non-2xx status); the UI then calls addUploads with that path and the
// engine stages that copy like any other source. Inbox files no transfer uses are removed on start.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ErrorReply } from '../../../shared/contract';

export function inboxDir(dataDir: string): string {
  return path.join(dataDir, 'inbox');
}

/** A browser-supplied name made safe as one path segment. */
export function safeInboxName(raw: string | null): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // Control and bidi-override characters; reserved characters on Windows.
  const cleaned = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '_').trim();
  const name = cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload.bin' : cleaned;
  return Buffer.byteLength(name) > 200 ? name.slice(0, 100) : name;
}

export async function receiveUpload(dataDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, reply: { path: string } | { ok: false; error: ErrorReply }) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply));
  };
  if (req.method !== 'POST') {
    send(405, { ok: false, error: { code: 'INVALID_INPUT', message: 'Use POST to send a file' } });
    return;
  }
  const name = safeInboxName(new URL(req.url ?? '/', 'http://x').searchParams.get('name'));
  const dir = path.join(inboxDir(dataDir), randomUUID());
  const file = path.join(dir, name);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await pipeline(req, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    send(200, { path: file });
  } catch (error) {
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    send(500, { ok: false, error: { code: 'FAILED', message: `Could not receive the file: ${(error as Error).message}` } });
  }
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
