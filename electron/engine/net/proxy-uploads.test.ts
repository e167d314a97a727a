// Uploads through real proxies from Debian: raw and multipart go through got with the attempt's
// agent, tus through tus-js-client's Node stack given the same agent. The proxies' logs prove it.
import { describe, expect, it } from 'vitest';
import type { ProxyChoice } from '../../../shared/proxy';
import { sha256, sha256File } from '../../../test-support/files';
import { freePort } from '../../../test-support/ports';
import { proxiesMissing, startMicrosocks, startTinyproxy } from '../../../test-support/proxies';
import { startMultipartReceiver, startRawReceiver, startTusServer } from '../../../test-support/upload-servers';
import { noDownloads, useUploadFixture } from '../../../test-support/upload-test-kit';
import { TransferEngine, type EngineSettings } from '../engine';
import { createUploadWorker } from '../upload/upload-worker';

const skip = proxiesMissing();
const fx = useUploadFixture();

async function openEngine(settings: Partial<EngineSettings>): Promise<TransferEngine> {
  fx.engine = await TransferEngine.open({
    dataDir: fx.dataDir,
    settings: { retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1, ...settings },
    workers: { download: noDownloads, upload: createUploadWorker({ dataDir: fx.dataDir, tusChunkSize: 1024 * 1024 }) },
  });
  return fx.engine;
}

const manual = (all: string): ProxyChoice => ({ mode: 'manual', all });

describe.skipIf(skip)(`uploads through real proxies${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('raw PUT through an HTTP proxy with user:password: tinyproxy forwards it, the bytes arrive whole', async () => {
    const [raw, proxy] = await Promise.all([startRawReceiver(), startTinyproxy({ user: 'alice', password: 'pw' })]);
    fx.closers.push(() => raw.close(), () => proxy.stop());
    const { file, bytes } = await fx.sourceFile('report.bin', 1_500_000);
    const engine = await openEngine({ proxy: manual(proxy.url) });
    const added = await engine.addUpload({ sourcePath: file, url: raw.url('/in/{filename}') });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(raw.received[0]!.sha256).toBe(sha256(bytes));
    expect(raw.received[0]!.headers.via).toMatch(/tinyproxy/);
    expect(await proxy.log()).toContain(`PUT ${raw.url('/in/report.bin')} HTTP/1.1`);
  });

  it('multipart through SOCKS5 with user:password', async () => {
    const [mp, socks] = await Promise.all([startMultipartReceiver(), startMicrosocks({ user: 'bob', password: 'pw' })]);
    fx.closers.push(() => mp.close(), () => socks.stop());
    const { file, bytes } = await fx.sourceFile('photo.png', 800_000, 3);
    const engine = await openEngine({ proxy: manual(socks.url('socks5')) });
    const added = await engine.addUpload({ sourcePath: file, url: mp.url('/upload'), protocol: 'multipart', method: 'POST', fieldName: 'file' });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.state).toBe('completed');
    expect(await sha256File(mp.received[0]!.files[0]!.path)).toBe(sha256(bytes));
    expect(socks.log()).toContain(`connected to 127.0.0.1:${new URL(mp.url('/')).port}`);
  });

  it('tus: the POST and every PATCH go through the proxy (SOCKS5h, then an HTTP proxy)', async () => {
    const [tus, socks, proxy] = await Promise.all([startTusServer(), startMicrosocks(), startTinyproxy()]);
    fx.closers.push(() => tus.close(), () => socks.stop(), () => proxy.stop());
    const { file, bytes } = await fx.sourceFile('movie.bin', 2_500_000, 4);
    const engine = await openEngine({ proxy: manual(socks.url('socks5h')) });
    const viaSocks = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    expect((await engine.waitUntilFinished([viaSocks.id]))[0]?.state).toBe('completed');
    // One POST and three 1 MiB PATCHes, each on its own connection through microsocks.
    expect(socks.log().split('\n').filter((l) => l.includes(`connected to 127.0.0.1:${tus.port}`)).length).toBeGreaterThanOrEqual(4);

    engine.updateSettings({ proxy: manual(proxy.url) });
    const viaHttp = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    expect((await engine.waitUntilFinished([viaHttp.id]))[0]?.state).toBe('completed');
    const log = await proxy.log();
    expect(log).toContain(`POST ${tus.endpoint} HTTP/1.1`);
    expect(log.match(/PATCH http:\/\/127\.0\.0\.1:\d+\/files\/\S+ HTTP\/1\.1/g)?.length).toBe(3);
    for (const stored of await tus.uploadedFiles()) expect(await sha256File(stored)).toBe(sha256(bytes));
  });

  it('an upload through a proxy that is down fails naming it; the server receives nothing', async () => {
    const raw = await startRawReceiver();
    fx.closers.push(() => raw.close());
    const dead = await freePort();
    const { file } = await fx.sourceFile('a.bin', 10_000);
    const engine = await openEngine({ proxy: manual(`socks5h://u:hunter2@127.0.0.1:${dead}`) });
    const added = await engine.addUpload({ sourcePath: file, url: raw.url('/x/{filename}') });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done?.error).toMatchObject({ code: 'PROXY', retryable: true });
    expect(done?.error?.message).toMatch(new RegExp(`Proxy socks5h://u:•+@127\\.0\\.0\\.1:${dead} refused the connection`));
    expect(raw.received).toHaveLength(0);
  });

  it('407 from the proxy fails raw and tus uploads at once, naming the proxy', async () => {
    const [raw, tus, proxy] = await Promise.all([startRawReceiver(), startTusServer(), startTinyproxy({ user: 'alice', password: 'pw' })]);
    fx.closers.push(() => raw.close(), () => tus.close(), () => proxy.stop());
    const { file } = await fx.sourceFile('b.bin', 20_000);
    const engine = await openEngine({ proxy: manual(`http://127.0.0.1:${proxy.port}`) });
    const rawAdded = await engine.addUpload({ sourcePath: file, url: raw.url('/x/{filename}') });
    const tusAdded = await engine.addUpload({ sourcePath: file, url: tus.endpoint, protocol: 'tus' });
    const done = await engine.waitUntilFinished([rawAdded.id, tusAdded.id]);
    for (const view of done) {
      expect(view.error).toMatchObject({ code: 'PROXY', status: 407, retryable: false });
      expect(view.error?.message).toMatch(new RegExp(`Proxy http://127\\.0\\.0\\.1:${proxy.port} answered 407 .*wants a user name and password`));
      expect(view.attempt).toBe(1);
    }
    expect(raw.received).toHaveLength(0);
    expect(tus.patchOffsets).toHaveLength(0);
  });
});
