// Each protocol against a real server on 127.0.0.1 sends byte-identical content, through the
// real engine and the real upload worker; success keeps status + Location and drops the staged copy.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, sha256File } from '../../../test-support/files';
import { startNginx, type NginxServer } from '../../../test-support/nginx';
import { startMultipartReceiver, startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import { MemorySecretsProvider } from '../secrets';
import { exists, openUploadEngine, useUploadFixture } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

describe('upload protocols', () => {
  it('raw PUT to nginx WebDAV stores identical bytes, keeps the 201 and removes the staged copy', async () => {
    const nginx: NginxServer = await startNginx({ dav: true });
    fx.closers.push(() => nginx.stop());
    const { file, bytes } = await fx.sourceFile('report.bin', 3_000_123);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({ sourcePath: file, url: `${nginx.baseUrl}/in/{filename}` });
    expect(added.upload?.staged?.size).toBe(bytes.length);
    expect(added.upload?.staged?.cloned).toBeTypeOf('boolean');
    expect(added.upload?.restartsOnResume).toBe(true);
    const stagedPath = added.upload!.staged!.path;
    expect(stagedPath.startsWith(path.join(fx.dataDir, 'staging-area', added.id))).toBe(true);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.upload?.response?.status).toBe(201);
    // Hashed off the main thread while uploading, recorded before success.
    expect(done?.upload?.staged?.sha256).toBe(sha256(bytes));
    expect(await sha256File(path.join(nginx.root, 'in', 'report.bin'))).toBe(sha256(bytes));
    expect(await exists(path.join(fx.dataDir, 'staging-area', added.id))).toBe(false);
    expect(done?.progress.bytesDone).toBe(bytes.length);
  });

  it('raw POST sends Content-Length and a Content-Type from the extension; 303 + Location is success', async () => {
    const raw = await startRawReceiver('see-other');
    fx.closers.push(() => raw.close());
    const { file, bytes } = await fx.sourceFile('data file.json', 200_000);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/drop/{filename}?x=1'), method: 'POST' });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
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
    fx.closers.push(() => mp.close());
    const { file, bytes } = await fx.sourceFile('photo.png', 2_500_000, 3);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({
      sourcePath: file,
      url: mp.url('/upload'),
      protocol: 'multipart',
      fieldName: 'attachment',
      fields: { album: 'Ferien 2026', note: 'ünïcode ✓' },
    });
    expect(added.upload?.method).toBe('POST');
    const [done] = await fx.engine.waitUntilFinished([added.id]);
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
    fx.closers.push(() => tus.close());
    const { file, bytes } = await fx.sourceFile('video.mp4', 3_500_000, 4);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    expect(added.upload?.restartsOnResume).toBe(false);
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(done?.upload?.response?.location).toMatch(new RegExp(`^${tus.endpoint}`));
    const files = await tus.uploadedFiles();
    expect(files).toHaveLength(1);
    expect(await sha256File(files[0]!)).toBe(sha256(bytes));
    // 1 MiB chunks: several PATCHes, each continuing where the last stopped.
    expect(tus.patchOffsets).toEqual([0, 1 << 20, 2 << 20, 3 << 20]);
    expect(await exists(path.join(fx.dataDir, 'staging-area', added.id))).toBe(false);
  });

  it.each(['raw', 'multipart', 'tus'] as const)('%s uploads an empty file', async (protocol) => {
    const server = protocol === 'raw' ? await startRawReceiver('store') : protocol === 'tus' ? await startTusServer() : await startMultipartReceiver();
    fx.closers.push(() => server.close());
    const url = 'endpoint' in server ? server.endpoint : server.url('/empty');
    const { file } = await fx.sourceFile('empty.txt', 0);
    fx.engine = await openUploadEngine(fx.dataDir);
    const added = await fx.engine.addUpload({ sourcePath: file, url, protocol });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
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
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('a.txt', 1000);
    const secrets = new MemorySecretsProvider({ 'dest-1/Authorization': 'Bearer s3cr3t-t0ken' });
    fx.engine = await openUploadEngine(fx.dataDir, {}, { secrets });
    const added = await fx.engine.addUpload({
      sourcePath: file,
      url: raw.url('/a'),
      headers: { Authorization: 'secret:dest-1/Authorization', 'X-Plain': 'visible' },
    });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received[0]!.headers.authorization).toBe('Bearer s3cr3t-t0ken');
    expect(raw.received[0]!.headers['x-plain']).toBe('visible');
    await fx.engine.close();
    const recordsText = await readFile(path.join(fx.dataDir, 'transfers', `${added.id}.json`), 'utf8').catch(async () => {
      // Whatever layout the store uses, no file under transfers/ may hold the secret.
      const { readdir } = await import('node:fs/promises');
      const names = await readdir(path.join(fx.dataDir, 'transfers'));
      return (await Promise.all(names.map((n) => readFile(path.join(fx.dataDir, 'transfers', n), 'utf8')))).join('\n');
    });
    expect(recordsText).toContain('secret:dest-1/Authorization');
    expect(recordsText).not.toContain('s3cr3t-t0ken');
  });

  it('an unknown secret reference fails with a message that names the header, not a value', async () => {
    const raw = await startRawReceiver('store');
    fx.closers.push(() => raw.close());
    const { file } = await fx.sourceFile('a.txt', 1000);
    fx.engine = await openUploadEngine(fx.dataDir, {}, { secrets: new MemorySecretsProvider() });
    const added = await fx.engine.addUpload({ sourcePath: file, url: raw.url('/a'), headers: { 'X-Key': 'secret:missing' } });
    const [done] = await fx.engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('failed');
    expect(done?.error?.message).toContain('X-Key');
    expect(raw.requestCount()).toBe(0);
  });
});
