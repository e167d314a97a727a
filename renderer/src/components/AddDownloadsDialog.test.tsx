// @vitest-environment jsdom
// Issue 18 item 14: the Add dialog reads "127.0.0.1:19601/SHA256SUMS" as a link (http on loopback)
// and lists the lines it cannot read instead of skipping them in silence.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTransfers } from '../store/transfers-store';
import { demoHost, settle } from '../test/demo-app';
import { AddDownloadsDialog } from './AddDownloadsDialog';

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
});
afterEach(() => {
  cleanup();
  host.stop();
});

describe('Add downloads dialog', () => {
  it('takes a link without a scheme and lists the lines it could not read', async () => {
    render(<AddDownloadsDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Add downloads' });
    fireEvent.change(within(dialog).getByLabelText('Links'), { target: { value: '127.0.0.1:19601/SHA256SUMS\nfiles.example.org/a.iso\nnot a link\nftp://old.example/x' } });
    expect(within(dialog).getByText('2 links found')).toBeTruthy();
    const skipped = within(dialog).getByRole('list', { name: 'Lines not read' });
    expect(within(skipped).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['not a link', 'ftp://old.example/x']);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download 2' }));
    await settle(120);
    const urls = [...useTransfers.getState().byId.values()].map((v) => v.url);
    expect(urls).toEqual(['http://127.0.0.1:19601/SHA256SUMS', 'https://files.example.org/a.iso']);
  });
});
