// Turns argv into a command, or a usage error (exit 2). Pure: no file system, no network;
// checks that need the disk (upload sources, --dir) live in preflight.ts.
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseVariantChoice, VARIANT_CHOICE_HELP } from '../../../shared/stream';
import type { UploadMethod, UploadProtocol } from '../../../shared/transfer';
import { defaultDataDir } from '../kit/data-dir/data-dir';
import type { ProxyRules } from '../../engine/index';
import { checksumFlags } from './checksum-option';
import type { ListedDownload } from './download-list';
import { PROXY_OPTIONS, ProxyOptionError, proxyOptionRules } from './proxy-options';
import { parseRate } from './rate';
import { parseRulesArgs, RulesUsageError, type RulesCommand } from './rules-args';

export interface GetCommand {
  kind: 'get';
  urls: string[];
  /** -i FILE: an aria2 input file (absolute), or "-" for standard input; read before anything starts. */
  inputFile?: string;
  /** The downloads the input file lists, once read (download-list.ts); the URLs above come first. */
  list?: ListedDownload[];
  /** --dir; absent: the download folder of the Ferry that runs them (its settings, ~/Downloads by default). */
  directory?: string;
  fileName?: string;
  /** --sha256 HEX or --checksum=sha-256=HEX. */
  sha256?: string;
  /** Connections per download (1-32), opened at once; absent: the default (16), as the ramp finds them useful. */
  connections?: number;
  limit: number | null;
  dataDir: string;
  quiet: boolean;
  /** With a running Ferry owning the data folder: hand over and return at once. */
  detach?: boolean;
  /** Video streams: which variant (best, worst, WIDTHxHEIGHT, bandwidth). */
  variant?: string;
  /** --all-proxy, --http-proxy, --https-proxy, --no-proxy as given (the environment is read where the engine opens). */
  proxy: ProxyRules;
}

export interface PutCommand {
  kind: 'put';
  sources: string[];
  url: string;
  method: UploadMethod;
  protocol: UploadProtocol;
  fieldName?: string;
  fields: Record<string, string>;
  headers: Record<string, string>;
  limit: number | null;
  dataDir: string;
  quiet: boolean;
  /** Hand the uploads to a running Ferry and return once it accepted them. */
  detach?: boolean;
  proxy: ProxyRules;
}

export interface ServeCommand {
  kind: 'serve';
  port?: number;
  host?: string;
  /** Replace the token kept in the data folder. */
  newToken?: boolean;
  dataDir: string;
  proxy: ProxyRules;
}

/** `ferry rpc`: the aria2-compatible JSON-RPC alone (flag names as aria2's). */
export interface RpcCommand {
  kind: 'rpc';
  port?: number;
  secret?: string;
  /** --rpc-allow-origin-all: any web page may call (still with the secret). */
  allowAnyOrigin?: boolean;
  dataDir: string;
  proxy: ProxyRules;
}

export type HelpTopic = 'get' | 'put' | 'serve' | 'rpc' | 'rules';

export type CliCommand =
  | { kind: 'help'; topic?: HelpTopic }
  | { kind: 'version' }
  | GetCommand
  | PutCommand
  | ServeCommand
  | RpcCommand
  | RulesCommand;

export type ParseResult = { ok: true; command: CliCommand } | { ok: false; message: string; topic?: HelpTopic };

export interface ParseEnv {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const COMMON = {
  ...PROXY_OPTIONS,
  'data-dir': { type: 'string' },
  limit: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const GET_OPTIONS = {
  ...COMMON,
  dir: { type: 'string', short: 'd' },
  out: { type: 'string', short: 'o' },
  sha256: { type: 'string' },
  checksum: { type: 'string' },
  'input-file': { type: 'string', short: 'i' },
  detach: { type: 'boolean' },
  connections: { type: 'string', short: 'x' },
  variant: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const PUT_OPTIONS = {
  ...COMMON,
  method: { type: 'string', short: 'X' },
  multipart: { type: 'string' },
  field: { type: 'string', multiple: true, short: 'F' },
  tus: { type: 'boolean' },
  header: { type: 'string', multiple: true, short: 'H' },
  detach: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

const SERVE_OPTIONS = {
  ...PROXY_OPTIONS,
  'data-dir': { type: 'string' },
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'new-token': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const RPC_OPTIONS = {
  ...PROXY_OPTIONS,
  'data-dir': { type: 'string' },
  port: { type: 'string', short: 'p' },
  'rpc-listen-port': { type: 'string' },
  'rpc-secret': { type: 'string' },
  'rpc-allow-origin-all': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

export function parseCli(argv: readonly string[], { cwd, env }: ParseEnv): ParseResult {
  const [commandName, ...rest] = argv;
  if (commandName === undefined || commandName === '--help' || commandName === '-h' || commandName === 'help') {
    const topic = commandName === 'help' ? rest[0] : undefined;
    if (topic !== undefined && topic !== 'get' && topic !== 'put' && topic !== 'serve' && topic !== 'rpc' && topic !== 'rules') {
      return { ok: false, message: `unknown command '${topic}'` };
    }
    return { ok: true, command: { kind: 'help', topic } };
  }
  if (commandName === '--version' || commandName === '-V') return { ok: true, command: { kind: 'version' } };
  if (commandName !== 'get' && commandName !== 'put' && commandName !== 'serve' && commandName !== 'rpc' && commandName !== 'rules') {
    return { ok: false, message: `unknown command '${commandName}'` };
  }
  try {
    if (commandName === 'get') return parseGet(rest, cwd, env);
    if (commandName === 'put') return parsePut(rest, cwd, env);
    if (commandName === 'rpc') return parseRpc(rest, cwd, env);
    if (commandName === 'rules') return parseRules(rest, cwd, env);
    return parseServe(rest, cwd, env);
  } catch (error) {
    return { ok: false, message: usageMessage(error), topic: commandName };
  }
}

function parseGet(args: string[], cwd: string, env: NodeJS.ProcessEnv): ParseResult {
  const { values, positionals } = parseArgs({ args, options: GET_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { ok: true, command: { kind: 'help', topic: 'get' } };
  const inputFile = values['input-file'];
  if (inputFile !== undefined && inputFile.trim() === '') throw new UsageError('-i needs a file (or - for standard input)');
  if (positionals.length === 0 && inputFile === undefined) throw new UsageError('get needs at least one URL (or -i FILE)');
  const urls = positionals.map(checkHttpUrl);
  if (values.out !== undefined) {
    if (urls.length > 1 || inputFile !== undefined) throw new UsageError('--out names one file, but several URLs were given (in a -i list: an out= line under the URL)');
    checkFileName(values.out);
  }
  const digest = checksumFlags(values.sha256, values.checksum, inputFile !== undefined);
  if ('problem' in digest) throw new UsageError(digest.problem);
  const sha256 = digest.sha256;
  const command: GetCommand = {
    kind: 'get',
    urls,
    limit: limitOption(values.limit),
    dataDir: dataDirOption(values['data-dir'], cwd, env),
    quiet: values.quiet ?? false,
    proxy: proxyOptionRules(values),
  };
  if (values.dir !== undefined) command.directory = path.resolve(cwd, values.dir);
  if (inputFile !== undefined) command.inputFile = inputFile === '-' ? '-' : path.resolve(cwd, inputFile);
  if (values.out !== undefined) command.fileName = values.out;
  if (sha256 !== undefined) command.sha256 = sha256;
  if (values.detach) command.detach = true;
  if (values.connections !== undefined) command.connections = connectionsOption(values.connections);
  if (values.variant !== undefined) {
    if (!parseVariantChoice(values.variant)) throw new UsageError(`--variant takes ${VARIANT_CHOICE_HELP} (got '${values.variant}')`);
    command.variant = values.variant.trim().toLowerCase();
  }
  return { ok: true, command };
}

function parsePut(args: string[], cwd: string, env: NodeJS.ProcessEnv): ParseResult {
  const { values, positionals } = parseArgs({ args, options: PUT_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { ok: true, command: { kind: 'help', topic: 'put' } };
  if (positionals.length < 2) throw new UsageError('put needs at least one file and then the URL to send it to');
  const url = checkHttpUrl(positionals[positionals.length - 1]!);
  const sources = positionals.slice(0, -1).map((source) => path.resolve(cwd, source));
  if (values.tus && values.multipart !== undefined) throw new UsageError('--tus and --multipart are different protocols; pick one');
  if (values.field && values.multipart === undefined) throw new UsageError('--field only applies to --multipart uploads');
  if (values.multipart !== undefined && values.multipart.trim() === '') throw new UsageError('--multipart needs a field name');
  const protocol: UploadProtocol = values.tus ? 'tus' : values.multipart !== undefined ? 'multipart' : 'raw';
  const method = methodOption(values.method, protocol);
  const command: PutCommand = {
    kind: 'put',
    sources,
    url,
    method,
    protocol,
    fields: Object.fromEntries((values.field ?? []).map(parseField)),
    headers: Object.fromEntries((values.header ?? []).map(parseHeader)),
    limit: limitOption(values.limit),
    dataDir: dataDirOption(values['data-dir'], cwd, env),
    quiet: values.quiet ?? false,
    proxy: proxyOptionRules(values),
  };
  if (values.multipart !== undefined) command.fieldName = values.multipart;
  if (values.detach) command.detach = true;
  return { ok: true, command };
}

function parseServe(args: string[], cwd: string, env: NodeJS.ProcessEnv): ParseResult {
  const { values, positionals } = parseArgs({ args, options: SERVE_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { ok: true, command: { kind: 'help', topic: 'serve' } };
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got '${positionals[0]}')`);
  const command: ServeCommand = { kind: 'serve', dataDir: dataDirOption(values['data-dir'], cwd, env), proxy: proxyOptionRules(values) };
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got '${values.port}')`);
    command.port = port;
  }
  if (values.host !== undefined) {
    if (values.host.trim() === '') throw new UsageError('--host needs an address');
    command.host = values.host;
  }
  if (values['new-token']) command.newToken = true;
  return { ok: true, command };
}

function parseRpc(args: string[], cwd: string, env: NodeJS.ProcessEnv): ParseResult {
  const { values, positionals } = parseArgs({ args, options: RPC_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { ok: true, command: { kind: 'help', topic: 'rpc' } };
  if (positionals.length > 0) throw new UsageError(`rpc takes no arguments (got '${positionals[0]}')`);
  const command: RpcCommand = { kind: 'rpc', dataDir: dataDirOption(values['data-dir'], cwd, env), proxy: proxyOptionRules(values) };
  const portText = values.port ?? values['rpc-listen-port'];
  if (portText !== undefined) {
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535 (got '${portText}')`);
    command.port = port;
  }
  if (values['rpc-secret'] !== undefined) {
    // Printable ASCII without spaces: it travels as "token:SECRET" in JSON and in clients' forms.
    // At least 16: wrong guesses are slowed down, but a short secret is still found by patience.
    if (!/^[\x21-\x7e]{16,128}$/.test(values['rpc-secret'])) {
      throw new UsageError(`--rpc-secret needs 16 to 128 printable characters, no spaces (got ${values['rpc-secret'].length})`);
    }
    command.secret = values['rpc-secret'];
  }
  if (values['rpc-allow-origin-all']) command.allowAnyOrigin = true;
  return { ok: true, command };
}

function checkHttpUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`'${text}' is not an http or https URL`);
  return text;
}

function checkFileName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new UsageError(`--out takes a file name, not a path (got '${name}'); use --dir for the folder`);
  }
  // The contract's limit for every front's file names.
  if (name.length > 255) throw new UsageError(`--out takes a file name of at most 255 characters (got ${name.length})`);
}

function parseRules(args: string[], cwd: string, env: NodeJS.ProcessEnv): ParseResult {
  const parsed = parseRulesArgs(args, env.HOME ?? env.USERPROFILE ?? '~');
  if ('help' in parsed) return { ok: true, command: { kind: 'help', topic: 'rules' } };
  const { dataDirText, ...action } = parsed;
  return { ok: true, command: { kind: 'rules', dataDir: dataDirOption(dataDirText, cwd, env), ...action } };
}

function limitOption(text: string | undefined): number | null {
  if (text === undefined) return null;
  const rate = parseRate(text);
  if (rate === null) throw new UsageError(`--limit must be a rate such as 500K, 2M or 1.5MB/s (got '${text}')`);
  return rate;
}

function connectionsOption(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text.trim()) || count < 1 || count > 32) {
    throw new UsageError(`--connections must be a whole number from 1 to 32 (got '${text}')`);
  }
  return count;
}

function dataDirOption(text: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string {
  if (text === undefined) return defaultDataDir(env);
  if (text.trim() === '') throw new UsageError('--data-dir needs a folder');
  return path.resolve(cwd, text);
}

function methodOption(text: string | undefined, protocol: UploadProtocol): UploadMethod {
  if (text === undefined) return protocol === 'multipart' || protocol === 'tus' ? 'POST' : 'PUT';
  const method = text.toUpperCase();
  if (method !== 'PUT' && method !== 'POST') throw new UsageError(`--method must be PUT or POST (got '${text}')`);
  return method;
}

function parseField(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--field takes NAME=VALUE (got '${text}')`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  // RFC 9110 token characters; anything else would be refused by Node's HTTP client later.
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`--header takes "Name: value" (got '${text}')`);
  return [name, text.slice(colon + 1).trim()];
}

function usageMessage(error: unknown): string {
  if (error instanceof UsageError || error instanceof ProxyOptionError || error instanceof RulesUsageError) return error.message;
  // node:util parseArgs errors carry codes such as ERR_PARSE_ARGS_UNKNOWN_OPTION and a readable message.
  if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    return error.message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
  }
  throw error;
}
