// Issue 18 item 2, host side: a destination URL ending in `/` without `{filename}` takes the file's
// name (as `ferry put file http://…/dir/` does), and a retry after the user fixed the destination
// goes to the destination as it is now, the log naming the URL.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../../shared/settings';
import type { TransferView } from '../../../shared/transfer';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { connectUi, type UiClient } from '../../../test-support/headless-client';
import { startRawReceiver, type RawReceiver } from '../../../test-support/upload-servers';
import { runHeadlessHost, type HeadlessHost } from './headless-host';

let dir: string;
let host: HeadlessHost;
let good: RawReceiver;
let bad: RawReceiver;
let ui: UiClient;
let source: string;

beforeEach(async () => {
  dir = await makeTempDir('ferry-upload-destination-');
  await mkdir(path.join(dir, 'renderer'));
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Ferry</title>');
  source = path.join(dir, 'report.txt');
  await writeFile(source, 'quarterly numbers\n');
  good = await startRawReceiver('store');
  bad = await startRawReceiver('fail500');
  host = await runHeadlessHost({ port: 0, dataDir: path.join(dir, 'data'), rendererDir: path.join(dir, 'renderer'), print: () => {}, warn: () => {}, handleSignals: false });
  await host.service.handle('setSettings', { maxRetries: 0 });
  ui = await connectUi(host.port, host.token);
});

afterEach(async () => {
  ui.close();
  await host.close();
  await Promise.all([good.close(), bad.close()]);
  await removeDir(dir);
});

const input = (url: string) => ({ name: 'Inbox', url, method: 'PUT', protocol: 'raw', headers: [] });

async function until(id: string, state: TransferView['state']): Promise<TransferView> {
  let found: TransferView | undefined;
  await ui.waitFor(() => {
    const snap = host.service.snapshot();
    found = snap.transfers.find((t) => t.id === id && t.state === state);
    return found !== undefined;
  }, 20_000);
  return found!;
}

describe('upload destinations', () => {
  it('a URL ending in / gets the file name appended', async () => {
    const created = await ui.call('createDestination', input(good.url('/dav/inbox/')));
    const destination = created.value as Destination;
    const added = await ui.call('addUploads', { paths: [source], destinationId: destination.id });
    const [view] = added.value as TransferView[];
    await until(view!.id, 'completed');
    expect(good.received.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /dav/inbox/report.txt']);
  });

  it('a retry goes to the destination as it is now, and the log says where', async () => {
    const created = await ui.call('createDestination', input(bad.url('/broken/{filename}')));
    const destination = created.value as Destination;
    const added = await ui.call('addUploads', { paths: [source], destinationId: destination.id });
    const [view] = added.value as TransferView[];
    await until(view!.id, 'failed');
    expect(bad.received).toHaveLength(1);

    const fixed = await ui.call('updateDestination', { id: destination.id, destination: input(good.url('/fixed/')) });
    expect(fixed.ok).toBe(true);
    expect((await ui.call('retry', { ids: [view!.id] })).ok).toBe(true);
    const done = await until(view!.id, 'completed');
    expect(bad.received).toHaveLength(1);
    expect(good.received.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /fixed/report.txt']);
    expect(done.url).toBe(good.url('/fixed/'));
    expect(done.log.map((e) => e.message)).toContain(`Retry: sending to PUT ${good.url('/fixed/report.txt')}`);
  });
});
