// What the entries of an aria2 input file ask for (the format is shared/input-file.ts): each entry's
// options mean what they mean in aria2's RPC (kit/rpc/options.ts, one reading of aria2's names for
// every front); unknown ones are ignored as aria2 ignores them. `ferry get -i` refuses a list with a
// problem before anything starts; the UI's import adds what it can and names the lines it could not.
import path from 'node:path';
import type { ProxyChoice } from '../../../../shared/proxy';
import type { StreamOptions } from '../../../../shared/stream';
import { parseInputFile, uriProblem, type InputEntry, type LineProblem } from '../../../../shared/input-file';
import { downloadOptionsFrom, OptionError } from '../rpc/options';

/** One download of the list, with what its option lines said. */
export interface ListedDownload {
  /** Where it was listed, for messages: "links.txt line 3". */
  source: string;
  /** Its URI line. */
  line: number;
  url: string;
  /** The other URIs of its line: mirrors of the same file, which the download spreads its connections over. */
  mirrors: string[];
  /** `dir` (resolved against the base folder as aria2 resolves it against its own), and `out`'s folders. */
  directory?: string;
  /** With `keepOutFolders` and no `dir`: `out`'s folders, for the caller to put under its own folder. */
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

export interface ListReading {
  /** The label used in `source`: a file's name, "standard input", "the imported list". */
  label: string;
  /** What relative `dir` options and `out`'s folders are under. */
  baseFolder: string;
  /** false: the caller names no folders (the desktop window): `dir` is ignored, `out` keeps its file name only. */
  namesFolders: boolean;
  /**
   * `ferry get -i`: `out`'s folders of an entry without `dir` are kept apart (`subfolders`), since
   * they go under the command's --dir, else the Ferry's download folder, not the base folder.
   */
  keepOutFolders?: boolean;
}

export interface ListedDownloads {
  downloads: ListedDownload[];
  /** Entries that cannot be downloaded as written, by line (message without the label). */
  problems: LineProblem[];
  /** What to tell the user once (lines ignored, folders not taken). */
  notes: string[];
}

/** The downloads of an input file's text. Pure but for path arithmetic. */
export function listedDownloadsFrom(text: string, reading: ListReading): ListedDownloads {
  const parsed = parseInputFile(text);
  const downloads: ListedDownload[] = [];
  const problems: LineProblem[] = [...parsed.problems];
  const foldersIgnored: number[] = [];
  for (const entry of parsed.entries) {
    const listed = listedDownload(entry, reading, foldersIgnored);
    if ('message' in listed) problems.push(listed);
    else downloads.push(listed);
  }
  problems.sort((a, b) => a.line - b.line);
  const { label } = reading;
  const notes: string[] = [];
  if (foldersIgnored.length > 0) {
    const where = foldersIgnored.length === 1 ? `${label} line ${foldersIgnored[0]}` : `${foldersIgnored.length} lines of ${label} (the first: line ${foldersIgnored[0]})`;
    notes.push(`${where} ${foldersIgnored.length === 1 ? 'names a folder' : 'name folders'}; the links were saved into ${reading.baseFolder} instead`);
  }
  for (const line of parsed.ignored) notes.push(`${label} line ${line}: not an option (name=value); ignored`);
  return { downloads, problems, notes };
}

function listedDownload(entry: InputEntry, reading: ListReading, foldersIgnored: number[]): ListedDownload | LineProblem {
  for (const uri of entry.uris) {
    const problem = uriProblem(uri);
    if (problem) return { line: entry.line, message: problem };
  }
  // Each line alone first, so that a bad value names its own line; no-proxy means something only
  // beside a proxy, so it is judged with the others.
  for (const option of entry.options) {
    if (option.name === 'no-proxy') continue;
    try {
      downloadOptionsFrom({ [option.name]: option.value });
    } catch (error) {
      return { line: option.line, message: optionMessage(error) };
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
    return { line: entry.line, message: optionMessage(error) };
  }
  const listed: ListedDownload = { source: `${reading.label} line ${entry.line}`, line: entry.line, url: entry.uris[0]!, mirrors: entry.uris.slice(1) };
  let directory: string | undefined;
  let folderIgnored = false;
  if (options.dir !== undefined) {
    if (reading.namesFolders) directory = path.resolve(reading.baseFolder, options.dir);
    else folderIgnored = true;
  }
  if (options.out !== undefined) {
    // aria2: `out` is relative to the entry's folder and may name subfolders; never above it.
    const parts = options.out.split(/[/\\]/).filter((part) => part !== '' && part !== '.');
    if (parts.length === 0 || parts.includes('..')) return { line: lineOf(entry, 'out'), message: `out=${options.out} must stay inside the download folder` };
    if (parts.length > 1) {
      if (!reading.namesFolders) folderIgnored = true;
      else if (directory === undefined && reading.keepOutFolders) listed.subfolders = parts.slice(0, -1);
      else directory = path.join(directory ?? reading.baseFolder, ...parts.slice(0, -1));
    }
    listed.fileName = parts.at(-1)!;
  }
  if (folderIgnored) foldersIgnored.push(entry.line);
  if (directory !== undefined) listed.directory = directory;
  if (options.sha256 !== undefined) listed.sha256 = options.sha256;
  if (options.connections !== undefined) listed.connections = options.connections;
  if (options.headers !== undefined) listed.headers = options.headers;
  if (options.speedLimit !== undefined) listed.speedLimit = options.speedLimit;
  if (options.proxy !== undefined) listed.proxy = options.proxy;
  if (options.stream !== undefined) listed.stream = options.stream;
  // `pause` and `gid` are for a running aria2; a list read once ignores them.
  return listed;
}

function lineOf(entry: InputEntry, name: string): number {
  return entry.options.findLast((option) => option.name === name)?.line ?? entry.line;
}

/** aria2's RPC wording ("We encountered a problem while processing the option '--x': y") as a short line. */
function optionMessage(error: unknown): string {
  if (!(error instanceof OptionError)) throw error;
  const m = /^We encountered a problem while processing the option '--([^']+)': (.*)$/s.exec(error.message);
  return m ? `${m[1]}: ${m[2]}` : error.message;
}
