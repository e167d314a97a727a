// Download headers live in the secret store, not in transfers/*.json, and only as long as the
// download needs them: the real engine and download worker against a loopback server, the store
// an in-memory vault kept across engine restarts (as the hosts' secrets.json is).
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordsText } from '../../test-support/records-text';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../test-support/files';
import { startTestServer, type TestServer } from '../../test-support/http-test-server';
import { until } from '../../test-support/wait';
import { DOWNLOAD_HEADER_REF_PREFIX } from './download-header-secrets';
import { createDownloadWorker } from './download/download-worker';
import { TransferEngine } from './engine';
import { MemorySecretsProvider } from './secrets';

const GIVEN = { Cookie: 'session=s3cr3t-cookie', Authorization: 'Bearer s3cr3t-token' };
const BODY = randomBytes(200_000, 31);

let server: TestServer;
let tmp: string;
let dir: string;
let vault: MemorySecretsProvider;
let engine: TransferEngine;
let n = 0;

async function openEngine(withVault = true): Promise<TransferEngine> {
  engine = await TransferEngine.open({
    dataDir: path.join(tmp, 'data'),
    workers: { download: createDownloadWorker(withVault ? { secrets: vault } : {}) },
    settings: { retryBaseMs: 20, retryMaxMs: 50 },
    ...(withVault ? { downloadSecrets: vault } : {}),
  });
  return engine;
}

/** Every transfer record on disk, as text. */
const transfersText = (): Promise<string> => recordsText(path.join(tmp, 'data', 'transfers'));

const stored = () => vault.refs().filter((ref) => ref.startsWith(DOWNLOAD_HEADER_REF_PREFIX));

function route(options: Parameters<TestServer['route']>[1] = { body: BODY }): string {
  const p = `/h${++n}/file.bin`;
  server.route(p, options);
  return p;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-hdr-');
  dir = path.join(tmp, 'downloads');
  await mkdir(dir);
  vault = new MemorySecretsProvider();
});
afterEach(async () => {
  await engine.close();
  await removeDir(tmp);
});

describe('download headers in the secret store', () => {
  it('the records hold references, never the values; the server still gets them; completion drops both', async () => {
    await openEngine();
    const p = route();
    const added = await engine.addDownload({ url: server.url(p), directory: dir, headers: GIVEN, paused: true });
    await engine.close(); // every record on disk
    const text = await transfersText();
    expect(text).toContain(`secret:${DOWNLOAD_HEADER_REF_PREFIX}${added.id}.`);
    expect(text).not.toContain('s3cr3t');
    expect(stored()).toHaveLength(2);

    await openEngine();
    await engine.resume(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done!.state).toBe('completed');
    expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(BODY));
    expect(server.requestsFor(p)[0]!.headers.cookie).toBe(GIVEN.Cookie);
    expect(server.requestsFor(p)[0]!.headers.authorization).toBe(GIVEN.Authorization);
    await engine.close();
    expect(stored()).toEqual([]);
    const after = await transfersText();
    expect(after).not.toContain('s3cr3t');
    expect(after).not.toContain(DOWNLOAD_HEADER_REF_PREFIX);
  });

  it('continueFrom: the other download\'s values replace this one\'s in the store; the old ones go; the server gets only the new', async () => {
    await openEngine();
    const p = route();
    const earlier = await engine.addDownload({ url: server.url(`${p}?old`), directory: dir, headers: { Cookie: 'old=1', Authorization: 'Bearer old' }, paused: true });
    const handoff = await engine.addDownload({ url: server.url(`${p}?new`), directory: dir, headers: { Cookie: 'new=2' }, paused: true });
    expect(stored()).toHaveLength(3);
    const continued = await engine.continueFrom(earlier.id, handoff.id, 'Continued with the new link');
    expect(continued.url).toBe(server.url(`${p}?new`));
    expect(engine.get(handoff.id)).toBeUndefined();
    const [done] = await engine.waitUntilFinished([earlier.id]);
    expect(done!.state).toBe('completed');
    expect(server.requestsFor(p).map((r) => [r.query, r.headers.cookie, r.headers.authorization])).toEqual([['?new', 'new=2', undefined]]);
    await until(() => stored().length === 0, 'every value deleted');
    await engine.close();
    expect(await transfersText()).not.toContain('old=1');
  });

  it('removing a download deletes its values', async () => {
    await openEngine();
    const added = await engine.addDownload({ url: server.url(route()), directory: dir, headers: GIVEN, paused: true });
    expect(stored()).toHaveLength(2);
    await engine.remove(added.id);
    await until(() => stored().length === 0, 'values deleted');
  });

  it('a failed download keeps them, so that a retry sends them again', async () => {
    await openEngine();
    const p = route({ body: BODY, statusSequence: [404] });
    const added = await engine.addDownload({ url: server.url(p), directory: dir, headers: GIVEN });
    const [failed] = await engine.waitUntilFinished([added.id]);
    expect(failed!.state).toBe('failed');
    expect(stored()).toHaveLength(2);
    await engine.retry(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done!.state).toBe('completed');
    expect(server.requestsFor(p).map((r) => r.headers.cookie)).toEqual([GIVEN.Cookie, GIVEN.Cookie]);
    await until(() => stored().length === 0, 'values deleted after completion');
  });

  it('records of older versions with clear values: moved into the store when the engine opens, and the download still works', async () => {
    // An engine without a store writes headers as older versions did.
    await openEngine(false);
    const p = route();
    const waiting = await engine.addDownload({ url: server.url(p), directory: dir, headers: GIVEN, paused: true });
    const finished = await engine.addDownload({ url: server.url(route()), directory: dir, headers: GIVEN });
    await engine.waitUntilFinished([finished.id]);
    await engine.close();
    // The completed one kept nothing; the paused one holds the clear values, as older versions did.
    expect(await transfersText()).toContain('s3cr3t');

    await openEngine();
    await engine.close();
    expect(await transfersText()).not.toContain('s3cr3t');
    expect(stored()).toHaveLength(2);

    await openEngine();
    await engine.resume(waiting.id);
    const [done] = await engine.waitUntilFinished([waiting.id]);
    expect(done!.state).toBe('completed');
    expect(server.requestsFor(p)[0]!.headers.cookie).toBe(GIVEN.Cookie);
  });

  it('deletes at start the values no record names (a removal just before a crash)', async () => {
    vault.set(`${DOWNLOAD_HEADER_REF_PREFIX}gone.0`, 'left-behind');
    vault.set('destination.other/Authorization', 'not ours');
    await openEngine();
    await until(() => stored().length === 0, 'orphan deleted');
    expect(vault.refs()).toEqual(['destination.other/Authorization']);
  });

  it('a value that only looks like a reference is sent as given, never resolved', async () => {
    vault.set('destination.other/Authorization', 'Bearer of-another-destination');
    await openEngine();
    const p = route();
    const added = await engine.addDownload({ url: server.url(p), directory: dir, headers: { Authorization: 'secret:destination.other/Authorization' } });
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done!.state).toBe('completed');
    expect(server.requestsFor(p)[0]!.headers.authorization).toBe('secret:destination.other/Authorization');
  });

  it('a secret store that refuses the values refuses the add: nothing is listed, nothing written in clear', async () => {
    vault.set = () => {
      throw new Error('secrets.json cannot be written');
    };
    await openEngine();
    await expect(engine.addDownload({ url: server.url(route()), directory: dir, headers: GIVEN })).rejects.toThrow(/secret store: secrets.json cannot be written/);
    expect(engine.list()).toEqual([]);
    await engine.close();
    expect(await transfersText()).not.toContain('s3cr3t');
  });

  it('continueFrom with a store that refuses the new values: a readable error, and both downloads stay as they were', async () => {
    await openEngine();
    const p = route();
    const earlier = await engine.addDownload({ url: server.url(`${p}?old`), directory: dir, headers: { Cookie: 'old=1' }, paused: true });
    const handoff = await engine.addDownload({ url: server.url(`${p}?new`), directory: dir, headers: { Cookie: 'new=2' }, paused: true });
    vault.set = () => {
      throw new Error('secrets.json cannot be written');
    };
    await expect(engine.continueFrom(earlier.id, handoff.id, 'Continued')).rejects.toThrow(/new link's headers could not be kept in the secret store: secrets.json cannot be written/);
    expect(engine.get(earlier.id)).toMatchObject({ url: server.url(`${p}?old`), state: 'paused' });
    expect(engine.get(handoff.id)).toMatchObject({ state: 'paused' });
    expect(engine.get(earlier.id)!.log.map((e) => e.message)).not.toContain('Continued');
    await engine.resume(earlier.id);
    await engine.waitUntilFinished([earlier.id]);
    expect(server.requestsFor(p).map((r) => r.headers.cookie)).toEqual(['old=1']);
  });

  it('a stored value that went missing fails the download in words that name the header, not a value', async () => {
    await openEngine();
    const p = route();
    const added = await engine.addDownload({ url: server.url(p), directory: dir, headers: GIVEN, paused: true });
    await engine.close();
    vault = new MemorySecretsProvider();
    await openEngine();
    await engine.resume(added.id);
    const [done] = await engine.waitUntilFinished([added.id]);
    expect(done!.state).toBe('failed');
    expect(done!.error!.message).toMatch(/header Cookie/);
    expect(done!.error!.message).not.toContain('s3cr3t');
    expect(server.requestsFor(p)).toHaveLength(0);
  });
});
