// The same sequence of aria2 RPC calls, sent by the npm `aria2` client over WebSocket to Debian's
// aria2c and to Ferry: the answers' shapes (keys, value types, status values, error codes) and the
// notifications per download must match. Values that differ by nature (GIDs, sizes, speeds, paths)
// are compared by type; GIDs are replaced by labels (A, B, C) so state sequences line up.
import Aria2 from 'aria2';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../test-support/wait';
import { startAria2cRpc, type Aria2cRpc } from '../../../test-support/aria2c';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { seedSettings } from '../../../test-support/rpc-host';
import { DEFAULT_SETTINGS } from '../../../shared/settings-defaults';
import { FERRY_ARIA2_VERSION } from '../kit/rpc/methods';
import { runStandaloneRpc, type StandaloneRpc } from './standalone';

const SECRET = 'differential-secret-0123';
const SLOW = randomBytes(3 * 1024 * 1024, 1);
const SMALL = randomBytes(300_000, 2);
const WIDE = randomBytes(8 * 1024 * 1024, 3);

type Trace = [step: string, shape: unknown][];
interface Target {
  port: number;
  dir: string;
}

/** Names each value by kind; keeps the values that are the protocol (status, errorCode, labels). */
function shapeOf(value: unknown, labels: Map<string, string>, key = ''): unknown {
  if (typeof value === 'string') {
    if (labels.has(value)) return labels.get(value);
    if (key === 'status' || key === 'errorCode' || key === 'selected' || key === 'index') return value;
    if (/^[0-9a-f]{16}$/.test(value)) return 'gid';
    if (/^\d+$/.test(value)) return 'number-string';
    return 'string';
  }
  if (Array.isArray(value)) {
    const shapes = value.map((v) => shapeOf(v, labels, key));
    // A list of free-form strings (features, names) is compared by type, not by length.
    return shapes.length > 0 && shapes.every((s) => s === 'string') ? ['string...'] : shapes;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k], labels, k)]),
    );
  }
  return typeof value;
}

async function scenario(target: Target, server: TestServer) {
  const client = new Aria2({ host: '127.0.0.1', port: target.port, secret: SECRET });
  const stranger = new Aria2({ host: '127.0.0.1', port: target.port, secret: 'wrong-secret-000000' });
  await client.open();
  const labels = new Map<string, string>();
  const trace: Trace = [];
  const notes: [string, string][] = [];
  for (const event of ['onDownloadStart', 'onDownloadPause', 'onDownloadStop', 'onDownloadComplete', 'onDownloadError']) {
    // Labelled at the end: a notification may arrive before the addUri answer that names its gid.
    client.on(event, ([{ gid }]: [{ gid: string }]) => notes.push([gid, event]));
  }
  const record = (step: string, value: unknown) => trace.push([step, shapeOf(value, labels)]);
  const call = (method: string, ...params: unknown[]) => client.call(method, ...params);
  const attempt = async (step: string, method: string, ...params: unknown[]) => {
    try {
      record(step, { result: await call(method, ...params) });
    } catch (error) {
      trace.push([step, { errorCode: (error as { code?: number }).code }]);
    }
  };
  const statusOf = async (gid: string) => ((await call('tellStatus', gid, ['status'])) as { status: string }).status;
  const pick = (options: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, options[k]]));

  // Named difference: Ferry adds `ferryVersion` (its own version) beside aria2's fields.
  const { ferryVersion, ...aria2Version } = (await call('getVersion')) as Record<string, unknown>;
  record('getVersion', aria2Version);
  record('getSessionInfo', await call('getSessionInfo'));

  // A: added paused, options checked, started, paused, started, removed.
  const a: string = await call('addUri', [server.url('/slow.bin')], { dir: target.dir, pause: 'true', 'max-download-limit': '100K', split: '4' });
  labels.set(a, 'A');
  record('addUri paused', a);
  record('tellStatus paused', await call('tellStatus', a));
  record('getUris waiting', await call('getUris', a));
  record('getFiles waiting', await call('getFiles', a));
  record('tellWaiting keys', await call('tellWaiting', 0, 10, ['gid', 'status']));
  trace.push(['getOption', pick(await call('getOption', a), ['max-download-limit', 'split'])]);
  record('changeOption', await call('changeOption', a, { 'max-download-limit': '200K', 'no-such-option': 'x' }));
  trace.push(['getOption changed', pick(await call('getOption', a), ['max-download-limit'])]);
  await attempt('unpause', 'unpause', a);
  await until(async () => (await statusOf(a)) === 'active', 'A active');
  record('tellActive keys', await call('tellActive', ['gid', 'status']));
  await attempt('pause active', 'pause', a);
  await until(async () => (await statusOf(a)) === 'paused', 'A paused');
  await attempt('pause paused', 'pause', a);
  await attempt('unpause again', 'unpause', a);
  await attempt('unpause active', 'unpause', a);
  await until(async () => (await statusOf(a)) === 'active', 'A active again');
  await attempt('remove', 'remove', a);
  await until(async () => (await statusOf(a)) === 'removed', 'A removed');
  record('tellStatus removed', await call('tellStatus', a, ['gid', 'status', 'errorCode']));
  await attempt('remove removed', 'remove', a);

  // S: a segmented download (4 connections; aria2c needs its per-server cap and split size lowered
  // to open them): `connections` counts the open ones while it runs.
  const s: string = await call('addUri', [server.url('/wide.bin')], { dir: target.dir, split: '4', 'max-connection-per-server': '4', 'min-split-size': '1M' });
  labels.set(s, 'S');
  let connections = '';
  await until(async () => {
    ({ connections } = (await call('tellStatus', s, ['connections'])) as { connections: string });
    return connections === '4';
  }, 'S on 4 connections');
  // The value itself, not its shape: both say how many are open.
  trace.push(['tellStatus connections of a 4-connection download', connections]);
  const segmentedUris = ((await call('getUris', s)) as { status: string }[]).map((uri) => uri.status);
  await attempt('remove segmented', 'forceRemove', s);
  await until(async () => (await statusOf(s)) === 'removed', 'S removed');

  // B: a 404.
  const b: string = await call('addUri', [server.url('/missing.bin')], { dir: target.dir });
  labels.set(b, 'B');
  await until(async () => (await statusOf(b)) === 'error', 'B error');
  record('tellStatus 404', await call('tellStatus', b, ['status', 'errorCode', 'errorMessage']));

  // M: a 404 first, a working mirror second. Once bytes flow, the 404 was tried and given up; aria2
  // still lists it, as "used" (a client deleting it with changeUri must be able to see it). The
  // values themselves must match.
  const m: string = await call('addUri', [server.url('/missing.bin'), server.url('/slow.bin?mirror=1')], { dir: target.dir, split: '2', out: 'm.bin' });
  await until(async () => Number(((await call('tellStatus', m, ['completedLength'])) as { completedLength: string }).completedLength) > 0, 'M receiving');
  trace.push(['getUris with a failed mirror', await call('getUris', m)]);
  await attempt('remove with a failed mirror', 'forceRemove', m);
  await until(async () => (await statusOf(m)) === 'removed', 'M removed');

  // C: a whole download under another name.
  const c: string = await call('addUri', [server.url('/small.bin')], { dir: target.dir, out: 'named.bin' });
  labels.set(c, 'C');
  await until(async () => (await statusOf(c)) === 'complete', 'C complete');
  const done = await call('tellStatus', c);
  record('tellStatus complete', { ...done, files: onceEach(done.files) });
  expect(done.completedLength).toBe(String(SMALL.length));
  expect(done.totalLength).toBe(String(SMALL.length));
  expect(sha256(readFileSync(path.join(target.dir, 'named.bin')))).toBe(sha256(SMALL));
  record('getFiles', onceEach(await call('getFiles', c)));
  await attempt('getUris stopped', 'getUris', c);
  const stoppedUris = ((await call('tellStopped', 0, 10, ['gid', 'files'])) as { gid: string; files: { uris: { status: string }[] }[] }[])
    .find((stopped) => stopped.gid === c)!
    .files[0]!.uris.map((uri) => uri.status);
  record('tellStopped keys', await call('tellStopped', 0, 10, ['gid', 'status']));
  record('tellStopped from end', await call('tellStopped', -1, 2, ['gid']));
  record('multicall', await client.multicall([['getGlobalStat'], ['tellStatus', '0000000000000000'], ['tellStatus', c, ['status']]]));
  const stat = await call('getGlobalStat');
  record('getGlobalStat', stat);
  trace.push(['getGlobalStat counts', pick(stat, ['numActive', 'numWaiting', 'numStopped'])]);

  // Named difference: the defaults differ (aria2c 5 at once, Ferry 3), so only the type is compared here.
  const globalOptions = await call('getGlobalOption');
  record('getGlobalOption', pick(globalOptions, ['max-concurrent-downloads', 'split', 'max-connection-per-server']));
  record('changeGlobalOption', await call('changeGlobalOption', { 'max-concurrent-downloads': '4', 'no-such-option': 'x' }));
  trace.push(['getGlobalOption changed', pick(await call('getGlobalOption'), ['max-concurrent-downloads'])]);

  try {
    await stranger.call('tellStatus', c);
    trace.push(['wrong secret', 'answered']);
  } catch (error) {
    trace.push(['wrong secret', { code: (error as { code: number }).code, message: (error as Error).message }]);
  }
  record('listNotifications without secret', await stranger.listNotifications());
  trace.push(['listMethods without secret', (await stranger.listMethods()).sort()]);
  await attempt('unknown method', 'noSuchMethod');
  await attempt('unknown gid', 'tellStatus', '0000000000000000');
  await attempt('addTorrent', 'addTorrent', 'bm90IGEgdG9ycmVudA==');

  // Queue order: D and E wait (paused); E moves to the front, then D one step back from its place.
  const d: string = await call('addUri', [server.url('/slow.bin'), server.url('/slow.bin?m=1')], { dir: target.dir, pause: 'true', out: 'd.bin' });
  const e: string = await call('addUri', [server.url('/slow.bin')], { dir: target.dir, pause: 'true', out: 'e.bin' });
  labels.set(d, 'D');
  labels.set(e, 'E');
  record('tellWaiting before move', await call('tellWaiting', 0, 10, ['gid']));
  record('changePosition POS_SET', await call('changePosition', e, 0, 'POS_SET'));
  record('tellWaiting after move', await call('tellWaiting', 0, 10, ['gid']));
  record('changePosition POS_END', await call('changePosition', e, 0, 'POS_END'));
  record('tellWaiting from end', await call('tellWaiting', -1, 5, ['gid']));
  await attempt('changePosition of a stopped one', 'changePosition', c, 0, 'POS_SET');
  // changeUri on a paused download: the values themselves must match (counts, the list, its order).
  trace.push(['getUris mirrors', await call('getUris', d)]);
  trace.push(['changeUri', await call('changeUri', d, 1, [server.url('/slow.bin?m=1'), server.url('/never.bin')], [server.url('/slow.bin?m=2'), 'nonsense', server.url('/slow.bin?m=3')], 0)]);
  trace.push(['getUris changed', await call('getUris', d)]);
  trace.push(['changeUri past the end', await call('changeUri', d, 1, [], [server.url('/slow.bin?m=4')], 99)]);
  trace.push(['changeUri delete one of each', await call('changeUri', d, 1, [server.url('/slow.bin?m=4'), server.url('/slow.bin?m=4')], [])]);
  trace.push(['getUris after', await call('getUris', d)]);
  await attempt('changeUri fileIndex 2', 'changeUri', d, 2, [], []);
  await attempt('changeUri fileIndex 0', 'changeUri', d, 0, [], []);
  await attempt('changeUri negative position', 'changeUri', d, 1, [], [], -1);
  await attempt('changeUri of a stopped one', 'changeUri', c, 1, [], [server.url('/slow.bin?m=5')]);
  await attempt('changeUri unknown gid', 'changeUri', '0000000000000000', 1, [], []);
  // aria2's arithmetic (IndexedList::move): the position it returns is compared by value, and the
  // order after each move by label. POS_CUR and POS_END count from where it is and from the end,
  // everything clamped to the waiting queue.
  const f: string = await call('addUri', [server.url('/slow.bin')], { dir: target.dir, pause: 'true', out: 'f.bin' });
  labels.set(f, 'F');
  const moves: [string, number, string][] = [[f, 0, 'POS_SET'], [f, 1, 'POS_CUR'], [d, 5, 'POS_CUR'], [d, -10, 'POS_CUR'], [e, -1, 'POS_END'], [e, 10, 'POS_SET'], [f, -7, 'POS_SET'], [d, 3, 'POS_END']];
  for (const [gid, pos, how] of moves) {
    trace.push([`changePosition ${labels.get(gid)} ${pos} ${how}`, await call('changePosition', gid, pos, how)]);
    record(`order after ${labels.get(gid)} ${pos} ${how}`, await call('tellWaiting', 0, 10, ['gid']));
  }
  await attempt('changePosition with an unknown how', 'changePosition', f, 0, 'POS_NOWHERE');
  await attempt('changePosition of a stopped one with an unknown how', 'changePosition', c, 0, 'POS_NOWHERE');
  await attempt('forceRemove F', 'forceRemove', f);
  // A download that never started leaves no result when removed (aria2 forgets it at once).
  await attempt('remove never started', 'remove', d);
  await attempt('tellStatus removed before start', 'tellStatus', d);
  await attempt('forceRemove never started', 'forceRemove', e);

  await attempt('removeDownloadResult', 'removeDownloadResult', a);
  await attempt('tellStatus forgotten', 'tellStatus', a);
  await attempt('purgeDownloadResult', 'purgeDownloadResult');
  record('tellStopped after purge', await call('tellStopped', 0, 10));

  // Notifications arrive asynchronously: wait until none came for half a second (a loaded machine is slow).
  for (let seen = -1, quietSince = Date.now(); Date.now() - quietSince < 500; await new Promise((r) => setTimeout(r, 50))) {
    if (notes.length !== seen) [seen, quietSince] = [notes.length, Date.now()];
  }
  await client.close();
  const perDownload = (label: string) => notes.filter(([gid]) => (labels.get(gid) ?? gid) === label).map(([, event]) => event);
  return {
    trace,
    ferryVersion,
    aria2Version: aria2Version.version,
    stoppedUris,
    segmentedUris,
    defaultSplit: globalOptions.split as string,     notifications: Object.fromEntries(['A', 'B', 'C', 'D', 'E'].map((label) => [label, perDownload(label)])),
  };
}

/**
 * Named difference: aria2 lists a URI once per connection slot and puts a finished one back in the
 * pool ("used" and "waiting" for the same URI); Ferry lists each URI once. The shapes are compared
 * with aria2c's repeats folded (a URI's "used" entry wins); the lists themselves are checked apart.
 */
function onceEach(files: { uris: { uri: string; status: string }[] }[]) {
  return files.map((file) => {
    const byUri = new Map<string, { uri: string; status: string }>();
    for (const entry of file.uris) if (!byUri.has(entry.uri) || entry.status === 'used') byUri.set(entry.uri, entry);
    return { ...file, uris: [...byUri.values()] };
  });
}

describe('aria2 RPC: Ferry answers like aria2c', () => {
  let server: TestServer;
  let aria2c: Aria2cRpc;
  let ferry: StandaloneRpc;
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await makeTempDir('ferry-rpc-diff-');
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/slow.bin', { body: SLOW, rateBytesPerSec: 150_000 });
    server.route('/small.bin', { body: SMALL });
    server.route('/wide.bin', { body: WIDE, rateBytesPerSec: 150_000 });
    server.route('/missing.bin', { status: 404 });
  });
  afterAll(async () => {
    await aria2c?.close();
    await ferry?.close();
    await server?.close();
    for (const dir of dirs) await removeDir(dir);
  });

  it('gives the same shapes, errors, states and notifications for the same calls', async () => {
    const aria2Dir = await newDir();
    aria2c = await startAria2cRpc({ dir: aria2Dir, secret: SECRET });
    const reference = await scenario({ port: aria2c.port, dir: aria2Dir }, server);
    await aria2c.close();

    const ferryDir = await newDir();
    const dataDir = await newDir();
    seedSettings(dataDir, { downloadDirectory: ferryDir }); // as aria2c's --dir
    ferry = await runStandaloneRpc({ dataDir, port: 0, secret: SECRET, handleSignals: false, print: () => {} });
    const ours = await scenario({ port: ferry.server.port, dir: ferryDir }, server);

    // aria2 clients keep reading aria2's number; Ferry's own version is an extra field aria2 does not have.
    expect(reference.ferryVersion).toBeUndefined();
    expect(ours.aria2Version).toBe(FERRY_ARIA2_VERSION);
    expect(ours.ferryVersion).toBe((JSON.parse(readFileSync(path.join(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string }).version);
    // Sanity: the reference really went through the states (a broken scenario must not pass).
    expect(reference.trace.find(([step]) => step === 'tellStatus 404')?.[1]).toMatchObject({ status: 'error', errorCode: '3' });
    const differences = reference.trace.flatMap(([step, expected], i) => {
      const got = ours.trace[i];
      return JSON.stringify(got) === JSON.stringify([step, expected])
        ? []
        : [`${step}\n  aria2c: ${JSON.stringify(expected)}\n  ferry:  ${JSON.stringify(got)}`];
    });
    expect(differences.join('\n')).toBe('');
    expect(ours.trace.length).toBe(reference.trace.length);
    // Named differences (README's aria2 table): aria2c lists a URI once per connection and a
    // finished one twice; Ferry once. Its `split` default is 5; Ferry's is its own (Settings ›
    // Connections per download, 16), the count a download added without split really gets.
    expect(reference.segmentedUris).toEqual(['used', 'used', 'used', 'used']);
    expect(ours.segmentedUris).toEqual(['used']);
    expect(reference.stoppedUris).toEqual(['used', 'waiting']);
    expect(ours.stoppedUris).toEqual(['used']);
    expect(reference.defaultSplit).toBe('5');
    expect(ours.defaultSplit).toBe(String(DEFAULT_SETTINGS.connectionsPerDownload));
    expect(reference.notifications).toMatchObject({
      A: expect.arrayContaining(['onDownloadStart', 'onDownloadPause', 'onDownloadStop']),
      B: expect.arrayContaining(['onDownloadError']),
      C: expect.arrayContaining(['onDownloadComplete']),
    });
    // Named difference: aria2c announces the start of a download that fails at once (the 404)
    // only when its request got far enough first, so its B list has onDownloadStart or not from
    // run to run; Ferry always announces a start before an error or a completion.
    const startFirst = (list: string[]) => (list[0] === 'onDownloadStart' ? list : ['onDownloadStart', ...list]);
    expect(ours.notifications).toEqual({ ...reference.notifications, B: startFirst(reference.notifications.B!), C: startFirst(reference.notifications.C!) });
  });
});
