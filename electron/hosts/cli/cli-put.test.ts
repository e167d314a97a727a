// `ferry put` as a user runs it: a child process uploading to real servers on 127.0.0.1.
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import busboy from 'busboy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { startNginx, type NginxServer } from '../../../test-support/nginx';
import { startTusServer } from '../../../test-support/upload-servers';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';

let nginx: NginxServer;
let server: TestServer;
let tmp: string;
let dataDir: string;

beforeAll(async () => {
  nginx = await startNginx({ dav: true });
  server = await startTestServer();
});
afterAll(async () => {
  await nginx.stop();
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-put-');
  dataDir = path.join(tmp, 'data');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

describe('ferry put', () => {
  it('raw PUT to nginx WebDAV lands byte-identical; --quiet prints where; the source is untouched', async () => {
    const body = randomBytes(700_000, 11);
    const source = path.join(tmp, 'report.bin');
    await writeFile(source, body);
    const before = await stat(source);
    const result = await runFerry(['put', source, `${nginx.baseUrl}/inbox/`, '--data-dir', dataDir, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${nginx.baseUrl}/inbox/report.bin\n`);
    expect(sha256(await readFile(path.join(nginx.root, 'inbox', 'report.bin')))).toBe(sha256(body));
    const after = await stat(source);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
  });

  it('multipart POST with extra fields, parsed by busboy', async () => {
    const body = randomBytes(200_000, 12);
    const source = path.join(tmp, 'photo.jpg');
    await writeFile(source, body);
    const received: { fields: Record<string, string>; files: Record<string, { name: string; data: Buffer }> } = { fields: {}, files: {} };
    server.route('/form', (req, res) => {
      const parser = busboy({ headers: req.headers });
      parser.on('field', (name, value) => (received.fields[name] = value));
      parser.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => (received.files[name] = { name: info.filename ?? '', data: Buffer.concat(chunks) }));
      });
      parser.on('close', () => res.writeHead(201, { location: '/photos/42' }).end('ok'));
      req.pipe(parser);
    });
    const result = await runFerry(['put', source, server.url('/form'), '--multipart', 'upload', '--field', 'album=holiday', '--data-dir', dataDir, '-q']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${server.url('/photos/42')}\n`);
    expect(received.fields).toEqual({ album: 'holiday' });
    expect(received.files.upload?.name).toBe('photo.jpg');
    expect(sha256(received.files.upload!.data)).toBe(sha256(body));
    expect(server.requestsFor('/form')[0]!.method).toBe('POST');
  });

  it('--header values reach the server but never the records file, nor any other file (a run keeps them in memory)', async () => {
    const source = path.join(tmp, 'note.txt');
    await writeFile(source, 'hello');
    server.route('/private', (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.headers.authorization === 'Bearer s3cret-token' ? 201 : 401).end());
    });
    const result = await runFerry(['put', source, server.url('/private'), '-H', 'Authorization: Bearer s3cret-token', '--data-dir', dataDir, '-q']);
    expect(result.code, result.stderr).toBe(0);
    const records = await readdir(path.join(dataDir, 'transfers'));
    expect(records.length).toBeGreaterThan(0);
    for (const name of records) expect(await readFile(path.join(dataDir, 'transfers', name), 'utf8')).not.toContain('s3cret-token');
    const everyFile = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    for (const f of everyFile) expect(await readFile(path.join(f.parentPath, f.name), 'utf8'), f.name).not.toContain('s3cret-token');
  });

  it('a server error exits 1 naming the status', async () => {
    const source = path.join(tmp, 'a.txt');
    await writeFile(source, 'hello');
    server.route('/forbidden', { status: 403, body: 'no uploads here' });
    const result = await runFerry(['put', source, server.url('/forbidden'), '--data-dir', dataDir, '-q']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/403/);
  });

  it('missing, directory and unreadable sources are usage errors (exit 2) before anything starts', async () => {
    const folder = path.join(tmp, 'folder');
    await mkdir(folder);
    const missing = await runFerry(['put', path.join(tmp, 'nope.bin'), `${nginx.baseUrl}/x`, '--data-dir', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.bin: no such file/);
    const directory = await runFerry(['put', folder, `${nginx.baseUrl}/x`, '--data-dir', dataDir]);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(/is a directory/);
    const locked = path.join(tmp, 'locked.bin');
    await writeFile(locked, 'secret');
    await chmod(locked, 0o000);
    if (process.getuid?.() !== 0) {
      const unreadable = await runFerry(['put', locked, `${nginx.baseUrl}/x`, '--data-dir', dataDir]);
      expect(unreadable.code).toBe(2);
      expect(unreadable.stderr).toMatch(/permission denied/);
    }
    await expect(stat(dataDir)).rejects.toThrow(); // nothing was created
  });

  it('put --tus continues after SIGKILL from the server\'s offset, sending well under twice the file', async () => {
    const tus = await startTusServer();
    try {
      // Each finished tus PATCH (16 MiB) is durable; --limit slows the upload so SIGKILL lands mid-way.
      const body = randomBytes(40 * 1024 * 1024, 13);
      const source = path.join(tmp, 'video.bin');
      await writeFile(source, body);
      const args = ['put', source, tus.endpoint, '--tus', '--limit', '16M', '--data-dir', dataDir, '-q'];
      const first = startFerry(args);
      await waitFor(async () => (first.assertRunning(), tus.patchOffsets.some((offset) => offset > 0)), 30_000, 'a second tus PATCH');
      first.process.kill('SIGKILL');
      expect((await first.result).signal).toBe('SIGKILL');
      const patchesBefore = tus.patchOffsets.length;

      const second = await runFerry(args.filter((arg, i) => arg !== '--limit' && args[i - 1] !== '--limit'));
      expect(second.code, second.stderr).toBe(0);
      expect(tus.patchOffsets.slice(patchesBefore)[0]).toBeGreaterThan(0);
      const files = await tus.uploadedFiles();
      expect(files).toHaveLength(1);
      expect(sha256(await readFile(files[0]!))).toBe(sha256(body));
      expect(tus.bytesReceived()).toBeLessThan(body.length * 1.5);
    } finally {
      await tus.close();
    }
  });
});
