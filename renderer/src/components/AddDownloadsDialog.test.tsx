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

  it('offers the variants of a single stream link; the pick is sent for that link only', async () => {
    const sent: unknown[] = [];
    const addDownloads = host.demo.api.addDownloads;
    host.demo.api.addDownloads = (input) => (sent.push(input), addDownloads(input));
    render(<AddDownloadsDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Add downloads' });
    const links = within(dialog).getByLabelText('Links');
    fireEvent.change(links, { target: { value: 'https://video.example/show/master.m3u8' } });
    const quality = (await within(dialog).findByLabelText('Video quality', {}, { timeout: 3000 })) as HTMLSelectElement;
    expect([...quality.options].map((o) => o.textContent)).toEqual(['Best: 1920x1080, 6.0 Mbit/s', '1920x1080, 6.0 Mbit/s', '1280x720, 3.0 Mbit/s', '640x360, 800 kbit/s']);
    fireEvent.change(quality, { target: { value: '640x360' } });
    // Two links: no choice, and the pick made for the first one is not sent for them.
    fireEvent.change(links, { target: { value: 'https://video.example/show/master.m3u8\nhttps://files.example.org/a.iso' } });
    expect(within(dialog).queryByLabelText('Video quality')).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download 2' }));
    await settle(120);
    expect(sent).toEqual([expect.not.objectContaining({ stream: expect.anything() })]);
  });

  it('sends the variant picked for a single stream link', async () => {
    const sent: unknown[] = [];
    const addDownloads = host.demo.api.addDownloads;
    host.demo.api.addDownloads = (input) => (sent.push(input), addDownloads(input));
    render(<AddDownloadsDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Add downloads' });
    fireEvent.change(within(dialog).getByLabelText('Links'), { target: { value: 'https://video.example/show/master.m3u8' } });
    const quality = await within(dialog).findByLabelText('Video quality', {}, { timeout: 3000 });
    fireEvent.change(quality, { target: { value: '1280x720' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Download' }));
    await settle(120);
    expect(sent).toEqual([expect.objectContaining({ urls: ['https://video.example/show/master.m3u8'], stream: { variant: '1280x720' } })]);
  });
});
