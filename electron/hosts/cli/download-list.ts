// `ferry get -i FILE` (`-i -`: standard input): the downloads an aria2 input file lists, each with
// its own options (kit/lists/listed-downloads.ts reads them for every front); a bad value is a
// usage error naming its line, before anything starts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { listedDownloadsFrom, type ListedDownload } from '../kit/lists/listed-downloads';

export type { ListedDownload };

export type DownloadList =
  | {
      ok: true;
      downloads: ListedDownload[];
      /** What to tell the user once before starting (mirrors not used yet, lines ignored). */
      notes: string[];
    }
  | { ok: false; message: string };

/** Reads FILE (gzip too, as aria2) or, for "-", standard input to its end. */
export async function readDownloadList(inputFile: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<DownloadList> {
  const label = inputFile === '-' ? 'standard input' : path.basename(inputFile);
  let bytes: Buffer;
  try {
    bytes = inputFile === '-' ? await readAll(stdin) : await readFile(path.resolve(cwd, inputFile));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (error as Error).message;
    return { ok: false, message: `-i ${inputFile}: ${why}` };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return { ok: false, message: `-i ${inputFile}: a damaged gzip file` };
    }
  }
  return downloadListFrom(bytes.toString('utf8'), label, cwd);
}

/** The downloads of an input file's text; `label` names it in messages. Pure. */
export function downloadListFrom(text: string, label: string, cwd: string): DownloadList {
  const { downloads, problems, notes } = listedDownloadsFrom(text, { label, baseFolder: cwd, namesFolders: true, keepOutFolders: true });
  const first = problems[0];
  if (first) return { ok: false, message: `${label} line ${first.line}: ${first.message}` };
  return { ok: true, downloads, notes };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
