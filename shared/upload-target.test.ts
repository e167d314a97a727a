import { describe, expect, it } from 'vitest';
import { uploadTargetUrl } from './upload-target';

describe('where an uploaded file goes', () => {
  it('puts the file name in {filename}, or after a raw upload URL that ends in /', () => {
    expect(uploadTargetUrl('http://127.0.0.1:8080/in/{filename}', 'a b.txt', 'raw')).toBe('http://127.0.0.1:8080/in/a%20b.txt');
    expect(uploadTargetUrl('http://127.0.0.1:8080/dav/dir/', 'report.pdf', 'raw')).toBe('http://127.0.0.1:8080/dav/dir/report.pdf');
    expect(uploadTargetUrl('http://127.0.0.1:8080/dav/dir/?sig=1', 'r.pdf', 'raw')).toBe('http://127.0.0.1:8080/dav/dir/r.pdf?sig=1');
    expect(uploadTargetUrl('http://127.0.0.1:8080/dav/file.bin', 'report.pdf', 'raw')).toBe('http://127.0.0.1:8080/dav/file.bin');
    expect(uploadTargetUrl('http://127.0.0.1:8080/files/', 'report.pdf', 'tus')).toBe('http://127.0.0.1:8080/files/');
    expect(uploadTargetUrl('http://127.0.0.1:8080/form/', 'report.pdf', 'multipart')).toBe('http://127.0.0.1:8080/form/');
  });
});
