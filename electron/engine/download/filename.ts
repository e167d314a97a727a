// Where a download's file name comes from, and how a name a server chose is made harmless.
// Server names are hostile input: they may try to climb out of the folder, hide their real
// extension behind bidi overrides, or name a Windows device.
import contentDisposition from 'content-disposition';

export const DEFAULT_FILE_NAME = 'download';
export const MAX_NAME_BYTES = 255;

/** The server's name (Content-Disposition, filename* over filename), else the URL's last path segment. */
export function suggestedFileName(contentDispositionHeader: string | undefined, url: string): string | undefined {
  const fromHeader = contentDispositionHeader ? nameFromContentDisposition(contentDispositionHeader) : undefined;
  return fromHeader || nameFromUrl(url);
}

export function nameFromContentDisposition(header: string): string | undefined {
  try {
    const name = contentDisposition.parse(header).parameters.filename;
    if (name) return name;
  } catch {
    // Malformed headers are common (unquoted spaces, raw UTF-8); fall through to a tolerant reading.
  }
  return tolerantContentDisposition(header);
}

function tolerantContentDisposition(header: string): string | undefined {
  const extended = /filename\*\s*=\s*([^;]*)/i.exec(header)?.[1]?.trim();
  if (extended) {
    const m = /^([\w!#$%&+^`{}~-]*)'[^']*'(.*)$/.exec(extended.replace(/^"|"$/g, ''));
    if (m) {
      const decoded = decodePercent(m[2]!, (m[1] ?? '').toLowerCase());
      if (decoded) return decoded;
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header)?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, '$1');
  const bare = /filename\s*=\s*([^;]*)/i.exec(header)?.[1]?.trim();
  return bare || undefined;
}

function decodePercent(value: string, charset: string): string | undefined {
  try {
    if (charset === 'iso-8859-1' || charset === 'latin1') {
      return value.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export function nameFromUrl(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const last = pathname.split('/').pop() ?? '';
  if (!last) return undefined;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

// C0/C1 controls, and the invisible direction marks that can make "exe.txt" show as "txt.exe".
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const FORBIDDEN = /[<>:"/\\|?*]/g;
// Windows refuses these as a file's base name whatever the extension ("con.txt", "LPT1.tar.gz"),
// also with a superscript digit (¹²³, written escaped: one non-ASCII character in the CLI bundle
// made Node read all 2 MB of it as UTF-16, 10-30 ms of every start).
const RESERVED = /^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3])$/i;

/**
 * A name that is safe on Windows, macOS and Linux: a single path component, never "." or "..",
 * no control or bidi characters, none of <>:"/\|?*, no trailing dots or spaces, no device name,
 * at most `maxBytes` UTF-8 bytes with the extension kept. Falls back to "download".
 */
export function safeFileName(raw: string | undefined, maxBytes = MAX_NAME_BYTES): string {
  if (!raw) return DEFAULT_FILE_NAME;
  // Only the last path component: a name is never a path.
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = base.replace(INVISIBLE, '').replace(FORBIDDEN, '_');
  name = trimEnds(name);
  if (!name) return DEFAULT_FILE_NAME;
  const stem = name.split('.')[0]!.trimEnd();
  if (RESERVED.test(stem)) name = `_${name}`;
  name = trimEnds(truncateUtf8KeepingExtension(name, maxBytes));
  return name || DEFAULT_FILE_NAME;
}

/** Leading dots would hide the file (and "." / ".." are not names); trailing dots/spaces vanish on Windows. */
function trimEnds(name: string): string {
  return name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cuts the stem (never the extension, unless the extension alone is too long) on code point boundaries. */
export function truncateUtf8KeepingExtension(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  let ext = dot > 0 ? name.slice(dot) : '';
  if (utf8Length(ext) > Math.min(32, maxBytes / 2)) ext = '';
  const stem = ext ? name.slice(0, dot) : name;
  return truncateUtf8(stem, maxBytes - utf8Length(ext)) + ext;
}

function truncateUtf8(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const size = utf8Length(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/** "name.ext" -> "name (n).ext"; the base stays within maxBytes so the suffix always fits. */
export function numberedName(name: string, n: number, maxBytes = MAX_NAME_BYTES): string {
  if (n === 0) return name;
  const suffix = ` (${n})`;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const room = maxBytes - utf8Length(suffix) - utf8Length(ext);
  return truncateUtf8(stem, Math.max(1, room)) + suffix + ext;
}
