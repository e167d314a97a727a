// Killed after the worker's final checkpoint (file renamed, .part forgotten) but before the engine
// saved "completed": the next run must recognise the finished file, not download it again as
// "name (1)". Found by the hostile suite's power-loss storm. Real worker, real server, real files;
// the kill is reproduced by writing the record back to the state it had at that moment.
import { link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { TransferEngine } from '../engine';
import { createDownloadWorker } from './download-worker';

let server: TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-finish-crash-');
});
afterEach(async () => {
  await removeDir(tmp);
});

const open = () =>
  TransferEngine.open({ dataDir: path.join(tmp, 'data'), workers: { download: createDownloadWorker() }, settings: { retryBaseMs: 50 } });

it('a download whose "completed" never reached the disk is recognised as finished on restart', async () => {
  const body = randomBytes(300_000, 11);
  server.route('/done.bin', { body });
  const dir = path.join(tmp, 'out');
  await mkdir(dir);
  let engine = await open();
  const view = await engine.addDownload({ url: server.url('/done.bin'), directory: dir });
  const [done] = await engine.waitUntilFinished([view.id]);
  expect(done!.state, done!.error?.message).toBe('completed');
  await engine.close();

  // The record as the kill left it: the worker's last checkpoint saved, the state still active.
  const recordPath = path.join(tmp, 'data', 'transfers', `${view.id}.json`);
  const record = JSON.parse(await readFile(recordPath, 'utf8'));
  record.transfer.state = 'active';
  delete record.transfer.finishedAt;
  await writeFile(recordPath, JSON.stringify(record));
  const requestsBefore = server.requestsFor('/done.bin').length;

  engine = await open();
  const [again] = await engine.waitUntilFinished([view.id]);
  await engine.close();
  expect(again!.state, again!.error?.message).toBe('completed');
  expect(again!.download?.filePath).toBe(path.join(dir, 'done.bin'));
  expect(await readdir(dir)).toEqual(['done.bin']);
  expect((await readFile(path.join(dir, 'done.bin'))).equals(body)).toBe(true);
  expect(server.requestsFor('/done.bin').length).toBe(requestsBefore);
});

it('killed between linking the final name and unlinking the .part: no second name on restart', async () => {
  const body = randomBytes(200_000, 12);
  server.route('/linked.bin', { body });
  const dir = path.join(tmp, 'out');
  await mkdir(dir);
  let engine = await open();
  const view = await engine.addDownload({ url: server.url('/linked.bin'), directory: dir });
  await engine.waitUntilFinished([view.id]);
  await engine.close();

  // The moment of the kill: final name linked, .part still there (same inode), record from before the rename.
  const finalPath = path.join(dir, 'linked.bin');
  const partPath = `${finalPath}.part`;
  await link(finalPath, partPath);
  const recordPath = path.join(tmp, 'data', 'transfers', `${view.id}.json`);
  const record = JSON.parse(await readFile(recordPath, 'utf8'));
  record.transfer.state = 'active';
  delete record.transfer.finishedAt;
  delete record.transfer.download.filePath;
  record.resume.partPath = partPath;
  await writeFile(recordPath, JSON.stringify(record));

  engine = await open();
  const [again] = await engine.waitUntilFinished([view.id]);
  await engine.close();
  expect(again!.state, again!.error?.message).toBe('completed');
  expect(again!.download?.filePath).toBe(finalPath);
  expect(await readdir(dir)).toEqual(['linked.bin']);
  expect((await readFile(finalPath)).equals(body)).toBe(true);
});
