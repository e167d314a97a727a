// @vitest-environment jsdom
// The list selects ids only and each row its own transfer: a progress tick must re-render the
// rows whose transfer changed and nothing else.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderCounts, resetRenderCounts } from '../lib/render-count';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { snapshot, view } from '../test/views';
import { TransferList } from './TransferList';

beforeAll(() => {
  // jsdom has no layout: give the scroller a size so the virtualizer renders a window of rows.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});
afterEach(cleanup);

const progress = (bytesDone: number) => ({ bytesDone, totalBytes: 1000, speed: 50, etaSeconds: 3 });

function setup(count: number) {
  const transfers = Array.from({ length: count }, (_, i) => view(`t${i}`, i < 16 ? 'active' : 'queued'));
  act(() => useTransfers.getState().applySnapshot(snapshot(transfers)));
  const r = render(<TransferList initialHeight={600} />);
  resetRenderCounts();
  return r;
}

const rowsRendered = () => [...renderCounts.rows.keys()].sort();

describe('TransferList render counts', () => {
  it('renders only a window of 10,000 rows', () => {
    const { container } = setup(10_000);
    const rows = container.querySelectorAll('[role="row"]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(container.querySelector('[role="grid"]')?.getAttribute('aria-rowcount')).toBe('10000');
  });

  it('a progress tick re-renders exactly the rows whose transfer changed', () => {
    setup(1000);
    act(() =>
      useTransfers.getState().applyPatches([
        { id: 't1', progress: progress(10) },
        { id: 't3', progress: progress(20) },
      ]),
    );
    expect(rowsRendered()).toEqual(['t1', 't3']);
    expect(renderCounts.rows.get('t1')).toBe(1);
    expect(renderCounts.list).toBe(0);

    resetRenderCounts();
    // Progress for a transfer scrolled out of view renders nothing at all.
    act(() => useTransfers.getState().applyPatches([{ id: 't900', progress: progress(5) }]));
    expect(rowsRendered()).toEqual([]);
    expect(renderCounts.list).toBe(0);
  });

  it('a state change that keeps the filtered ids renders one row, not the list', () => {
    setup(100);
    act(() => useTransfers.getState().applyPatches([{ id: 't2', view: view('t2', 'paused') }]));
    expect(rowsRendered()).toEqual(['t2']);
    expect(renderCounts.list).toBe(0);
  });

  it('selecting a row renders that row (and the one losing the selection) only', () => {
    setup(100);
    act(() => useUi.getState().select('t4', 'only'));
    resetRenderCounts();
    act(() => useUi.getState().select('t5', 'only'));
    expect(rowsRendered()).toEqual(['t4', 't5']);
  });

  it('a new transfer renders the list (ids changed) but not the existing rows', () => {
    setup(5);
    act(() => useTransfers.getState().applyPatches([{ id: 'new', view: view('new', 'queued') }]));
    expect(renderCounts.list).toBeGreaterThan(0);
    expect(rowsRendered()).toEqual(['new']);
  });
});
