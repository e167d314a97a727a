import { describe, expect, it } from 'vitest';
import { SECRET_MASK } from '../../../../shared/secret-mask';
import type { TransferView } from '../../../../shared/transfer';
import { clientView } from './client-view';

const view = (over: Partial<TransferView>): TransferView => ({
  id: 't1',
  kind: 'download',
  state: 'failed',
  name: 'x.bin',
  url: 'https://u:pw1@h.example/x.bin',
  createdAt: 0,
  progress: { bytesDone: 0, totalBytes: null, speed: 0, etaSeconds: null },
  attempt: 1,
  log: [],
  ...over,
});

describe('clientView', () => {
  it('masks URL passwords in the URL, the final URL, the error and the log, and leaves the engine its view', () => {
    const original = view({
      finalUrl: 'https://u:pw2@mirror.example/x.bin',
      error: { code: 'REDIRECT', message: 'Redirect refused: the server redirected to ftp://a:pw3@h/x', retryable: false },
      log: [
        { at: 1, level: 'info', message: 'queued → active' },
        { at: 2, level: 'warn', message: 'retrying http://b:pw4@h/x' },
      ],
    });
    const shown = clientView(original);
    expect(JSON.stringify(shown)).not.toMatch(/pw[1-4]/);
    expect(shown.url).toBe(`https://u:${SECRET_MASK}@h.example/x.bin`);
    expect(shown.finalUrl).toBe(`https://u:${SECRET_MASK}@mirror.example/x.bin`);
    expect(shown.error?.message).toContain(`ftp://a:${SECRET_MASK}@h/x`);
    expect(shown.log[0]).toBe(original.log[0]);
    expect(original.url).toBe('https://u:pw1@h.example/x.bin');
  });
});
