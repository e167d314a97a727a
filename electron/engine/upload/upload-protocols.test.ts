// Each protocol against a real server on 127.0.0.1 sends byte-identical content, through the
// real engine and the real upload worker; success keeps status + Location and drops the staged copy.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256, sha256File } from '../../../test-support/files';
import { startNginx, type NginxServer } from '../../../test-support/nginx';
import { startMultipartReceiver, startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import type { TransferEngine } from '../engine';
import { MemorySecretsProvider } from '../secrets';
import { exists, openUploadEngine } from './upload-test-kit';

let dir: string;
let dataDir: string;
let engine: TransferEngine | undefined;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await makeTempDir('ferry-up-src-');
  dataDir = await makeTempDir('ferry-up-data-');
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  for (const close of closers.splice(0)) await close();
  await removeDir(dir);
  await removeDir(dataDir);
});

async function sourceFile(name: string, size: number, seed = 1): Promise<{ file: string; bytes: Buffer }> {
  const bytes = randomBytes(size, seed);
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return { file, bytes };
}

describe('upload protocols', () => {
  it('raw PUT to nginx WebDAV stores identical bytes, keeps the 201 and removes the staged copy', async () => {
    const nginx: NginxServer = await startNginx({ dav: true });
    closers.push(() => nginx.stop());
    const { file, bytes } = await sourceFile('report.bin', 3_000_123);
    engine = await openUploadEngine(dataDir);
    const added = await engine.addUpload({ sourcePath: file, url: `${nginx.baseUrl}/in/{filename}` });
    expect(added.upload?.staged?.size).toBe(bytes.length);
    expect(added.upload?.staged?.cloned).toBeTypeOf('boolean');
    expect(added.upload?.restartsOnResume).toBe(true);
    const stagedPath = added.upload!.staged!.path;
    expect(stagedPath.startsWith(path.join(dataDir, 'staging', added.id))).toBe(true);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.upload?.response?.status).toBe(201);
    // Hashed off the main thread while uploading, recorded before success.
    expect(done?.upload?.staged?.sha256).toBe(sha256(bytes));
    expect(await sha256File(path.join(nginx.root, 'in', 'report.bin'))).toBe(sha256(bytes));
    expect(await exists(path.join(dataDir, 'staging', added.id))).toBe(false);
    expect(done?.progress.bytesDone).toBe(bytes.length);
  });

  it('raw POST sends Content-Length and a Content-Type from the extension; 303 + Location is success', async () => {
    const raw = await startRawReceiver('see-other');
    closers.push(() => raw.close());
    const { file, bytes } = await sourceFile('data file.json', 200_000);
    engine = await openUploadEngine(dataDir);
    const added = await engine.addUpload({ sourcePath: file, url: raw.url('/drop/{filename}?x=1'), method: 'POST' });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.upload?.response).toEqual({ status: 303, location: '/see/data%20file.json' });
    const got = raw.received[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/drop/data%20file.json?x=1');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['content-length']).toBe(String(bytes.length));
    expect(got.sha256).toBe(sha256(bytes));
  });

  it('multipart streams the file under its field name with the extra fields', async () => {
    const mp = await startMultipartReceiver();
    closers.push(() => mp.close());
    const { file, bytes } = await sourceFile('photo.png', 2_500_000, 3);
    engine = await openUploadEngine(dataDir);
    const added = await engine.addUpload({
      sourcePath: file,
      url: mp.url('/upload'),
      protocol: 'multipart',
      fieldName: 'attachment',
      fields: { album: 'Ferien 2026', note: 'ünïcode ✓' },
    });
    expect(added.upload?.method).toBe('POST');
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.upload?.response).toEqual({ status: 201, location: '/stored/photo.png' });
    const form = mp.received[0]!;
    expect(form.fields).toEqual({ album: 'Ferien 2026', note: 'ünïcode ✓' });
    expect(form.files).toHaveLength(1);
    expect(form.files[0]).toMatchObject({ field: 'attachment', fileName: 'photo.png', mimeType: 'image/png', size: bytes.length });
    expect(form.files[0]!.sha256).toBe(sha256(bytes));
    // A known length up front: progress can be exact.
    expect(Number(form.headers['content-length'])).toBeGreaterThan(bytes.length);
  });

  it('tus uploads identical bytes and keeps the upload URL as Location', async () => {
    const tus = await startTusServer();
    closers.push(() => tus.close());
    const { file, bytes } = await sourceFile('video.mp4', 3_500_000, 4);
    engine = await openUploadEngine(dataDir);
    const added = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    expect(added.upload?.restartsOnResume).toBe(false);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.upload?.response?.location).toMatch(new RegExp(`^${tus.endpoint}`));
    const files = await tus.uploadedFiles();
    expect(files).toHaveLength(1);
    expect(await sha256File(files[0]!)).toBe(sha256(bytes));
    // 1 MiB chunks: several PATCHes, each continuing where the last stopped.
    expect(tus.patchOffsets).toEqual([0, 1 << 20, 2 << 20, 3 << 20]);
    expect(await exists(path.join(dataDir, 'staging', added.id))).toBe(false);
  });

  it.each(['raw', 'multipart', 'tus'] as const)('%s uploads an empty file', async (protocol) => {
    const server = protocol === 'raw' ? await startRawReceiver('store') : protocol === 'tus' ? await startTusServer() : await startMultipartReceiver();
    closers.push(() => server.close());
    const url = 'endpoint' in server ? server.endpoint : server.url('/empty');
    const { file } = await sourceFile('empty.txt', 0);
    engine = await openUploadEngine(dataDir);
    const added = await engine.addUpload({ sourcePath: file, url, protocol });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.error).toBeUndefined();
    expect(done?.state).toBe('completed');
    expect(done?.upload?.staged?.sha256).toBe(sha256(Buffer.alloc(0)));
    if ('received' in server) {
      const first = server.received[0]!;
      expect('files' in first ? first.files[0]?.size : first.size).toBe(0);
    } else {
      const [stored] = await server.uploadedFiles();
      expect((await readFile(stored!)).length).toBe(0);
    }
  });

  it('resolves secret header references at attempt time and never writes the secret to the records', async () => {
    const raw = await startRawReceiver('store');
    closers.push(() => raw.close());
    const { file } = await sourceFile('a.txt', 1000);
    const secrets = new MemorySecretsProvider({ 'dest-1/Authorization': 'Bearer s3cr3t-t0ken' });
    engine = await openUploadEngine(dataDir, {}, { secrets });
    const added = await engine.addUpload({
      sourcePath: file,
      url: raw.url('/a'),
      headers: { Authorization: 'secret:dest-1/Authorization', 'X-Plain': 'visible' },
    });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received[0]!.headers.authorization).toBe('Bearer s3cr3t-t0ken');
    expect(raw.received[0]!.headers['x-plain']).toBe('visible');
    await engine.close();
    const recordsText = await readFile(path.join(dataDir, 'transfers', `${added.id}.json`), 'utf8').catch(async () => {
      // Whatever layout the store uses, no file under transfers/ may hold the secret.
      const { readdir } = await import('node:fs/promises');
      const names = await readdir(path.join(dataDir, 'transfers'));
      return (await Promise.all(names.map((n) => readFile(path.join(dataDir, 'transfers', n), 'utf8')))).join('\n');
    });
    expect(recordsText).toContain('secret:dest-1/Authorization');
    expect(recordsText).not.toContain('s3cr3t-t0ken');
  });

  it('an unknown secret reference fails with a message that names the header, not a value', async () => {
    const raw = await startRawReceiver('store');
    closers.push(() => raw.close());
    const { file } = await sourceFile('a.txt', 1000);
    engine = await openUploadEngine(dataDir, {}, { secrets: new MemorySecretsProvider() });
    const added = await engine.addUpload({ sourcePath: file, url: raw.url('/a'), headers: { 'X-Key': 'secret:missing' } });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.message).toContain('X-Key');
    expect(raw.requestCount()).toBe(0);
  });
});
