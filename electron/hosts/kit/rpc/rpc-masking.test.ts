// Issue 15, finding 8: URIs with `user:password@` are masked in every RPC answer, as on every other
// surface (shared/secret-mask.ts): tellStatus, tellWaiting/tellStopped, getUris, getFiles, errors,
// getOption's referer. The download itself still uses the password.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';
import { until } from '../../../../test-support/wait';
import { SECRET_MASK } from '../../../../shared/secret-mask';

const PASSWORD = 'pw-never-shown-42';
let files: TestServer;
let host: RpcHost;
beforeAll(async () => {
  files = await startTestServer();
  files.route('/file.bin', { body: randomBytes(20_000, 1) });
  files.route('/gone.bin', { status: 404 });
  host = await startRpcHost();
});
afterAll(async () => {
  await host?.close();
  await files?.close();
});

const withPassword = (p: string) => files.url(p).replace('http://', `http://me:${PASSWORD}@`);

it('never shows the password of a URI in an answer', async () => {
  const waiting = (await host.call('aria2.addUri', [[withPassword('/file.bin')], { pause: 'true', referer: `http://me:${PASSWORD}@site.example/page` }])).result as string;
  const done = (await host.call('aria2.addUri', [[withPassword('/file.bin')], { out: 'done.bin' }])).result as string;
  const failed = (await host.call('aria2.addUri', [[withPassword('/gone.bin')]])).result as string;
  await until(async () => ((await host.call('aria2.tellStopped', [0, 10, ['gid']])).result as unknown[]).length === 2, 'two stopped');
  const answers = [
    await host.call('aria2.tellStatus', [waiting]),
    await host.call('aria2.getUris', [waiting]),
    await host.call('aria2.getFiles', [waiting]),
    await host.call('aria2.getOption', [waiting]),
    await host.call('aria2.tellWaiting', [0, 10]),
    await host.call('aria2.tellStatus', [done]),
    await host.call('aria2.getFiles', [done]),
    await host.call('aria2.tellStopped', [0, 10]),
    await host.call('aria2.tellStatus', [failed]),
    await host.call('aria2.addUri', [[`ftp://me:${PASSWORD}@127.0.0.1/x`]]), // an error quoting the URI
  ];
  const text = answers.map((a) => a.body).join('\n');
  expect(text).not.toContain(PASSWORD);
  // Masked, not dropped: the user still sees which URI and that it had a password.
  expect((answers[1]!.result as { uri: string }[])[0]!.uri).toBe(withPassword('/file.bin').replace(PASSWORD, SECRET_MASK));
  expect(answers[3]!.result).toMatchObject({ referer: `http://me:${SECRET_MASK}@site.example/page` });
  expect(answers.at(-1)!.error?.message).toContain(`me:${SECRET_MASK}@`);
  // Still downloads with it (the engine's views are masked too; the server saw the password).
  const basic = `Basic ${Buffer.from(`me:${PASSWORD}`).toString('base64')}`;
  expect(files.requestsFor('/file.bin').some((r) => r.headers.authorization === basic)).toBe(true);
});
