// Ferry's own addUri options for video streams, sent by the npm aria2 client as the browser
// extension will: `ferry-stream` (the URL must be that kind of stream), `ferry-variant`,
// `ferry-title` (the page's title names the file). A bad value is an RPC error that adds nothing.
import Aria2 from 'aria2';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { startNginx, type NginxServer } from '../../../test-support/nginx';
import { decodeErrors, ffmpegMissing, probe, StreamFixtures } from '../../../test-support/stream-fixtures';
import { runStandaloneRpc, type StandaloneRpc } from './standalone';
import { seedSettings } from '../../../test-support/rpc-host';

const SECRET = 'stream-test-secret-0123';
const skip = ffmpegMissing();

describe.skipIf(skip)(`video streams over the aria2 RPC (${skip ?? 'ffmpeg found'})`, () => {
  const fixtures = new StreamFixtures();
  let nginx: NginxServer;
  let ferry: StandaloneRpc;
  let client: Aria2;
  let dataDir: string;
  let downloads: string;

  beforeAll(async () => {
    await fixtures.get('master');
    nginx = await startNginx({ root: await fixtures.root() });
    dataDir = await makeTempDir('ferry-rpc-stream-data-');
    downloads = await makeTempDir('ferry-rpc-stream-dl-');
    // The user's own choice, as RPC callers may save only where Settings allow.
    seedSettings(dataDir, { rpcSaveFolders: [downloads] });
    ferry = await runStandaloneRpc({ dataDir, port: 0, secret: SECRET, handleSignals: false, print: () => {} });
    client = new Aria2({ host: '127.0.0.1', port: ferry.server.port, secret: SECRET });
  }, 60_000);
  afterAll(async () => {
    await ferry?.close();
    await nginx?.stop();
    await fixtures.remove();
    await removeDir(dataDir);
    await removeDir(downloads);
  });

  async function finished(gid: string): Promise<{ status: string; errorMessage?: string; files: { path: string }[] }> {
    await until(async () => ['complete', 'error'].includes((await client.call('tellStatus', gid, ['status'])).status), 'finished', 60_000);
    return client.call('tellStatus', gid);
  }

  it('ferry-stream, ferry-variant and ferry-title: the variant asked for, named after the page', async () => {
    const gid: string = await client.call('addUri', [`${nginx.baseUrl}/master/master.m3u8`], {
      dir: downloads,
      'ferry-stream': 'hls',
      'ferry-variant': '320x180',
      'ferry-title': 'Launch day',
    });
    const status = await finished(gid);
    expect(status.status, status.errorMessage).toBe('complete');
    expect(status.files[0]!.path).toBe(path.join(downloads, 'Launch day.mp4'));
    expect((await probe(status.files[0]!.path)).streams.find((s) => s.type === 'video')).toMatchObject({ width: 320, height: 180 });
    expect(await decodeErrors(status.files[0]!.path)).toBe('');
    expect(await client.call('getOption', gid)).toMatchObject({ 'ferry-stream': 'hls', 'ferry-variant': '320x180', 'ferry-title': 'Launch day' });
  }, 90_000);

  it('a stream of another kind than asked fails in words; a bad value adds nothing', async () => {
    const gid: string = await client.call('addUri', [`${nginx.baseUrl}/master/master.m3u8`], { dir: downloads, 'ferry-stream': 'dash' });
    const status = await finished(gid);
    expect(status.status).toBe('error');
    expect(status.errorMessage).toMatch(/is an HLS playlist, not the DASH stream that was asked for/);
    const before: unknown[] = await client.call('tellWaiting', 0, 100, ['gid']);
    await expect(client.call('addUri', [`${nginx.baseUrl}/master/master.m3u8`], { 'ferry-stream': 'rtmp' })).rejects.toThrow(/ferry-stream.*hls, dash or auto/);
    await expect(client.call('addUri', [`${nginx.baseUrl}/master/master.m3u8`], { 'ferry-variant': 'fullhd' })).rejects.toThrow(/ferry-variant/);
    expect(await client.call('tellWaiting', 0, 100, ['gid'])).toEqual(before);
  }, 90_000);
});
