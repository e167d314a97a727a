// @vitest-environment jsdom
// Issue 18 item 10, details panel: no line contradicts another. A download that just finished
// says how long it took, not "no bytes moved"; a 404 that never started is not "Resumable: Yes";
// "Attempt 1" after a manual retry says it counts from that retry.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferView } from '../../../shared/transfer';
import { recordSpeed, speedSamples } from '../store/speed-history';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { snapshot, view } from '../test/views';
import { DetailsPanel } from './DetailsPanel';

afterEach(cleanup);

function show(v: TransferView) {
  act(() => useTransfers.getState().applySnapshot(snapshot([v])));
  useUi.setState({ focused: v.id, detailsOpen: true });
  render(<DetailsPanel />);
}
const fact = (label: string) => screen.getByText(label, { selector: 'dt' }).nextElementSibling!.textContent;

describe('details in words', () => {
  it('a download that finished within a second says how long it took', () => {
    const done = view('f', 'completed', { startedAt: 1_000, finishedAt: 1_800, progress: { bytesDone: 5 * 1024 * 1024, totalBytes: 5 * 1024 * 1024, speed: 0, etaSeconds: null } });
    show(done);
    const caption = screen.getByRole('img', { name: /Speed/ }).closest('figure')!.textContent!;
    expect(caption).not.toMatch(/no bytes moved/);
    expect(caption).toMatch(/finished in under a second · avg 6\.25 MiB\/s/);
  });

  it('a 404 that never started is not called resumable', () => {
    show(view('m', 'failed', { download: { directory: '/tmp', fileName: 'missing.bin', resumable: true }, error: { code: 'HTTP_STATUS', status: 404, message: 'Server says 404 Not Found', retryable: false } }));
    expect(fact('Resumable')).toMatch(/^Not known yet/);
  });

  it('"Attempt 1" after a retry says it counts from that retry', () => {
    const at = new Date(2026, 11, 6, 12, 3, 4).getTime();
    show(view('r', 'active', { attempt: 1, log: [{ at: at - 5000, level: 'error', message: 'Server says 503 (gave up after 9 attempts without progress)' }, { at, level: 'info', message: 'failed → queued' }] }));
    expect(fact('Attempt')).toMatch(/^1 \(counted from your retry at [^)]*03[^)]*04[^)]*\)$/);
  });

  it('the last second of a finished transfer keeps its speed', () => {
    recordSpeed('s', 3_000_000, 10_000);
    recordSpeed('s', 0, 10_400);
    expect(speedSamples('s', 10_500)).toEqual([{ at: 10_000, speed: 3_000_000 }]);
  });
});
