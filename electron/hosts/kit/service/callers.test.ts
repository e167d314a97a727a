// One service, three callers: what the window, the machine's owner and a browser or RPC client may
// each ask of the same Ferry (kit/host/open-host.ts over a real engine and a real loopback server).
// The rules live in callers.ts and the service; every front passes its caller with each call.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Events, TransferPatch } from '../../../../shared/contract';
import { isFinished, type TransferView } from '../../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { until } from '../../../../test-support/wait';
import { openHost, type Host } from '../host/open-host';
import type { Caller } from './callers';
import { createUserChoices, type UserChoices } from './user-choices';

let server: TestServer;
let tmp: string;
let downloads: string;
let choices: UserChoices;
let host: Host;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/file.bin', { body: randomBytes(50_000, 3) });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-callers-');
  downloads = path.join(tmp, 'Downloads');
  await mkdir(downloads);
  choices = createUserChoices();
  host = await openHost({ dataDir: path.join(tmp, 'data'), log: () => undefined, downloadsFolder: downloads, front: { choices } });
});
afterEach(async () => {
  await host.close();
  await removeDir(tmp);
});

const call = (caller: Caller, name: string, input?: unknown) => host.service.handle(name, input, caller);
const added = async (caller: Caller, input: unknown): Promise<TransferView> => {
  const reply = await call(caller, 'addDownloads', input);
  if (!reply.ok) throw new Error(reply.error.message);
  return (reply.value as TransferView[])[0]!;
};
const finished = (id: string) => until(() => isFinished(host.service.views.get(id)!.state), `${id} to finish`);

/** An upload the owner added (to a port nobody listens on: it keeps retrying, queued or active). */
async function ownersUpload(): Promise<TransferView> {
  const file = path.join(tmp, 'note.txt');
  await writeFile(file, 'hello');
  const reply = await call('owner', 'addUploadsTo', { uploads: [{ path: file, url: 'http://127.0.0.1:1/up' }], method: 'PUT', protocol: 'raw' });
  if (!reply.ok) throw new Error(reply.error.message);
  return (reply.value as TransferView[])[0]!;
}

describe('a browser or RPC client', () => {
  it('may not upload, see destinations, open files or reach the RPC secret', async () => {
    const file = path.join(tmp, 'secret.txt');
    await writeFile(file, 'x');
    for (const [name, input] of [
      ['addUploadsTo', { uploads: [{ path: file, url: server.url('/up') }], method: 'PUT', protocol: 'raw' }],
      ['addUploads', { paths: [file], destinationId: 'd' }],
      ['listDestinations', undefined],
      ['createDestination', { name: 'x', url: server.url('/x'), method: 'PUT', protocol: 'raw', headers: [] }],
      ['openFile', { id: 'x' }],
      ['copyRpcSecret', undefined],
      ['rpcInfo', undefined],
      ['describeStream', { url: server.url('/file.bin') }],
      // A web page's RPC must not move a download onto a link it chose (continue-offers.ts).
      ['answerContinueOffer', { offerId: 'o1', answer: 'continue' }],
    ] as const) {
      expect(await call('client', name, input), name).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: `${name} is not available to browser and RPC clients` } });
    }
    expect(host.service.snapshot('owner').transfers).toEqual([]);
    // The window and the owner may ask what an address is (the add dialog's video quality).
    for (const caller of ['window', 'owner'] as const) {
      expect(await call(caller, 'describeStream', { url: server.url('/file.bin') }), caller).toEqual({ ok: true, value: { kind: null, variants: [] } });
    }
  });

  it('saves only into the download folder, its subfolders and the listed folders, under a plain name', async () => {
    const elsewhere = path.join(tmp, 'elsewhere');
    expect(await call('client', 'addDownloads', { urls: [server.url('/file.bin')], directory: elsewhere })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/does not save into .* only into the download folder/) },
    });
    expect(await call('client', 'addDownloads', { urls: [server.url('/file.bin')], directory: path.join(downloads, '..', 'elsewhere') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('client', 'addDownloads', { urls: [server.url('/file.bin')], fileName: '../x.bin' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(host.service.snapshot('owner').transfers).toEqual([]); // nothing was added
    const view = await added('client', { urls: [server.url('/file.bin')], directory: path.join(downloads, 'sorted') });
    expect(view.download?.directory).toBe(path.join(downloads, 'sorted'));
    // The owner names any folder.
    const owners = await added('owner', { urls: [server.url('/file.bin')], directory: elsewhere });
    expect(owners.download?.directory).toBe(elsewhere);
  });

  it('sees, finds and moves downloads only: an upload is not found, not listed, not sent, not paused', async () => {
    const upload = await ownersUpload();
    const patches: TransferPatch[] = [];
    host.service.forCaller('client').subscribe((event, payload) => {
      if (event === 'patches') patches.push(...(payload as Events['patches']));
    });
    for (const name of ['pause', 'retry', 'cancel']) {
      expect(await call('client', name, { ids: [upload.id] }), name).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    expect(await call('client', 'setTransferSpeedLimit', { id: upload.id, bytesPerSecond: 1000 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const download = await added('client', { urls: [server.url('/file.bin')], paused: true });
    expect(host.service.forCaller('client').snapshot().transfers.map((t) => t.id)).toEqual([download.id]);
    expect(host.service.snapshot('owner').transfers.map((t) => t.id).sort()).toEqual([upload.id, download.id].sort());
    expect(host.service.views.get(upload.id)!.state).toMatch(/^(queued|active)$/);
    await call('client', 'pauseAll');
    expect(host.service.views.get(upload.id)!.state).toMatch(/^(queued|active)$/);
    await until(() => patches.some((p) => p.id === download.id), 'the client to see its download');
    expect(patches.filter((p) => p.id === upload.id)).toEqual([]);
  });

  it('changes only the settings aria2 clients may, keeps no proxy password of its own, deletes no files', async () => {
    expect(await call('client', 'setSettings', { rpcAllowAnyOrigin: true })).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: "rpcAllowAnyOrigin can only be changed in Ferry's own settings" } });
    expect(await call('client', 'setSettings', { downloadDirectory: path.join(tmp, 'elsewhere') })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('client', 'setSettings', { maxActive: 5 })).toMatchObject({ ok: true, value: { maxActive: 5 } });
    expect(host.settings()).toMatchObject({ rpcAllowAnyOrigin: false, downloadDirectory: downloads, maxActive: 5 });
    const proxy = { mode: 'manual', all: 'http://me:pw@127.0.0.1:3128' };
    expect(await call('client', 'addDownloads', { urls: [server.url('/file.bin')], proxy })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/not kept over the RPC/) } });
    const view = await added('client', { urls: [server.url('/file.bin')] });
    await finished(view.id);
    expect(await call('client', 'remove', { ids: [view.id], deleteFiles: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('client', 'remove', { ids: [view.id], deleteFiles: false })).toEqual({ ok: true, value: undefined });
  });
});

describe('the desktop window', () => {
  it('names only what its main process let the user choose; the owner names paths', async () => {
    const file = path.join(tmp, 'note.txt');
    await writeFile(file, 'hello');
    expect(await call('window', 'addUploadsTo', { uploads: [{ path: file, url: server.url('/up') }], method: 'PUT', protocol: 'raw' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('window', 'addUploads', { paths: [file], destinationId: 'd' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const picked = path.join(tmp, 'picked');
    expect(await call('window', 'addDownloads', { urls: [server.url('/file.bin')], directory: picked })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    choices.chooseFolder(picked);
    expect((await added('window', { urls: [server.url('/file.bin')], directory: picked })).download?.directory).toBe(picked);
    // The native dialogs answer the window only.
    expect(await call('owner', 'chooseDownloadFolder')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
