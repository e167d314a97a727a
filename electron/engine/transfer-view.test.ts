// The one derivation of what a client sees from a record: masked, copied, and nothing of the
// request or the resume data. (Moved from the service's client-view test, which it replaces.)
import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../shared/secret-mask';
import { newDownloadRecord, newUploadRecord } from './records';
import { secretRefValue } from './secrets';
import { transferView } from './transfer-view';
import type { TransferFacts, TransferRecord } from './types';

function downloadRecord(over: Partial<TransferFacts> = {}): TransferRecord {
  const record = newDownloadRecord({ url: 'https://u:pw1@h.example/x.bin', directory: '/tmp' }, 1, 0);
  Object.assign(record.transfer, { state: 'failed' }, over);
  return record;
}

describe('transferView', () => {
  it('masks URL passwords in the URL, the final URL, the error and the log, and leaves the record its facts', () => {
    const record = downloadRecord({
      finalUrl: 'https://u:pw2@mirror.example/x.bin',
      error: { code: 'REDIRECT', message: 'Redirect refused: the server redirected to ftp://a:pw3@h/x', retryable: false },
      log: [
        { at: 1, level: 'info', message: 'queued → active' },
        { at: 2, level: 'warn', message: 'retrying http://b:pw4@h/x' },
      ],
    });
    const shown = transferView(record);
    expect(JSON.stringify(shown)).not.toMatch(/pw[1-4]/);
    expect(shown.url).toBe(`https://u:${SECRET_MASK}@h.example/x.bin`);
    expect(shown.finalUrl).toBe(`https://u:${SECRET_MASK}@mirror.example/x.bin`);
    expect(shown.error?.message).toContain(`ftp://a:${SECRET_MASK}@h/x`);
    expect(shown.log[0]).toBe(record.transfer.log[0]);
    expect(record.transfer.url).toBe('https://u:pw1@h.example/x.bin');
    expect(record.transfer.log[1]!.message).toBe('retrying http://b:pw4@h/x');
  });

  it("masks an upload's final Location too", () => {
    const record = newUploadRecord({ sourcePath: '/tmp/a.bin', url: 'https://h.example/up' }, 1, 0);
    record.transfer.upload = { ...record.transfer.upload!, response: { status: 201, location: 'https://me:pw5@h.example/files/1' } };
    const shown = transferView(record);
    expect(shown.upload?.response).toEqual({ status: 201, location: `https://me:${SECRET_MASK}@h.example/files/1` });
  });

  it('holds no header value and no secret reference: the request and the resume data stay in the record', () => {
    const record = newDownloadRecord(
      {
        url: 'https://h.example/x.bin',
        directory: '/tmp',
        headers: { Cookie: 'session=cookie-value-1', Authorization: secretRefValue('download-header.t.0'), 'X-Key': 'plain-key-2' },
      },
      1,
      0,
    );
    record.resume = { kind: 'download', url: 'https://h.example/x.bin', etag: '"e"', totalBytes: 10, segments: [{ start: 0, end: 10, done: 4 }], partPath: '/tmp/x.bin.part' };
    const upload = newUploadRecord(
      { sourcePath: '/tmp/a.bin', url: 'https://h.example/up', headers: { Authorization: secretRefValue('dest.1.auth'), 'X-Token': 'token-value-3' } },
      2,
      0,
    );
    for (const shown of [transferView(record), transferView(upload)]) {
      const text = JSON.stringify(shown);
      expect(text).not.toMatch(/cookie-value-1|plain-key-2|token-value-3/);
      expect(text).not.toContain('secret:');
      expect(text).not.toMatch(/download-header\.|dest\.1\.auth/);
      expect(text).not.toMatch(/"headers"|"request"|"resume"|partPath/);
    }
  });

  it('is a copy: changing the record afterwards does not change a view already sent, nor the reverse', () => {
    const record = downloadRecord({ state: 'active' });
    record.transfer.download = { ...record.transfer.download!, segments: [{ start: 0, end: 10, done: 2 }] };
    record.transfer.validators = { etag: '"a"' };
    const shown = transferView(record);
    record.transfer.log.push({ at: 3, level: 'info', message: 'later' });
    record.transfer.download.segments![0]!.done = 9;
    record.transfer.progress.bytesDone = 7;
    expect(shown.log).toHaveLength(0);
    expect(shown.download?.segments?.[0]?.done).toBe(2);
    expect(shown.progress.bytesDone).toBe(0);
    shown.validators!.etag = '"changed by a listener"';
    shown.download!.fileName = 'changed.bin';
    expect(record.transfer.validators.etag).toBe('"a"');
    expect(record.transfer.download.fileName).toBe('x.bin');
  });
});
