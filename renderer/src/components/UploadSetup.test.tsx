// @vitest-environment jsdom
// Issue 18 item 2: a file dropped before any destination exists waits while the user sets one up
// in the same dialog, and is sent once it is saved; the editor shows where a file will go.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { demoHost, settle } from '../test/demo-app';
import { DetailsPanel } from './DetailsPanel';
import { UploadDialog } from './UploadDialog';

beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
});
let host: Awaited<ReturnType<typeof demoHost>>;
beforeEach(async () => {
  host = await demoHost({ count: 0, active: 0 });
  for (const d of useTransfers.getState().destinations) await act(() => host.demo.api.deleteDestination({ id: d.id }).then(() => undefined));
  await settle(20);
});
afterEach(() => {
  cleanup();
  host.stop();
});

describe('uploading before any destination exists', () => {
  it('sets one up in place, shows where the file goes, and sends the waiting file once it is created', async () => {
    expect(useTransfers.getState().destinations).toEqual([]);
    render(<UploadDialog initialFiles={[new File(['hello'], 'dropped report.pdf')]} />);
    const dialog = screen.getByRole('dialog', { name: 'Upload files' });
    expect(within(dialog).getByRole('list', { name: 'Files waiting for a destination' }).textContent).toContain('dropped report.pdf');
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Team WebDAV' } });
    fireEvent.change(within(dialog).getByLabelText('URL'), { target: { value: 'http://127.0.0.1:8080/dav/inbox/' } });
    const preview = within(dialog).getByRole('status', { name: 'Where a file goes' });
    expect(preview.textContent).toContain('http://127.0.0.1:8080/dav/inbox/dropped%20report.pdf');
    fireEvent.change(within(dialog).getByLabelText('URL'), { target: { value: 'http://127.0.0.1:8080/dav/inbox/one.bin' } });
    expect(preview.textContent).toMatch(/Every file goes to this same URL/);
    fireEvent.change(within(dialog).getByLabelText('URL'), { target: { value: 'http://127.0.0.1:8080/dav/inbox/' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create destination' }));
    await settle(120);
    const uploads = [...useTransfers.getState().byId.values()].filter((v) => v.kind === 'upload');
    expect(uploads.map((v) => v.name)).toEqual(['dropped report.pdf']);

    // The details name the destination as the user named it.
    useUi.setState({ focused: uploads[0]!.id, detailsOpen: true });
    cleanup();
    render(<DetailsPanel />);
    expect(screen.getByText('Destination').nextElementSibling!.textContent).toMatch(/^Team WebDAV · PUT raw/);
  });
});
