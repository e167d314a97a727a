// @vitest-environment jsdom
// Issue 18 item 17, UI: a finished download shows its SHA-256; "Clear completed" takes the completed
// transfers out of the list (files stay on disk), undoable like any removal.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { undoWindow } from '../lib/undoable';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { demoHost, settle } from '../test/demo-app';
import { view, snapshot } from '../test/views';
import { DetailsPanel } from './DetailsPanel';
import { Sidebar } from './Sidebar';

let host: Awaited<ReturnType<typeof demoHost>> | undefined;
beforeEach(() => {
  undoWindow.ms = 200;
});
afterEach(() => {
  cleanup();
  host?.stop();
  host = undefined;
});

describe('finished downloads', () => {
  it('show their SHA-256, and say when it matches the one given', () => {
    const sha = 'ab'.repeat(32);
    act(() => useTransfers.getState().applySnapshot(snapshot([view('f', 'completed', { download: { directory: '/tmp', fileName: 'f.bin', filePath: '/tmp/f.bin', resumable: true, sha256: sha.toUpperCase(), fileSha256: sha } })])));
    useUi.setState({ focused: 'f', detailsOpen: true });
    render(<DetailsPanel />);
    expect(screen.getByText('SHA-256', { selector: 'dt' }).nextElementSibling!.textContent).toBe(`${sha} ✓ matches the one you gave`);
  });

  it('"Clear completed" removes the completed ones from the list after the Undo time', async () => {
    host = await demoHost({ count: 24, active: 0 });
    const completed = () => [...useTransfers.getState().byId.values()].filter((v) => v.state === 'completed').map((v) => v.id);
    const before = completed();
    expect(before.length).toBeGreaterThan(0);
    const total = useTransfers.getState().byId.size;
    render(<Sidebar />);
    fireEvent.click(screen.getByRole('button', { name: 'Clear completed' }));
    expect(useTransfers.getState().visible.some((id) => before.includes(id))).toBe(false);
    await settle(undoWindow.ms + 200);
    expect(completed()).toEqual([]);
    expect(useTransfers.getState().byId.size).toBe(total - before.length);
    expect(screen.queryByRole('button', { name: 'Clear completed' })).toBeNull();
  });
});
