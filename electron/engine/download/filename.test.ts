import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameFromContentDisposition, numberedName, safeFileName, suggestedFileName, utf8Length } from './filename';

describe('suggestedFileName', () => {
  it('prefers filename* (RFC 5987) over filename', () => {
    expect(nameFromContentDisposition(`attachment; filename="plain.txt"; filename*=UTF-8''%E2%82%AC%20rates.txt`)).toBe('€ rates.txt');
  });
  it('reads a quoted filename', () => {
    expect(nameFromContentDisposition('attachment; filename="report 2024.pdf"')).toBe('report 2024.pdf');
  });
  it('tolerates malformed headers', () => {
    expect(nameFromContentDisposition('attachment; filename=my report.pdf')).toBe('my report.pdf');
    expect(nameFromContentDisposition(`attachment; filename*=utf-8''na%C3%AFve.txt; junk`)).toBe('naïve.txt');
    // Invalid UTF-8 still yields a usable name instead of an exception.
    expect(safeFileName(nameFromContentDisposition('attachment; filename*=UTF-8\'\'%E2%28.txt'))).toMatch(/\(\.txt$/);
    expect(nameFromContentDisposition(';;;')).toBeUndefined();
  });
  it('falls back to the percent-decoded last URL segment, then to nothing', () => {
    expect(suggestedFileName(undefined, 'http://x/a/b/r%C3%A9sum%C3%A9.pdf?x=1')).toBe('résumé.pdf');
    expect(suggestedFileName('inline', 'http://x/files/data.bin')).toBe('data.bin');
    expect(suggestedFileName(undefined, 'http://x/dir/')).toBeUndefined();
    expect(safeFileName(suggestedFileName(undefined, 'http://x/'))).toBe('download');
    expect(suggestedFileName(undefined, 'http://x/bad%E2%28')).toBe('bad%E2%28');
  });
});

describe('safeFileName', () => {
  const cases: [string, string][] = [
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\system32\\evil.dll', 'evil.dll'],
    ['/absolute/path.txt', 'path.txt'],
    ['..', 'download'],
    ['.', 'download'],
    ['...', 'download'],
    ['', 'download'],
    ['.bashrc', 'bashrc'],
    ['report\u202Egpj.exe', 'reportgpj.exe'],
    ['a\u2066b\u2069c.txt', 'abc.txt'],
    ['line\nbreak\r\t\u0000.txt', 'linebreak.txt'],
    ['bell\u0007\u009b.txt', 'bell.txt'],
    ['what?<is>:this|"*.txt', 'what__is__this___.txt'],
    ['trailing. . .', 'trailing'],
    ['trailing space.txt   ', 'trailing space.txt'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['Lpt9.tar.gz', '_Lpt9.tar.gz'],
    ['nul .txt', '_nul .txt'],
    ['COM10.txt', 'COM10.txt'],
    ['console.log', 'console.log'],
  ];
  it.each(cases)('%j -> %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it('keeps the extension when cutting to 255 UTF-8 bytes, on code point boundaries', () => {
    const long = '😀'.repeat(100) + '.gz';
    const safe = safeFileName(long);
    expect(utf8Length(safe)).toBeLessThanOrEqual(255);
    expect(safe.endsWith('.gz')).toBe(true);
    expect(safe).not.toMatch(/\uFFFD/);
    expect([...safe.slice(0, -3)].every((c) => c === '😀')).toBe(true);
    expect(utf8Length(safeFileName('a'.repeat(300) + '.pdf'))).toBe(255);
  });

  it('is safe for any input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const safe = safeFileName(raw);
        expect(safe.length).toBeGreaterThan(0);
        expect(utf8Length(safe)).toBeLessThanOrEqual(255);
        expect(safe).not.toMatch(/[<>:"/\\|?*\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(safe).not.toMatch(/^[.\s]|[.\s]$/);
        expect(safe.split('.')[0]!.trimEnd()).not.toMatch(/^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i);
      }),
      { numRuns: 500 },
    );
  });
});

describe('numberedName', () => {
  it('puts the number before the extension and stays within the byte limit', () => {
    expect(numberedName('movie.mkv', 0)).toBe('movie.mkv');
    expect(numberedName('movie.mkv', 1)).toBe('movie (1).mkv');
    expect(numberedName('README', 2)).toBe('README (2)');
    const long = 'x'.repeat(251) + '.bin';
    expect(utf8Length(numberedName(long, 12))).toBeLessThanOrEqual(255);
    expect(numberedName(long, 12).endsWith(' (12).bin')).toBe(true);
  });
});
