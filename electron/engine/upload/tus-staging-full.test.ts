// A staging copy that fills the disk while the tus upload is being created: the URL the server
// answers with is still saved, so Retry continues that one upload instead of leaving it on the
// server and creating a second. A real full disk: a 16 MiB tmpfs as Ferry's data folder (mount
// needs root; skipped with the reason otherwise).
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, sha256File } from '../../../test-support/files';
import { startTusServer } from '../../../test-support/upload-servers';
import { openUploadEngine, useUploadFixture, waitFor } from '../../../test-support/upload-test-kit';

const fx = useUploadFixture();

const canMount = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v mount && [ "$(id -u)" = 0 ]'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('tus upload whose staging copy fills the disk', () => {
  it.skipIf(!canMount)('failing while the upload is created, it keeps the URL the server answers with: Retry continues the one upload', async () => {
    const small = path.join(fx.dataDir, 'small');
    await mkdir(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', small]);
    // After the engine is closed (the fixture closes it before its closers run).
    fx.closers.push(async () => void execFileSync('umount', ['-l', small]));
    const { file, bytes } = await fx.sourceFile('big.bin', 24 << 20, 5);
    // The copy stops after its first chunk until the creation POST has reached the server.
    const gate = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const openGate = () => {
      Atomics.store(gate, 0, 2 ** 31 - 1);
      Atomics.notify(gate, 0);
    };
    let id = '';
    let held = false;
    // The server makes the first upload at once but answers only once another writer filled the
    // disk, the copy hit it, and Ferry had time to give up (it did at once before: the POST was
    // cut, its URL never seen).
    const tus = await startTusServer({
      holdCreationAnswer: async () => {
        if (held) return;
        held = true;
        await writeFile(path.join(small, 'filler'), Buffer.alloc(16 << 20)).catch(() => undefined); // ENOSPC: full now
        openGate();
        await waitFor(() => fx.engine?.get(id)?.state === 'failed', 1000).catch(() => undefined);
      },
    });
    fx.closers.push(() => tus.close());
    // The space check says there is plenty (it cannot foresee other writers).
    fx.engine = await openUploadEngine(small, { maxRetries: 0 }, { dataDir: small, freeBytes: async () => 2 ** 40, stagingGate: gate });
    id = (await fx.engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' })).id;
    const [failed] = await fx.engine.waitUntilFinished([id]);
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.message).toMatch(/Disk full while staging/);
    expect(failed?.error?.message).toContain(small);
    expect(tus.requests.map((r) => r.method)).toEqual(['POST']);

    execFileSync('mount', ['-o', 'remount,size=96m', small]);
    await fx.engine.retry(id);
    const [done] = await fx.engine.waitUntilFinished([id]);
    expect(done?.state).toBe('completed');
    // One upload on the server, continued (HEAD) rather than created again, holding the file.
    expect(tus.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(tus.requests[1]?.method).toBe('HEAD');
    const files = await tus.uploadedFiles();
    expect(files).toHaveLength(1);
    expect(await sha256File(files[0]!)).toBe(sha256(bytes));
  });
});
