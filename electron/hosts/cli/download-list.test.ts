// aria2's input-file format and its options, read as `ferry get -i` reads them (the rules checked
// against Debian's aria2c 1.36; cli-get-list.test.ts runs both on the same file).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { parseCli, type GetCommand } from './args';
import { downloadListFrom, readDownloadList, type DownloadList } from './download-list';
import { downloadsOf } from './get-downloads';

const HEX = 'ab'.repeat(32);

function listed(text: string): Extract<DownloadList, { ok: true }> {
  const list = downloadListFrom(text, 'links.txt', '/work/here');
  if (!list.ok) throw new Error(list.message);
  return list;
}

function refusal(text: string): string {
  const list = downloadListFrom(text, 'links.txt', '/work/here');
  if (list.ok) throw new Error('expected a refusal');
  return list.message;
}

describe('the options of a listed download', () => {
  it('dir, out, checksum, header, proxies, split and max-connection-per-server mean what they mean for aria2', () => {
    const { downloads, notes } = listed(
      [
        'http://a.test/1.bin',
        '  dir=sub',
        '  out=renamed.bin',
        `  checksum=sha-256=${HEX.toUpperCase()}`,
        '  header=Cookie: a=1',
        '  header=X-Token: t',
        '  referer=http://a.test/page',
        '  all-proxy=socks5h://u:p@127.0.0.1:1080',
        '  no-proxy=intra.test',
        '  split=4',
        '  max-connection-per-server=8',
        '  max-download-limit=500K',
        'http://a.test/2.bin',
        '  dir=/abs/folder',
        '  out=deep/er/two.bin',
        '  all-proxy=',
      ].join('\n'),
    );
    expect(notes).toEqual([]);
    expect(downloads).toEqual([
      {
        source: 'links.txt line 1',
        line: 1,
        url: 'http://a.test/1.bin',
        mirrors: [],
        directory: '/work/here/sub',
        fileName: 'renamed.bin',
        sha256: HEX,
        connections: 8,
        headers: { Cookie: 'a=1', 'X-Token': 't', Referer: 'http://a.test/page' },
        speedLimit: 500 * 1024,
        proxy: { mode: 'manual', all: 'socks5h://u:p@127.0.0.1:1080', noProxy: 'intra.test' },
      },
      // out may name subfolders of the entry's folder, as in aria2; "" for the proxy: none.
      { source: 'links.txt line 13', line: 13, url: 'http://a.test/2.bin', mirrors: [], directory: '/abs/folder/deep/er', fileName: 'two.bin', proxy: { mode: 'none' } },
    ]);
  });

  it('split takes any count, as in aria2 (up to one host\'s 16 here); max-connection-per-server 1-16, as in aria2', () => {
    expect(listed('http://a.test/x\n  split=64\n').downloads[0]!.connections).toBe(16);
    expect(refusal('http://a.test/x\n  max-connection-per-server=20\n')).toMatch(/^links\.txt line 2: max-connection-per-server: must be a number from 1 to 16$/);
  });

  it('unknown options and options for a running aria2 are ignored; the last of a repeated option counts', () => {
    const { downloads } = listed('http://a.test/x\n  max-tries=3\n  no-such-option=1\n  pause=true\n  out=first.bin\n  out=second.bin\n');
    expect(downloads).toEqual([{ source: 'links.txt line 1', line: 1, url: 'http://a.test/x', mirrors: [], fileName: 'second.bin' }]);
  });

  it('mirrors are kept with the download (and used: no note about them)', () => {
    const list = listed('http://a.test/1\thttp://b.test/1\thttp://c.test/1\nhttp://a.test/2\thttp://b.test/2\nhttp://a.test/3\n');
    expect(list.downloads.map((d) => [d.url, d.mirrors])).toEqual([
      ['http://a.test/1', ['http://b.test/1', 'http://c.test/1']],
      ['http://a.test/2', ['http://b.test/2']],
      ['http://a.test/3', []],
    ]);
    expect(list.notes).toEqual([]);
  });

  it.each([
    ['http://a.test/x\n  out=a.bin\n  checksum=md5=0123\n', /^links\.txt line 3: checksum: Ferry checks sha-256=<64 hex> only$/],
    ['http://a.test/x\n\n  checksum=sha-256=abc\n', /^links\.txt line 3: checksum:/],
    ['http://a.test/x\n  split=0\n', /^links\.txt line 2: split: must be a whole number, 1 or more$/],
    ['http://a.test/x\n  max-download-limit=fast\n', /^links\.txt line 2: max-download-limit:/],
    ['http://a.test/x\n  header=no colon here\n', /^links\.txt line 2: header:/],
    ['http://a.test/x\n  all-proxy=gopher://p.test\n', /^links\.txt line 2: all-proxy: Unsupported proxy scheme "gopher"/],
    ['http://a.test/x\n  dir=\n', /^links\.txt line 2: dir: empty$/],
    ['http://a.test/x\n  out=../escape.bin\n', /^links\.txt line 2: out=\.\.\/escape\.bin must stay inside the download folder$/],
    ['http://a.test/x\n  no-proxy=intra.test\n', /^links\.txt line 1: no-proxy: no proxy is set by hand/],
    ['http://a.test/x\nftp://a.test/y\n', /^links\.txt line 2: 'ftp:\/\/a\.test\/y' is not an http or https URL/],
    ['http://a.test/x\thttp:// bad\n', /^links\.txt line 1: 'http:\/\/ bad' is not a URL/],
    ['\tout=x\nhttp://a.test/x\n', /^links\.txt line 1: an option line \(out=x\) before any URL$/],
  ])('a bad value is refused naming its line: %j', (text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  it('reads a file (gzip too, as aria2 does) or standard input, and names a file it cannot read', async () => {
    const tmp = await makeTempDir('ferry-list-');
    try {
      await writeFile(path.join(tmp, 'plain.txt'), 'http://a.test/1\n  out=one.bin\n');
      await writeFile(path.join(tmp, 'packed.txt.gz'), gzipSync('http://a.test/2\n'));
      const plain = await readDownloadList('plain.txt', tmp, Readable.from([]));
      expect(plain).toMatchObject({ ok: true, downloads: [{ url: 'http://a.test/1', fileName: 'one.bin', source: 'plain.txt line 1' }] });
      expect(await readDownloadList(path.join(tmp, 'packed.txt.gz'), '/', Readable.from([]))).toMatchObject({ ok: true, downloads: [{ url: 'http://a.test/2' }] });
      const piped = await readDownloadList('-', tmp, Readable.from([Buffer.from('http://a.test/3\n  di'), Buffer.from('r=in\n')]));
      expect(piped).toMatchObject({ ok: true, downloads: [{ url: 'http://a.test/3', directory: path.join(tmp, 'in'), source: 'standard input line 1' }] });
      expect(await readDownloadList('missing.txt', tmp, Readable.from([]))).toEqual({ ok: false, message: '-i missing.txt: no such file' });
    } finally {
      await removeDir(tmp);
    }
  });
});

describe('the downloads of one get', () => {
  const env = { cwd: '/work/here', env: { HOME: '/home/u', XDG_DATA_HOME: '/xdg' } };

  function get(...argv: string[]): GetCommand {
    const result = parseCli(['get', ...argv], env);
    if (!result.ok) throw new Error(result.message);
    return result.command as GetCommand;
  }

  it("URL arguments first, then the list's entries: an entry's options over the command line's", () => {
    const command = get('http://a.test/arg', '-i', 'links.txt', '--dir', 'out', '-x', '4', '--variant', 'worst');
    expect(command.inputFile).toBe('/work/here/links.txt');
    command.list = listed('http://a.test/1\nhttp://a.test/2\n  dir=/else\n  split=2\n  ferry-stream=hls\n').downloads;
    expect(downloadsOf(command)).toEqual([
      { url: 'http://a.test/arg', mirrors: [], directory: '/work/here/out', connections: 4, stream: { variant: 'worst' } },
      { url: 'http://a.test/1', mirrors: [], directory: '/work/here/out', connections: 4, stream: { variant: 'worst' }, source: 'links.txt line 1' },
      { url: 'http://a.test/2', mirrors: [], directory: '/else', connections: 2, stream: { variant: 'worst', kind: 'hls' }, source: 'links.txt line 2' },
    ]);
  });

  it('-i - is standard input; -i alone may stand without URLs; --out and a checksum name one file, not a list', () => {
    expect(get('-i', '-').inputFile).toBe('-');
    expect(get('--input-file=list.txt').urls).toEqual([]);
    for (const [argv, message] of [
      [['-i', 'l.txt', '--out', 'x.bin'], /--out names one file.*out= line/],
      [['-i', 'l.txt', '--sha256', HEX], /--sha256 is one file's digest; in a -i list give each its own checksum= line/],
      [['-i', 'l.txt', `--checksum=sha-256=${HEX}`], /--checksum is one file's digest/],
      [['-i', ''], /-i needs a file/],
      [[], /at least one URL \(or -i FILE\)/],
    ] as const) {
      const result = parseCli(['get', ...argv], env);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(message);
    }
  });
});

