import { describe, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { exitCodeFor, failureText } from './outcome';
import { Reporter } from './reporter';

function view(patch: Partial<TransferView>): TransferView {
  return {
    id: 't1',
    kind: 'download',
    state: 'queued',
    name: 'big.iso',
    url: 'http://h/big.iso',
    createdAt: 0,
    progress: { bytesDone: 0, totalBytes: 1000, speed: 0, etaSeconds: null },
    attempt: 1,
    log: [],
    download: { directory: '/dl', fileName: 'big.iso', resumable: true },
    ...patch,
  };
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, streams: { out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t), columns: 100 } } };
}

describe('Reporter', () => {
  it('live: redraws at most every 100 ms, prints the result above the block', async () => {
    const io = capture();
    const reporter = new Reporter('live', io.streams);
    reporter.track(view({ state: 'active' }));
    for (let i = 1; i <= 50; i++) reporter.progress('t1', { bytesDone: i * 10, totalBytes: 1000, speed: 2048, etaSeconds: 3 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    const redraws = io.err.length;
    expect(redraws).toBeGreaterThanOrEqual(1);
    expect(redraws).toBeLessThanOrEqual(3); // 50 updates in 250 ms: a handful of frames, not 50
    expect(io.err.at(-1)).toMatch(/big\.iso\s+50%\s+500 B \/ 1000 B\s+2\.00 KiB\/s\s+ETA 3s/);
    reporter.changed(view({ state: 'completed', download: { directory: '/dl', fileName: 'big.iso', filePath: '/dl/big.iso', resumable: true } }));
    reporter.stop();
    expect(io.err.join('')).toContain('done big.iso -> /dl/big.iso');
    expect(io.out).toEqual([]);
  });

  it('live: a transfer waiting for its next attempt (queued, not before a time) keeps its line with the wait', async () => {
    const io = capture();
    const reporter = new Reporter('live', io.streams);
    reporter.track(view({ state: 'active' }));
    const error = { code: 'HTTP_STATUS' as const, status: 503, message: 'Server says 503 Service Unavailable', retryable: true };
    reporter.changed(view({ state: 'queued', attempt: 2, nextRetryAt: Date.now() + 40_000, error }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    reporter.stop();
    expect(io.err.join('')).toMatch(/big\.iso: retrying \(attempt 2\) after: Server says 503/);
    expect(io.err.join('')).toMatch(/big\.iso.*retry in (40|39)s/);
  });

  it('quiet: only results on stdout, failures on stderr naming the status', () => {
    const io = capture();
    const reporter = new Reporter('quiet', io.streams);
    reporter.track(view({ state: 'active' }));
    reporter.changed(view({ state: 'completed', download: { directory: '/dl', fileName: 'big.iso', filePath: '/dl/big (1).iso', resumable: true } }));
    reporter.track(view({ id: 't2', state: 'active' }));
    reporter.changed(view({ id: 't2', state: 'failed', error: { code: 'HTTP_STATUS', message: 'Server says Not Found', status: 404, retryable: false } }));
    reporter.stop();
    expect(io.out).toEqual(['/dl/big (1).iso\n']);
    expect(io.err).toEqual(['ferry: http://h/big.iso: Server says Not Found (HTTP 404)\n']);
  });

  it('exit code and upload failure text', () => {
    expect(exitCodeFor([view({ state: 'completed' })])).toBe(0);
    expect(exitCodeFor([view({ state: 'completed' }), view({ state: 'canceled' })])).toBe(1);
    const failed = view({
      kind: 'upload',
      state: 'failed',
      upload: { sourcePath: '/src/a.txt', protocol: 'raw', method: 'PUT', restartsOnResume: true },
      error: { code: 'HTTP_STATUS', message: 'Server says 500', status: 500, body: 'disk\u0007 full\r\n', retryable: true },
    });
    expect(failureText(failed)).toBe('/src/a.txt -> http://h/big.iso: Server says 500 - server said: disk full');
  });
});

describe('URL passwords in terminal output', () => {
  it('are masked in start lines, failure lines and notes (terminal output ends up in CI logs)', () => {
    const io = capture();
    const reporter = new Reporter('plain', io.streams);
    const secretUrl = 'http://me:hunter2@h/big.iso';
    reporter.track(view({ url: secretUrl, state: 'active' }));
    reporter.changed(view({ url: secretUrl, state: 'failed', error: { code: 'HTTP_STATUS', status: 404, message: 'Server says: Not Found', retryable: false } }));
    reporter.info(`ferry: ${secretUrl}: refused`);
    const printed = [...io.out, ...io.err].join('');
    expect(printed).toContain('http://me:••••••••@h/big.iso');
    expect(printed).not.toContain('hunter2');
    expect(failureText(view({ url: secretUrl, state: 'canceled' }))).toBe('http://me:••••••••@h/big.iso: canceled');
  });
});
