// aria2 options as Ferry understands them. aria2 sends every option value as a string (sizes like
// "1M"), ignores option names it does not know, and refuses a known option with a bad value.
import type { ProxyChoice } from '../../../../shared/proxy';
import { proxyUrlProblem } from '../../../../shared/proxy-address';
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import type { Settings } from '../../../../shared/settings';
import { parseVariantChoice, STREAM_KINDS, VARIANT_CHOICE_HELP, type StreamKind, type StreamOptions } from '../../../../shared/stream';
import type { RpcSettingsPatch } from './backend';

export class OptionError extends Error {}

export type Aria2Options = Record<string, string>;

/** What addUri/changeOption turn into for one download. */
export interface DownloadOptions {
  dir?: string;
  out?: string;
  headers?: Record<string, string>;
  /** aria2's split / max-connection-per-server: the download's connection count (the larger of the two). */
  connections?: number;
  /** Bytes per second; null: no own limit. */
  speedLimit?: number | null;
  sha256?: string;
  pause?: boolean;
  /** aria2's `gid`: the GID the client wants for the new download. */
  gid?: string;
  /** Ferry's own options for video streams: `ferry-stream`, `ferry-variant`, `ferry-title`. */
  stream?: StreamOptions;
  /** all-proxy, http-proxy, https-proxy, no-proxy: this download's own proxy ("" for all: none). */
  proxy?: ProxyChoice;
  /**
   * Ferry's `ferry-size`: the file's size as the browser announced it (bytes). With `out`, lets Ferry
   * offer to continue an unfinished download of the same name and size instead of a second one.
   */
  size?: number;
}

/** aria2 sizes: a decimal number with an optional K or M suffix (1024-based); "0" means unlimited. */
export function parseSize(name: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(value);
  if (!match) throw new OptionError(`We encountered a problem while processing the option '--${name}': "${value}" is not a size (like 500K or 2M)`);
  const unit = match[2]!.toLowerCase() === 'm' ? 1024 * 1024 : match[2]!.toLowerCase() === 'k' ? 1024 : 1;
  return Math.round(Number(match[1]) * unit);
}

function parseCount(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) {
    throw new OptionError(`We encountered a problem while processing the option '--${name}': must be a number from ${min} to ${max}`);
  }
  return n;
}

function parseBool(name: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new OptionError(`We encountered a problem while processing the option '--${name}': must be true or false`);
}

/** Option values must be strings (aria2 also takes a list for `header`). */
export function asOptions(value: unknown): Aria2Options & { header?: string | string[] } {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OptionError('options must be a struct');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new OptionError(`option ${key} must be a string`);
  }
  // fromEntries makes own properties even of "__proto__", never a prototype.
  return Object.fromEntries(Object.entries(value)) as Aria2Options & { header?: string | string[] };
}

function addHeader(headers: Record<string, string>, line: string): void {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(line)) {
    throw new OptionError(`We encountered a problem while processing the option '--header': "${line.slice(0, 80)}" is not "Name: value"`);
  }
  headers[name] = line.slice(colon + 1).trim();
}

const PROXY_FIELDS = { 'all-proxy': 'all', 'http-proxy': 'http', 'https-proxy': 'https' } as const;
type ProxyField = (typeof PROXY_FIELDS)[keyof typeof PROXY_FIELDS];

/**
 * aria2's proxy options over `current` (changeOption and changeGlobalOption change only the options
 * named): an address sets that proxy, "" clears it, no-proxy replaces the list. Undefined when no
 * proxy option was given. Proxies cleared to none mean no proxy (aria2's meaning), except where
 * none was set by hand to begin with: then nothing changes. A bad address is refused, as aria2
 * refuses a known option with a bad value. The addresses kept from `current` come back with their
 * passwords masked: the service keeps a stored password for a masked one, and nothing else.
 */
export function proxyChoiceFrom(options: Aria2Options, current?: ProxyChoice): ProxyChoice | undefined {
  const named = Object.keys(options).filter((name) => name in PROXY_FIELDS || name === 'no-proxy');
  if (named.length === 0) return undefined;
  const next: Partial<Record<ProxyField, string>> & { noProxy?: string } = {};
  if (current?.mode === 'manual') {
    for (const field of Object.values(PROXY_FIELDS)) if (current[field]) next[field] = maskUrlPasswords(current[field]!);
    if (current.noProxy !== undefined) next.noProxy = current.noProxy;
  }
  for (const name of named) {
    const value = options[name];
    if (typeof value !== 'string') throw new OptionError(`option ${name} must be a string`);
    if (name === 'no-proxy') {
      if (/[\r\n\0]/.test(value)) throw new OptionError("We encountered a problem while processing the option '--no-proxy': line breaks");
      if (value.trim() === '') delete next.noProxy;
      else next.noProxy = value.trim();
      continue;
    }
    const field = PROXY_FIELDS[name as keyof typeof PROXY_FIELDS];
    if (value.trim() === '') {
      delete next[field];
      continue;
    }
    const problem = proxyUrlProblem(value);
    if (problem) throw new OptionError(`We encountered a problem while processing the option '--${name}': ${problem}`);
    next[field] = value.trim();
  }
  if (next.all || next.http || next.https) return { mode: 'manual', ...next };
  if (next.noProxy !== undefined && named.every((n) => n === 'no-proxy')) {
    throw new OptionError("We encountered a problem while processing the option '--no-proxy': no proxy is set by hand (all-proxy, http-proxy, https-proxy)");
  }
  return current === undefined || current.mode === 'manual' ? { mode: 'none' } : current;
}

/** A choice as aria2's option strings, passwords masked (getOption, getGlobalOption). */
export function proxyOptionsView(choice: ProxyChoice | undefined): Aria2Options {
  if (choice?.mode === 'none') return { 'all-proxy': '' };
  if (choice?.mode !== 'manual') return {};
  const out: Aria2Options = {};
  for (const [name, field] of Object.entries(PROXY_FIELDS)) if (choice[field]) out[name] = maskUrlPasswords(choice[field]!);
  if (choice.noProxy) out['no-proxy'] = choice.noProxy;
  return out;
}

export function downloadOptionsFrom(raw: unknown): DownloadOptions {
  const options = asOptions(raw);
  const result: DownloadOptions = {};
  const proxy = proxyChoiceFrom(options as Aria2Options);
  if (proxy) result.proxy = proxy;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options)) {
    if (name === 'header') {
      for (const line of Array.isArray(value) ? value : [value]) addHeader(headers, line);
      continue;
    }
    if (typeof value !== 'string') throw new OptionError(`option ${name} must be a string`);
    switch (name) {
      case 'dir':
        if (value.trim() === '') throw new OptionError("We encountered a problem while processing the option '--dir': empty");
        result.dir = value;
        break;
      case 'out':
        // Whether it is a name that stays in its folder is the caller's rule (client-save-folders.ts).
        result.out = value;
        break;
      case 'referer':
        headers.Referer = value;
        break;
      case 'user-agent':
        headers['User-Agent'] = value;
        break;
      // aria2's ranges: split any count (it spreads one file over as many URIs), max-connection-per-server
      // 1-16. Ferry takes the larger of the two, up to one host's budget (16).
      case 'split':
        if (!/^\s*\d+\s*$/.test(value) || Number(value) < 1) {
          throw new OptionError(`We encountered a problem while processing the option '--split': must be a whole number, 1 or more`);
        }
        result.connections = Math.max(result.connections ?? 1, Math.min(16, Number(value)));
        break;
      case 'max-connection-per-server':
        result.connections = Math.max(result.connections ?? 1, parseCount(name, value, 1, 16));
        break;
      case 'max-download-limit': {
        const limit = parseSize(name, value);
        result.speedLimit = limit === 0 ? null : limit;
        break;
      }
      case 'checksum': {
        const match = /^sha-256=([0-9a-fA-F]{64})$/.exec(value);
        if (!match) throw new OptionError("We encountered a problem while processing the option '--checksum': Ferry checks sha-256=<64 hex> only");
        result.sha256 = match[1]!.toLowerCase();
        break;
      }
      case 'pause':
        result.pause = parseBool(name, value);
        break;
      case 'gid':
        // aria2's rule: 16 hex digits, not all zeros.
        if (!/^[0-9a-fA-F]{16}$/.test(value) || /^0+$/.test(value)) {
          throw new OptionError(`We encountered a problem while processing the option '--gid': "${value.slice(0, 40)}" is not 16 hex digits`);
        }
        result.gid = value.toLowerCase();
        break;
      case 'ferry-stream':
        if (value === 'auto') break;
        if (!(STREAM_KINDS as readonly string[]).includes(value)) {
          throw new OptionError(`We encountered a problem while processing the option '--ferry-stream': must be hls, dash or auto`);
        }
        result.stream = { ...result.stream, kind: value as StreamKind };
        break;
      case 'ferry-size':
        // Whole bytes, as the browser's DownloadItem has them; no K/M: a size that is rounded matches nothing.
        if (!/^\s*\d{1,16}\s*$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
          throw new OptionError(`We encountered a problem while processing the option '--ferry-size': must be the file's size in bytes, 1 or more`);
        }
        result.size = Number(value);
        break;
      case 'ferry-variant':
        if (!parseVariantChoice(value)) throw new OptionError(`We encountered a problem while processing the option '--ferry-variant': must be ${VARIANT_CHOICE_HELP}`);
        result.stream = { ...result.stream, variant: value.trim().toLowerCase() };
        break;
      case 'ferry-title':
        // The page's title, for the file name (it is made safe there); bounded like any name.
        if (value.trim() !== '') result.stream = { ...result.stream, title: value.slice(0, 300) };
        break;
      default:
      // Unknown or not applicable to Ferry: ignored, as aria2 ignores options it does not know.
    }
  }
  if (Object.keys(headers).length > 0) result.headers = headers;
  return result;
}

/**
 * The options a download reports back (getOption): what it was given, as aria2 strings. Without a
 * count of its own it has the settings' (`defaultConnections`), copied in when it was added.
 */
export function optionsView(
  view: { directory: string; fileName?: string; speedLimit?: number | null; defaultConnections: number },
  stored: DownloadOptions,
): Aria2Options {
  const connections = String(stored.connections ?? view.defaultConnections);
  const out: Aria2Options = {
    dir: view.directory,
    'max-download-limit': String(view.speedLimit ?? 0),
    split: connections,
    'max-connection-per-server': connections,
  };
  if (stored.out) out.out = stored.out;
  if (stored.sha256) out.checksum = `sha-256=${stored.sha256}`;
  if (stored.headers?.Referer) out.referer = maskUrlPasswords(stored.headers.Referer);
  if (stored.headers?.['User-Agent']) out['user-agent'] = stored.headers['User-Agent'];
  if (stored.stream?.kind) out['ferry-stream'] = stored.stream.kind;
  if (stored.stream?.variant) out['ferry-variant'] = stored.stream.variant;
  if (stored.stream?.title) out['ferry-title'] = stored.stream.title;
  return { ...out, ...proxyOptionsView(stored.proxy) };
}

export function globalOptionsView(settings: Settings, extra: { listenPort: number }): Aria2Options {
  return {
    dir: settings.downloadDirectory,
    'max-concurrent-downloads': String(settings.maxActive),
    'max-overall-download-limit': String(settings.downloadLimit ?? 0),
    'max-overall-upload-limit': String(settings.uploadLimit ?? 0),
    'max-tries': String(settings.maxRetries),
    // Settings › Connections per download: what a download added without split uses.
    split: String(settings.connectionsPerDownload),
    'max-connection-per-server': String(settings.connectionsPerDownload),
    continue: 'true',
    'rpc-listen-port': String(extra.listenPort),
    ...proxyOptionsView(settings.proxy),
  };
}

/**
 * changeGlobalOption: the keys that are Ferry settings; everything else is accepted and ignored.
 * `current` settings let the proxy options change only what they name.
 */
export function settingsPatchFrom(raw: unknown, current?: Settings): RpcSettingsPatch {
  const options = asOptions(raw);
  const patch: RpcSettingsPatch = {};
  const proxy = proxyChoiceFrom(options as Aria2Options, current?.proxy);
  if (proxy) patch.proxy = proxy;
  for (const [name, value] of Object.entries(options)) {
    if (typeof value !== 'string') continue;
    switch (name) {
      case 'dir':
        patch.downloadDirectory = value;
        break;
      case 'max-concurrent-downloads':
        patch.maxActive = parseCount(name, value, 1, 32);
        break;
      case 'max-overall-download-limit': {
        const limit = parseSize(name, value);
        patch.downloadLimit = limit === 0 ? null : limit;
        break;
      }
      case 'max-overall-upload-limit': {
        const limit = parseSize(name, value);
        patch.uploadLimit = limit === 0 ? null : limit;
        break;
      }
      case 'max-tries':
        patch.maxRetries = parseCount(name, value, 0, 100);
        break;
      default:
    }
  }
  return patch;
}
