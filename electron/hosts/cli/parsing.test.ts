import { describe, expect, it } from 'vitest';
import { parseCli, type GetCommand, type PutCommand } from './args';
import { defaultDataDir } from '../kit/data-dir/data-dir';
import { formatEta, formatProgressLine } from './format';
import { putTargets } from './put-targets';
import { parseRate } from './rate';

const env = { cwd: '/work/here', env: { HOME: '/home/u', XDG_DATA_HOME: '/xdg' } };

function parse(...argv: string[]) {
  return parseCli(argv, env);
}

function command<T>(result: ReturnType<typeof parseCli>): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.message}`);
  return result.command as T;
}

describe('parseRate', () => {
  it.each([
    ['500K', 500 * 1024],
    ['2M', 2 * 1024 * 1024],
    ['1.5MB/s', 1.5 * 1024 * 1024],
    ['800KiB/s', 800 * 1024],
    ['65536', 65536],
    ['1g', 1024 ** 3],
    [' 10 kb ', 10 * 1024],
  ])('%s -> %d bytes/s', (text, expected) => {
    expect(parseRate(text)).toBe(expected);
  });

  it.each(['', 'fast', '0', '-5K', '5X', '1.2.3M', 'K'])('refuses %j', (text) => {
    expect(parseRate(text)).toBeNull();
  });
});

describe('parseCli get', () => {
  it('resolves folders against cwd and takes defaults', () => {
    const get = command<GetCommand>(parse('get', 'http://h/a.bin'));
    expect(get).toMatchObject({ urls: ['http://h/a.bin'], dataDir: '/xdg/ferry', limit: null, quiet: false });
    // No --dir: none named, so the Ferry that runs it saves into its download folder (Settings, ~/Downloads).
    expect(get.directory).toBeUndefined();
    expect(command<GetCommand>(parse('get', 'http://h/a.bin', '--dir', '.')).directory).toBe('/work/here');
    const full = command<GetCommand>(
      parse('get', 'https://h/a', '--dir', 'out', '--out', 'x.iso', '--sha256', 'AB'.repeat(32), '--limit', '2M', '--data-dir', 'd', '-q'),
    );
    expect(full).toMatchObject({ directory: '/work/here/out', fileName: 'x.iso', sha256: 'ab'.repeat(32), limit: 2 * 1024 * 1024, dataDir: '/work/here/d', quiet: true });
    expect(get.connections).toBeUndefined();
    // aria2's --checksum=TYPE=DIGEST, as well as --sha256 (type in any case, digest lower-cased).
    expect(command<GetCommand>(parse('get', 'http://h/a', `--checksum=sha-256=${'AB'.repeat(32)}`)).sha256).toBe('ab'.repeat(32));
    expect(command<GetCommand>(parse('get', 'http://h/a', '--checksum', `SHA-256=${'cd'.repeat(32)}`)).sha256).toBe('cd'.repeat(32));
    expect(command<GetCommand>(parse('get', 'http://h/a', '--connections', '16')).connections).toBe(16);
    expect(command<GetCommand>(parse('get', 'http://h/a', '-x', '1')).connections).toBe(1);
  });

  it.each([
    [['get'], /at least one URL/],
    [['get', 'http://h/a', '--bogus'], /--bogus/],
    [['get', 'http://h/a', 'http://h/b', '--out', 'x'], /several URLs/],
    [['get', 'http://h/a', '--out', '../x'], /not a path/],
    [['get', 'http://h/a', '--out', 'x'.repeat(256)], /--out takes a file name of at most 255 characters/],
    [['get', 'http://h/a', '--sha256', 'abc'], /64 hexadecimal/],
    [['get', 'ftp://h/a'], /not an http/],
    [['get', 'nonsense'], /not a URL/],
    [['get', 'http://h/a', '--limit', 'fast'], /--limit/],
    [['get', 'http://h/a', '--connections', '0'], /1 to 32/],
    [['get', 'http://h/a', '--connections', '33'], /1 to 32/],
    [['get', 'http://h/a', '-x', 'many'], /1 to 32/],
    [['get', 'http://h/a', '--checksum=md5=0123456789abcdef0123456789abcdef'], /--checksum: Ferry checks sha-256 only, not md5/],
    [['get', 'http://h/a', '--checksum=sha-1=0192ba11326fe2298c8cb4de616f4d4140213838'], /Ferry checks sha-256 only, not sha-1/],
    [['get', 'http://h/a', '--checksum', 'sha-256=abc'], /--checksum: sha-256 takes 64 hexadecimal digits/],
    [['get', 'http://h/a', '--checksum', 'crc32:1234'], /--checksum: takes TYPE=DIGEST, as sha-256=HEX/],
    [['get', 'http://h/a', '--checksum', `sha-256=${'ab'.repeat(32)}`, '--sha256', 'ab'.repeat(32)], /not both/],
    [['fetch', 'http://h/a'], /unknown command/],
  ])('usage error for %j', (argv, message) => {
    const result = parseCli(argv, env);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('parseCli put', () => {
  it('defaults: raw PUT; multipart POST; tus', () => {
    expect(command<PutCommand>(parse('put', 'a.txt', 'http://h/up/'))).toMatchObject({
      sources: ['/work/here/a.txt'],
      url: 'http://h/up/',
      protocol: 'raw',
      method: 'PUT',
    });
    expect(command<PutCommand>(parse('put', 'a', 'b', 'http://h/form', '--multipart', 'file', '--field', 'k=v=w', '-H', 'Authorization: Bearer t'))).toMatchObject({
      sources: ['/work/here/a', '/work/here/b'],
      protocol: 'multipart',
      method: 'POST',
      fieldName: 'file',
      fields: { k: 'v=w' },
      headers: { Authorization: 'Bearer t' },
    });
    expect(command<PutCommand>(parse('put', 'a', 'http://h/files', '--tus'))).toMatchObject({ protocol: 'tus' });
    expect(command<PutCommand>(parse('put', 'a', 'http://h/x', '--method', 'post'))).toMatchObject({ method: 'POST' });
  });

  it.each([
    [['put', 'http://h/x'], /at least one file/],
    [['put', 'a', 'http://h/x', '--method', 'PATCH'], /PUT or POST/],
    [['put', 'a', 'http://h/x', '--field', 'k=v'], /only applies to --multipart/],
    [['put', 'a', 'http://h/x', '--multipart', 'f', '--field', 'novalue'], /NAME=VALUE/],
    [['put', 'a', 'http://h/x', '--header', 'no colon'], /Name: value/],
    [['put', 'a', 'http://h/x', '--tus', '--multipart', 'f'], /pick one/],
  ])('usage error for %j', (argv, message) => {
    const result = parseCli(argv, env);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('targets: folder URLs and {filename} get the file name; same URL twice is refused for raw PUT', () => {
    expect(putTargets({ sources: ['/d/a b.txt'], url: 'http://h/up/', protocol: 'raw', method: 'PUT' })).toEqual({ ok: true, urls: ['http://h/up/a%20b.txt'] });
    expect(putTargets({ sources: ['/d/a'], url: 'http://h/u/{filename}?x=1', protocol: 'multipart', method: 'POST' })).toEqual({ ok: true, urls: ['http://h/u/a?x=1'] });
    expect(putTargets({ sources: ['/d/a'], url: 'http://h/files/', protocol: 'tus', method: 'POST' })).toEqual({ ok: true, urls: ['http://h/files/'] });
    expect(putTargets({ sources: ['/d/a', '/e/b'], url: 'http://h/same', protocol: 'raw', method: 'PUT' }).ok).toBe(false);
  });
});

describe('serve, help', () => {
  it('parses serve options and refuses bad ports', () => {
    expect(command(parse('serve', '--port', '8080', '--host', '0.0.0.0'))).toMatchObject({ kind: 'serve', port: 8080, host: '0.0.0.0' });
    expect(parse('serve', '--port', 'eighty').ok).toBe(false);
    expect(command(parse('get', '--help'))).toEqual({ kind: 'help', topic: 'get' });
    expect(command(parse())).toEqual({ kind: 'help', topic: undefined });
  });
});

describe('defaultDataDir', () => {
  it('follows each OS convention', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/ferry');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.local/share/ferry');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Ferry');
    expect(defaultDataDir({ FERRY_DATA_DIR: '/portable/ferry', XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/portable/ferry');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Ferry');
  });
});

describe('progress line', () => {
  it('shows percent, sizes, speed and ETA within the width', () => {
    const line = formatProgressLine('big.iso', { bytesDone: 512 * 1024 ** 2, totalBytes: 1024 ** 3, speed: 100 * 1024 ** 2, etaSeconds: 5.2 }, 80);
    expect(line).toMatch(/^big\.iso\s+50%\s+512 MiB \/ 1\.00 GiB\s+100 MiB\/s\s+ETA 5s$/);
    const long = formatProgressLine('x'.repeat(300), { bytesDone: 1, totalBytes: null, speed: 0, etaSeconds: null }, 60);
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toContain('?%');
    expect(formatEta(3725)).toBe('1h02m');
    expect(formatEta(185)).toBe('3m05s');
  });
});

describe('proxy options (aria2 names)', () => {
  it('every command takes them; they are kept as given', () => {
    const get = command<GetCommand>(parse('get', 'http://x.test/a', '--all-proxy', 'socks5h://u:p@127.0.0.1:1080', '--no-proxy', 'intra.test,10.0.0.0/8'));
    expect(get.proxy).toEqual({ all: 'socks5h://u:p@127.0.0.1:1080', noProxy: 'intra.test,10.0.0.0/8' });
    const put = command<PutCommand>(parse('put', 'a.bin', 'http://x.test/', '--http-proxy=proxy.test:3128', '--https-proxy', ''));
    expect(put.proxy).toEqual({ http: 'proxy.test:3128', https: '' });
    expect(command<{ proxy: object }>(parse('serve', '--all-proxy', 'http://p.test:8080')).proxy).toEqual({ all: 'http://p.test:8080' });
    expect(command<{ proxy: object }>(parse('rpc', '--no-proxy', '*')).proxy).toEqual({ noProxy: '*' });
    expect(command<GetCommand>(parse('get', 'http://x.test/a')).proxy).toEqual({});
  });

  it('an address that cannot be a proxy is a usage error naming the option, its password masked', () => {
    const result = parse('get', 'http://x.test/a', '--all-proxy', 'ftp://me:hunter2@p.test');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^--all-proxy: Unsupported proxy scheme "ftp"/);
    expect(result.message).not.toContain('hunter2');
    expect(result.topic).toBe('get');
  });
});
