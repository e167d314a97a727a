// `ferry get -i FILE` (`-i -`: standard input): the downloads an aria2 input file lists, each with
// its own options. The options mean what they mean in aria2's RPC (kit/rpc/options.ts, one reading
// of aria2's names for both fronts); unknown ones are ignored as aria2 ignores them, a bad value is
// a usage error naming its line, before anything starts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ProxyChoice } from '../../../shared/proxy';
import type { StreamOptions } from '../../../shared/stream';
import { downloadOptionsFrom, OptionError } from '../kit/rpc/options';
import { parseInputFile, type InputEntry } from './input-file';

/** One download of the list, with what its option lines said. */
export interface ListedDownload {
  /** Where it was listed, for messages: "links.txt line 3". */
  source: string;
  url: string;
  /** The other URIs of its line: mirrors of the same file, which the download spreads its connections over. */
  mirrors: string[];
  /** `dir`, resolved against the current folder as aria2 does. */
  directory?: string;
  /** `out`'s folders when no `dir` names the folder they are in (the command's --dir, else the Ferry's download folder). */
  subfolders?: string[];
  fileName?: string;
  sha256?: string;
  connections?: number;
  headers?: Record<string, string>;
  /** `max-download-limit`: bytes per second, null for none. */
  speedLimit?: number | null;
  proxy?: ProxyChoice;
  stream?: StreamOptions;
}

export type DownloadList =
  | {
      ok: true;
      downloads: ListedDownload[];
      /** What to tell the user once before starting (lines ignored). */
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
  const parsed = parseInputFile(text);
  if (!parsed.ok) return { ok: false, message: `${label} line ${parsed.line}: ${parsed.message}` };
  const downloads: ListedDownload[] = [];
  for (const entry of parsed.entries) {
    const listed = listedDownload(entry, label, cwd);
    if (typeof listed === 'string') return { ok: false, message: listed };
    downloads.push(listed);
  }
  const notes: string[] = [];
  for (const line of parsed.ignored) notes.push(`${label} line ${line}: not an option (name=value); ignored`);
  return { ok: true, downloads, notes };
}

function listedDownload(entry: InputEntry, label: string, cwd: string): ListedDownload | string {
  const at = (line: number) => `${label} line ${line}`;
  for (const uri of entry.uris) {
    const problem = uriProblem(uri);
    if (problem) return `${at(entry.line)}: ${problem}`;
  }
  // Each line alone first, so that a bad value names its own line; no-proxy means something only
  // beside a proxy, so it is judged with the others.
  for (const option of entry.options) {
    if (option.name === 'no-proxy') continue;
    try {
      downloadOptionsFrom({ [option.name]: option.value });
    } catch (error) {
      return `${at(option.line)}: ${optionMessage(error)}`;
    }
  }
  const raw: Record<string, string | string[]> = {};
  const headers: string[] = [];
  for (const option of entry.options) {
    if (option.name === 'header') headers.push(option.value);
    else raw[option.name] = option.value; // as on aria2's command line, the last one counts
  }
  if (headers.length > 0) raw.header = headers;
  let options;
  try {
    options = downloadOptionsFrom(raw);
  } catch (error) {
    return `${at(entry.line)}: ${optionMessage(error)}`;
  }
  const listed: ListedDownload = { source: at(entry.line), url: entry.uris[0]!, mirrors: entry.uris.slice(1) };
  let directory = options.dir === undefined ? undefined : path.resolve(cwd, options.dir);
  if (options.out !== undefined) {
    // aria2: `out` is relative to the entry's folder and may name subfolders; never above it.
    const parts = options.out.split(/[/\\]/).filter((part) => part !== '' && part !== '.');
    if (parts.length === 0 || parts.includes('..')) return `${at(lineOf(entry, 'out'))}: out=${options.out} must stay inside the download folder`;
    if (parts.length > 1 && directory !== undefined) directory = path.join(directory, ...parts.slice(0, -1));
    else if (parts.length > 1) listed.subfolders = parts.slice(0, -1);
    listed.fileName = parts.at(-1)!;
  }
  if (directory !== undefined) listed.directory = directory;
  if (options.sha256 !== undefined) listed.sha256 = options.sha256;
  if (options.connections !== undefined) listed.connections = options.connections;
  if (options.headers !== undefined) listed.headers = options.headers;
  if (options.speedLimit !== undefined) listed.speedLimit = options.speedLimit;
  if (options.proxy !== undefined) listed.proxy = options.proxy;
  if (options.stream !== undefined) listed.stream = options.stream;
  // `pause` and `gid` are for a running aria2; a command that waits for its downloads ignores them.
  return listed;
}

function uriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `'${uri.slice(0, 80)}' is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `'${uri.slice(0, 80)}' is not an http or https URL (Ferry downloads those only)`;
  return undefined;
}

function lineOf(entry: InputEntry, name: string): number {
  return entry.options.findLast((option) => option.name === name)?.line ?? entry.line;
}

/** aria2's RPC wording ("We encountered a problem while processing the option '--x': y") as a usage line. */
function optionMessage(error: unknown): string {
  if (!(error instanceof OptionError)) throw error;
  const m = /^We encountered a problem while processing the option '--([^']+)': (.*)$/s.exec(error.message);
  return m ? `${m[1]}: ${m[2]}` : error.message;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
