// The browser hands over a file Ferry is already fetching, unfinished (its link expired): the
// handoff is accepted at once but held, and the UIs are offered to continue the earlier download
// with the new link. Over the real aria2 RPC, as the extension calls it (gid, out, ferry-size,
// Cookie), against two real servers of signed links on loopback (two origins, the same file).
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startExpiringLinks, type ExpiringLinks } from '../../../../test-support/expiring-links';
import { randomBytes, sha256 } from '../../../../test-support/files';
import { startRpcHost, type RpcHost } from '../../../../test-support/rpc-host';
import { until } from '../../../../test-support/wait';
import type { ContinueOffer } from '../../../../shared/continue-offer';
import type { TransferView } from '../../../../shared/transfer';
import { gidOf } from '../rpc/gid';

const MiB = 1024 * 1024;
const FILE = randomBytes(8 * MiB, 71);
const GID = '00c0ffee00000017';

let host: RpcHost;
/** The origin of the first link (it expires) and of the fresh one the browser hands over later. */
let oldSite: ExpiringLinks;
let newSite: ExpiringLinks;

beforeEach(async () => {
  host = await startRpcHost();
  // Per response: slow enough to pause mid-way on a loaded machine, fast enough for a short test.
  oldSite = await startExpiringLinks(FILE, { rateBytesPerSec: 1 * MiB });
  newSite = await startExpiringLinks(FILE, { rateBytesPerSec: 4 * MiB });
});
afterEach(async () => {
  await host.close();
  await oldSite.close();
  await newSite.close();
});

const view = (id: string): TransferView | undefined => host.engine.get(id);
const offers = (): ContinueOffer[] => host.service.snapshot('owner').offers ?? [];

async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  const answer = await host.call(method, params);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result as T;
}

/** The extension's handoff of big.bin, as background.ts makes it (submission.ts's addUriParams). */
function handoff(url: string, options: Record<string, string | string[]>): Promise<string> {
  return rpc<string>('aria2.addUri', [[url], { 'user-agent': 'Mozilla/5.0 Test', out: 'big.bin', ...options }]);
}

/** An earlier handoff of big.bin from the old site, paused past 3 MiB; then its link expires (403). */
async function unfinishedEarlier(): Promise<TransferView> {
  const url = oldSite.issue();
  const gid = await handoff(url, { header: ['Cookie: old=1'], 'ferry-size': String(FILE.length), 'max-connection-per-server': '2' });
  const earlier = host.engine.list().find((v) => gidOf(v.id) === gid)!;
  await until(() => (view(earlier.id)?.progress.bytesDone ?? 0) >= 3 * MiB, 'three MiB of the earlier download', 60_000);
  await host.service.handle('pause', { ids: [earlier.id] }, 'window');
  await until(() => view(earlier.id)?.state === 'paused', 'the earlier download paused');
  oldSite.expire(url);
  expect(view(earlier.id)!.progress.totalBytes).toBe(FILE.length);
  return view(earlier.id)!;
}

it('continue: the earlier download gets the new link and its cookie (its origin only), finishes byte-identical, ≤ 1.1x sent; the handoff GID answers for it', async () => {
  const earlier = await unfinishedEarlier();
  const fresh = newSite.issue();
  const started = Date.now();
  const gid = await handoff(fresh, { gid: GID, header: ['Cookie: new=2'], 'ferry-size': String(FILE.length), referer: 'https://site.test/page' });
  // Accepted at once (the extension lets the browser's download go only then).
  expect(gid).toBe(GID);
  expect(Date.now() - started).toBeLessThan(5_000);
  const [offer] = offers();
  expect(offer).toMatchObject({ name: 'big.bin', size: FILE.length, earlierId: earlier.id, earlierState: 'paused' });
  expect(offer!.earlierBytesDone).toBeGreaterThanOrEqual(3 * MiB);
  const held = view(offer!.heldId)!;
  expect(held.state).toBe('paused');
  expect(held.log.map((e) => e.message).join('\n')).toMatch(/^Held: the same file \(big\.bin, 8\.00 MiB\)/m);
  // Held means held: the new link is not asked for a byte, and the client sees no offer.
  await new Promise((r) => setTimeout(r, 300));
  expect(newSite.requests).toHaveLength(0);
  expect(host.service.snapshot('client').offers).toBeUndefined();
  // A browser or RPC client may not answer it (a web page must not move a download onto its link).
  const refused = await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'continue' }, 'client');
  expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(offers()).toHaveLength(1);

  const reply = await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'continue' }, 'window');
  expect(reply).toMatchObject({ ok: true, value: { id: earlier.id } });
  expect(view(held.id)).toBeUndefined();
  expect(offers()).toEqual([]);
  const [done] = await host.engine.waitUntilFinished([earlier.id]);
  expect(done!.state).toBe('completed');
  expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(FILE));
  expect(oldSite.bodyBytesSent() + newSite.bodyBytesSent()).toBeLessThanOrEqual(1.1 * FILE.length);
  const log = done!.log.map((e) => e.message).join('\n');
  expect(log).toContain('Continued with the link your browser handed over');
  expect(log).toContain('serves the same file');
  // The new cookie went with the new address only, the old one never to it.
  expect(newSite.requests.length).toBeGreaterThan(0);
  expect(newSite.requests.every((r) => r.cookie === 'new=2')).toBe(true);
  expect(oldSite.requests.every((r) => r.cookie === 'old=1')).toBe(true);
  // The extension's GID of the handoff now tells the continued download's progress.
  const status = await rpc<Record<string, string>>('aria2.tellStatus', [GID, ['gid', 'status', 'totalLength', 'completedLength']]);
  expect(status).toEqual({ gid: gidOf(earlier.id), status: 'complete', totalLength: String(FILE.length), completedLength: String(FILE.length) });
  // A resent submission with that GID is not a second download.
  expect((await host.call('aria2.addUri', [[fresh], { gid: GID }])).error?.message).toMatch(/not unique/);
  // Answering again is a clear error; nothing changes.
  const again = await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'continue' }, 'window');
  expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringMatching(/answered already or is gone/) } });
  expect(host.engine.list().map((v) => v.id)).toEqual([earlier.id]);
}, 120_000);

it('separately: the held download starts as any handoff would, and both are kept', async () => {
  const earlier = await unfinishedEarlier();
  await handoff(newSite.issue(), { gid: GID, header: ['Cookie: new=2'], 'ferry-size': String(FILE.length) });
  const [offer] = offers();
  const reply = await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'separately' }, 'owner');
  expect(reply).toMatchObject({ ok: true, value: { id: offer!.heldId } });
  expect(offers()).toEqual([]);
  const [done] = await host.engine.waitUntilFinished([offer!.heldId]);
  expect(done!.state).toBe('completed');
  expect(sha256(await readFile(done!.download!.filePath!))).toBe(sha256(FILE));
  expect(host.engine.list().map((v) => v.id).sort()).toEqual([earlier.id, offer!.heldId].sort());
  expect(view(earlier.id)!.state).toBe('paused');
  expect(oldSite.requests.some((r) => r.cookie === 'new=2')).toBe(false);
}, 120_000);

it('no offer when the sizes differ: the handoff starts at once', async () => {
  const earlier = await unfinishedEarlier();
  const gid = await handoff(newSite.issue(), { 'ferry-size': String(FILE.length + 1) });
  expect(offers()).toEqual([]);
  const added = host.engine.list().find((v) => gidOf(v.id) === gid)!;
  expect(added.id).not.toBe(earlier.id);
  expect(added.state).not.toBe('paused');
  const [done] = await host.engine.waitUntilFinished([added.id]);
  expect(done!.state).toBe('completed');
}, 120_000);

it('an offer goes when the earlier download is removed; answering it then is a clear error, and the held one goes on as the handoff it is', async () => {
  const earlier = await unfinishedEarlier();
  await handoff(newSite.issue(), { 'ferry-size': String(FILE.length) });
  const [offer] = offers();
  const events: ContinueOffer[][] = [];
  const stop = host.service.subscribe((event, payload) => {
    if (event === 'continueOffers') events.push(payload as ContinueOffer[]);
  });
  await host.service.handle('remove', { ids: [earlier.id], deleteFiles: true }, 'window');
  stop();
  expect(offers()).toEqual([]);
  expect(events).toEqual([[]]);
  const answer = await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'continue' }, 'window');
  expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  // A malformed answer is refused by the contract.
  const malformed = await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'both' }, 'window');
  expect(malformed).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'answer' } });
  // The browser's download is kept nowhere else now: it is downloaded, and its log says why.
  const [done] = await host.engine.waitUntilFinished([offer!.heldId]);
  expect(done!.state).toBe('completed');
  expect(done!.log.map((e) => e.message)).toContain('The unfinished download it matched was removed: this one starts');
}, 120_000);

it('a handoff the client asked to add paused stays paused when downloaded separately', async () => {
  await unfinishedEarlier();
  await handoff(newSite.issue(), { 'ferry-size': String(FILE.length), pause: 'true' });
  const [offer] = offers();
  expect(await host.service.handle('answerContinueOffer', { offerId: offer!.id, answer: 'separately' }, 'window')).toMatchObject({ ok: true });
  expect(offers()).toEqual([]);
  expect(view(offer!.heldId)!.state).toBe('paused');
  expect(newSite.requests).toHaveLength(0);
}, 120_000);
