// aria2's input-file format, read and written (shared: the window previews a list before it sends
// it). The reading rules were checked against Debian's aria2c 1.36 (cli-get-list.test.ts runs both
// on one file; kit/lists/lists-service.test.ts has aria2c read a list Ferry wrote).
import { describe, expect, it } from 'vitest';
import { parseInputFile, previewInputFile, writeInputFile, type OutputEntry } from './input-file';

describe('the input-file format', () => {
  it('one entry per URI line; TAB-separated mirrors; indented option lines; comments and blank lines skipped', () => {
    const parsed = parseInputFile(
      ['# a comment', '', 'http://a.test/1.bin\thttp://b.test/1.bin\t', '  out = one.bin ', '\tdir=sub', '   ', 'http://a.test/2.bin  ', '  header=X-A: 1', '  header=X-B: 2'].join('\r\n'),
    );
    expect(parsed).toEqual({
      ignored: [],
      problems: [],
      entries: [
        {
          line: 3,
          uris: ['http://a.test/1.bin', 'http://b.test/1.bin'],
          options: [
            { name: 'out', value: 'one.bin', line: 4 },
            { name: 'dir', value: 'sub', line: 5 },
          ],
        },
        {
          line: 7,
          uris: ['http://a.test/2.bin'],
          options: [
            { name: 'header', value: 'X-A: 1', line: 8 },
            { name: 'header', value: 'X-B: 2', line: 9 },
          ],
        },
      ],
    });
  });

  it('an indented line that is not name=value is ignored (aria2 warns and goes on); an option before any URL is a problem of its line', () => {
    const parsed = parseInputFile('\uFEFFhttp://a.test/x\n  noequals\n   # indented\n  out=x.bin\n');
    expect(parsed).toMatchObject({ ignored: [2, 3], problems: [], entries: [{ options: [{ name: 'out', value: 'x.bin' }] }] });
    expect(parseInputFile('# list\n  out=x.bin\nhttp://a.test/x\n')).toMatchObject({ problems: [{ line: 2, message: 'an option line (out=x.bin) before any URL' }], entries: [{ line: 3 }] });
  });

  it('a URI keeps its inner spaces, as aria2 reads it (only TAB separates mirrors)', () => {
    expect(parseInputFile('http://a.test/My File.pdf\n')).toMatchObject({ entries: [{ uris: ['http://a.test/My File.pdf'] }] });
  });
});


describe('writing a list', () => {
  const entries: OutputEntry[] = [
    { uris: ['http://a.test/1.bin', 'http://b.test/1.bin'], options: [['dir', '/data/in'], ['out', 'one file.bin'], ['checksum', `sha-256=${'ab'.repeat(32)}`]] },
    { uris: ['http://a.test/My File.pdf'], comments: ['Headers left out: Cookie.'] },
    { uris: ['https://a.test/3?x=1&y=2'], options: [['all-proxy', ''], ['max-download-limit', '512000']] },
  ];

  it('reads back to the same entries (URIs, mirrors, options in order); comments are comments', () => {
    const text = writeInputFile(entries, ['made by a test']);
    expect(text.startsWith('# made by a test\n')).toBe(true);
    expect(text).toContain('# Headers left out: Cookie.\nhttp://a.test/My File.pdf\n');
    const parsed = parseInputFile(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.ignored).toEqual([]);
    expect(parsed.entries.map((e) => ({ uris: e.uris, options: e.options.map((o) => [o.name, o.value]) }))).toEqual(entries.map((e) => ({ uris: e.uris, options: e.options ?? [] })));
  });

  it('an empty list is empty text; what cannot be written on one line is refused, not changed', () => {
    expect(writeInputFile([])).toBe('');
    expect(() => writeInputFile([{ uris: ['http://a.test/x\nhttp://evil.test/'] }])).toThrow(/on one line/);
    expect(() => writeInputFile([{ uris: ['http://a.test/x'], options: [['out', 'a\n  dir=/etc']] }])).toThrow(/on one line/);
    expect(() => writeInputFile([{ uris: ['http://a.test/x'], options: [['bad name', 'x']] }])).toThrow(/option name/);
    expect(() => writeInputFile([{ uris: [] }])).toThrow(/at least one URI/);
    // A comment with a line break stays one comment.
    expect(parseInputFile(writeInputFile([{ uris: ['http://a.test/x'], comments: ['one\nhttp://evil.test/'] }])).entries).toHaveLength(1);
  });
});

describe('the preview a window shows', () => {
  it('counts the links it can add and names the lines it cannot', () => {
    expect(previewInputFile('http://a.test/1\n  out=x\nftp://a.test/2\n\n# c\nnot a url\nhttps://a.test/3\n')).toEqual({
      links: 2,
      unreadable: [
        { line: 3, message: "'ftp://a.test/2' is not an http or https URL (Ferry downloads those only)" },
        { line: 6, message: "'not a url' is not a URL" },
      ],
    });
    expect(previewInputFile('  out=x\nhttp://a.test/1\n')).toEqual({ links: 1, unreadable: [{ line: 1, message: 'an option line (out=x) before any URL' }] });
  });
});
