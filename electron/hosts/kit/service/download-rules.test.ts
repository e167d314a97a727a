// Issue 20, rules: a download that names no folder is filed by the first rule its FINAL name matches
// (after a redirect and Content-Disposition), into the rule's folder before its first byte, with
// nothing written anywhere else. Real engine, real loopback server, real folders.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadRule } from '../../../../shared/download-rules';
import type { TransferView } from '../../../../shared/transfer';
import { openEngine, type TransferEngine } from '../../../engine/index';
import { makeTempDir, randomBytes, removeDir } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { serviceOverEngine } from '../../../../test-support/service-over-engine';
import { until } from '../../../../test-support/wait';
import type { FerryService } from './ferry-service';
import { folderChooserOver } from './rule-folders';
import type { SettingsStore } from './settings-store';

const PHOTO = randomBytes(300_000, 20);

function rule(id: string, over: Partial<DownloadRule>): DownloadRule {
  return { id, name: id, enabled: true, fileTypes: [], mimeTypes: [], sites: [], folder: id, ...over };
}

describe('rules file downloads that name no folder', () => {
  let server: TestServer;
  let home: string;
  let downloads: string;
  let engine: TransferEngine;
  let service: FerryService;
  let settingsStore: SettingsStore;

  beforeAll(async () => {
    server = await startTestServer();
    // No extension anywhere in the URLs: only the final answer's Content-Disposition says what it is.
    server.route('/get/42', { redirect: '/blobs/a1b2' });
    server.route('/blobs/a1b2', { body: PHOTO, headers: { 'content-disposition': 'attachment; filename="holiday.PNG"' } });
    server.route('/watch', { body: PHOTO, headers: { 'content-type': 'video/mp4' } });
    server.route('/plain.zip', { body: PHOTO });
    server.route('/slow.zip', { body: PHOTO, rateBytesPerSec: 30_000 });
  });
  afterAll(() => server?.close());

  beforeEach(async () => {
    home = await makeTempDir('ferry-rules-');
    downloads = path.join(home, 'Downloads');
    await mkdir(downloads);
    let saved: SettingsStore | undefined;
    engine = await openEngine({ dataDir: path.join(home, 'data'), folderFor: folderChooserOver(() => saved!.get()) });
    ({ service, settingsStore } = serviceOverEngine(engine, path.join(home, 'data'), { downloadDirectory: downloads }));
    saved = settingsStore;
  });
  afterEach(async () => {
    service.close();
    await engine.close();
    await removeDir(home);
  });

  async function add(input: Record<string, unknown>): Promise<TransferView> {
    const reply = await service.handle('addDownloads', input, 'owner');
    if (!reply.ok) throw new Error(reply.error.message);
    return (reply.value as TransferView[])[0]!;
  }
  const finished = async (id: string) => {
    await until(() => engine.get(id)?.state === 'completed' || engine.get(id)?.state === 'failed', 'download finished');
    expect(engine.get(id)?.error).toBeUndefined();
    return engine.get(id)!;
  };

  it('files by the final name after a redirect, into the rule folder, writing nothing in the download folder', async () => {
    // Every name the download folder ever sees: a .part created there and moved later would show up.
    const seen = new Set<string>();
    const watcher: FSWatcher = watch(downloads, (_event, name) => name && seen.add(String(name)));
    try {
      const view = await finished((await add({ urls: [server.url('/get/42')] })).id);
      expect(view.download?.filePath).toBe(path.join(downloads, 'Images', 'holiday.PNG'));
      expect(view.download?.rule).toBe('Images');
      expect(await readFile(view.download!.filePath!)).toEqual(PHOTO);
    } finally {
      watcher.close();
    }
    expect(await readdir(downloads)).toEqual(['Images']);
    expect([...seen]).toEqual(['Images']);
  });

  it('files by Content-Type when the name says nothing; a rule switched off or a named folder is left alone', async () => {
    const video = await finished((await add({ urls: [server.url('/watch')] })).id);
    expect(video.download?.directory).toBe(path.join(downloads, 'Video'));

    const rules = settingsStore.get().rules.map((r) => (r.id === 'compressed' ? { ...r, enabled: false } : r));
    expect((await service.handle('setSettings', { rules }, 'owner')).ok).toBe(true);
    const zip = await finished((await add({ urls: [server.url('/plain.zip')] })).id);
    expect(zip.download?.filePath).toBe(path.join(downloads, 'plain.zip'));

    const chosen = path.join(home, 'Chosen');
    const named = await finished((await add({ urls: [server.url('/get/42')], directory: chosen })).id);
    expect(named.download?.filePath).toBe(path.join(chosen, 'holiday.PNG'));
    expect(named.download?.rule).toBeUndefined();
  });

  it('takes the first matching rule, and what else it says when the download is added', async () => {
    const rules = [
      rule('isos', { name: 'ISOs', fileTypes: ['*.zip'], folder: path.join(home, 'isos'), connections: 2, speedLimit: 200_000, startPaused: true }),
      ...settingsStore.get().rules,
    ];
    expect((await service.handle('setSettings', { rules }, 'owner')).ok).toBe(true);
    const added = await add({ urls: [server.url('/plain.zip')] });
    expect(added.state).toBe('paused');
    expect(added.speedLimit).toBe(200_000);
    await engine.resume(added.id);
    const view = await finished(added.id);
    expect(view.download?.filePath).toBe(path.join(home, 'isos', 'plain.zip'));
    expect(view.download?.rule).toBe('ISOs');
  });

  it('a rerun that names no folder continues the download a rule filed elsewhere (ferry get again)', async () => {
    const first = await add({ urls: [server.url('/slow.zip')], connections: 1 });
    await until(() => (engine.get(first.id)?.progress.bytesDone ?? 0) > 0, 'bytes in the rule folder');
    expect(engine.get(first.id)?.download?.directory).toBe(path.join(downloads, 'Compressed'));
    await engine.pause(first.id);
    const again = await add({ urls: [server.url('/slow.zip')], connections: 1, continueUnfinished: true });
    expect(again.id).toBe(first.id);
    expect(engine.list()).toHaveLength(1);
  });

  it('refuses a rule folder the OS runs files from, or one that leaves the download folder, when the rule is saved', async () => {
    const autostart = path.join(process.env.HOME ?? home, '.config', 'autostart');
    const bad = await service.handle('setSettings', { rules: [rule('x', { fileTypes: ['sh'], folder: autostart })] }, 'owner');
    expect(bad).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Rule x: Ferry does not save downloads into .*started by the system at login/) } });
    const up = await service.handle('setSettings', { rules: [rule('x', { fileTypes: ['sh'], folder: '../../.config/autostart' })] }, 'owner');
    expect(up).toMatchObject({ ok: false, error: { message: expect.stringMatching(/cannot go up/) } });
    // A browser or RPC client changes no rules.
    const client = await service.handle('setSettings', { rules: [] }, 'client');
    expect(client).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(settingsStore.get().rules.map((r) => r.name)).toEqual(['Compressed', 'Documents', 'Music', 'Video', 'Programs', 'Images']);
  });
});
