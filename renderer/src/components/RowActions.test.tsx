// @vitest-environment jsdom
// Issue 18 item 3: a batch just added is not left selected, so a row's own ⋯ menu acts on that row;
// Cancel and Delete discard nothing until their Undo time has passed, and Undo keeps every byte.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDownloads } from '../lib/actions';
import { undoWindow } from '../lib/undoable';
import { useTransfers } from '../store/transfers-store';
import { demoHost, settle } from '../test/demo-app';
import { ContextMenu } from './ContextMenu';
import { Toasts } from './Toasts';
import { TransferList } from './TransferList';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

let host: Awaited<ReturnType<typeof demoHost>>;
beforeEach(async () => {
  undoWindow.ms = 300;
  host = await demoHost({ count: 0, active: 0 });
});
afterEach(() => {
  cleanup();
  host.stop();
});

function ui() {
  return render(
    <>
      <TransferList initialHeight={600} />
      <ContextMenu />
      <Toasts />
    </>,
  );
}
const rowOf = (name: string) => screen.getByRole('row', { name: new RegExp(`^${name.replace('.', '\\.')},`) });

describe('row actions', () => {
  it("a row's ⋯ menu acts on that row after a batch was added", async () => {
    ui();
    await act(async () => void (await addDownloads(['https://example.org/a.iso', 'https://example.org/b.iso', 'https://example.org/c.iso'])));
    await settle();
    fireEvent.click(within(rowOf('b.iso')).getByRole('button', { name: 'More actions' }));
    const menu = screen.getByRole('menu', { name: 'Actions for b.iso' });
    expect(within(menu).getByRole('menuitem', { name: 'Cancel' })).toBeTruthy();
    expect(within(menu).queryByRole('menuitem', { name: /\(3\)/ })).toBeNull();
  });

  it('Cancel waits for its Undo time; Undo keeps the transfer as it was', async () => {
    ui();
    const added = (await act(() => addDownloads(['https://example.org/keep.iso'])))!;
    const id = added[0]!.id;
    await settle();
    const before = await host.hostState(id);
    expect(before === 'active' || before === 'queued').toBe(true);
    fireEvent.click(within(rowOf('keep.iso')).getByRole('button', { name: 'Cancel' }));
    expect(rowOf('keep.iso').textContent).toContain('Canceling…');
    await settle(30);
    expect(await host.hostState(id)).toBe('paused'); // stopped at once, its bytes kept
    const notice = screen.getByRole('status', { name: '' });
    expect(notice.textContent).toMatch(/Canceling “keep\.iso”/);
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await settle(undoWindow.ms + 150);
    expect(['active', 'queued']).toContain(await host.hostState(id)); // running again, not canceled
    expect(rowOf('keep.iso').textContent).not.toContain('Canceling');

    fireEvent.click(within(rowOf('keep.iso')).getByRole('button', { name: 'Cancel' }));
    expect(await host.hostState(id)).not.toBe('canceled'); // not yet
    await settle(undoWindow.ms + 150);
    expect(await host.hostState(id)).toBe('canceled');
  });

  it('Delete takes the rows out of the list at once and removes them when Undo was not pressed', async () => {
    const { container } = ui();
    const added = (await act(() => addDownloads(['https://example.org/one.iso', 'https://example.org/two.iso'])))!;
    await settle();
    const grid = screen.getByRole('grid', { name: 'Transfers' });
    fireEvent.mouseDown(rowOf('two.iso'));
    fireEvent.keyDown(grid, { key: 'Delete' });
    expect(screen.queryByRole('row', { name: /^two\.iso,/ })).toBeNull();
    expect(await host.hostState(added[1]!.id)).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(rowOf('two.iso')).toBeTruthy();
    await settle(undoWindow.ms + 150);
    expect(await host.hostState(added[1]!.id)).toBeDefined();

    fireEvent.mouseDown(rowOf('two.iso'));
    fireEvent.keyDown(grid, { key: 'Delete' });
    await settle(undoWindow.ms + 150);
    expect(await host.hostState(added[1]!.id)).toBeUndefined();
    expect(useTransfers.getState().byId.has(added[1]!.id)).toBe(false);
    expect(container.querySelectorAll('[role="row"]')).toHaveLength(1);
  });
});
