// "Import links…" and "Export list…" through the one service (kit/host/open-host.ts over a real
// engine and a loopback server): what the window and the owner may name, duplicates, secrets.
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordsText } from '../../../../test-support/records-text';
import type { ExportListResult, ImportLinksResult } from '../../../../shared/contract';
import { isFinished } from '../../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { until } from '../../../../test-support/wait';
import { openHost, type Host } from '../host/open-host';
import type { Caller } from '../service/callers';
import { createUserChoices } from '../service/user-choices';

const COOKIE = 'session=imported-s3cr3t';
let server: TestServer;
let tmp: string;
let downloads: string;
let host: Host;

beforeAll(async () => {
  server = await startTestServer();
  for (const name of ['a.bin', 'b.bin', 'c.bin']) server.route(`/${name}`, { body: randomBytes(20_000, name.length) });
  // Slow: a finished download forgets its headers, so the export looks while it runs.
  server.route('/secret.bin', { body: randomBytes(40_000, 9), rateBytesPerSec: 8_000 });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-lists-');
  downloads = path.join(tmp, 'Downloads');
  await mkdir(downloads);
  host = await openHost({ dataDir: path.join(tmp, 'data'), log: () => undefined, downloadsFolder: downloads, front: { choices: createUserChoices() } });
});
afterEach(async () => {
  await host.close();
  await removeDir(tmp);
});

async function call<T>(caller: Caller, name: string, input: unknown): Promise<T> {
  const reply = await host.service.handle(name, input, caller);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as T;
}
const imported = (caller: Caller, text: string, directory?: string) => call<ImportLinksResult>(caller, 'importLinks', { text, ...(directory ? { directory } : {}) });
const view = (id: string) => host.service.views.get(id)!;
const allFinished = (ids: string[]) => until(() => ids.every((id) => isFinished(view(id).state)), 'the imported downloads to finish');

describe('importLinks', () => {
  it("the window names no folder: an entry's dir is set aside (and said), the links go to the download folder", async () => {
    const result = await imported('window', `${server.url('/a.bin')}\n  dir=${path.join(tmp, 'elsewhere')}\n  out=first.bin\n${server.url('/b.bin')}\n  out=sub/second.bin\n`);
    expect(result.problems).toEqual([]);
    expect(result.notes).toEqual([`2 lines of the list (the first: line 1) name folders; the links were saved into ${downloads} instead`]);
    expect(result.ids.map((id) => [view(id).download!.directory, view(id).download!.requestedName])).toEqual([
      [downloads, 'first.bin'],
      [downloads, 'second.bin'],
    ]);
    // Nor may it name one in the call that its main process did not let the user pick.
    expect(await host.service.handle('importLinks', { text: server.url('/c.bin'), directory: path.join(tmp, 'elsewhere') }, 'window')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', field: 'directory' } });
  });

  it('the owner may: an absolute dir as written, a relative one under the folder of the import', async () => {
    const result = await imported('owner', `${server.url('/a.bin')}\n  dir=${path.join(tmp, 'abs')}\n${server.url('/b.bin')}\n  dir=rel\n  out=deeper/b2.bin\n`);
    expect(result.notes).toEqual([]);
    expect(result.ids.map((id) => view(id).download!.directory)).toEqual([path.join(tmp, 'abs'), path.join(downloads, 'rel', 'deeper')]);
    await allFinished(result.ids);
    expect(await readdir(path.join(downloads, 'rel', 'deeper'))).toEqual(['b2.bin']);
  });

  it('skips and counts links already listed (and repeated in the file), adds the rest, names the lines it could not read', async () => {
    const first = await imported('window', server.url('/a.bin'));
    expect(first).toMatchObject({ skipped: 0, problems: [] });
    const result = await imported('window', [server.url('/a.bin'), 'ftp://x.test/y', server.url('/b.bin'), `  checksum=md5=00`, server.url('/c.bin'), server.url('/c.bin')].join('\n'));
    expect(result.skipped).toBe(2);
    expect(result.problems).toEqual([
      { line: 2, message: "'ftp://x.test/y' is not an http or https URL (Ferry downloads those only)" },
      { line: 4, message: 'checksum: Ferry checks sha-256=<64 hex> only' },
    ]);
    expect(result.ids.map((id) => view(id).url)).toEqual([server.url('/c.bin')]);
    expect(host.service.snapshot('owner').transfers).toHaveLength(2);
  });

  it("keeps a list's header values in the secret store, sends them to their origin, and never exports them", async () => {
    const result = await imported('window', `${server.url('/secret.bin')}\n  header=Cookie: ${COOKIE}\n  out=kept.bin\n`);
    await until(() => server.requestsFor('/secret.bin').length > 0, 'the download to start');
    expect(server.requestsFor('/secret.bin')[0]!.headers.cookie).toBe(COOKIE);
    expect(isFinished(view(result.ids[0]!).state)).toBe(false);
    const exported = await call<ExportListResult>('window', 'exportList', {});
    expect(exported.count).toBe(1);
    expect(exported.text).not.toContain('imported-s3cr3t');
    expect(exported.text).toContain('# Headers left out: Cookie.\n');
    expect(exported.text).toContain(`${server.url('/secret.bin')}\n  dir=${downloads}\n  out=kept.bin\n`);
    expect(await recordsText(path.join(tmp, 'data', 'transfers'))).not.toContain('imported-s3cr3t');
  });

  it('an export reads back to the same downloads; a link password is left out', async () => {
    const withPassword = server.url('/b.bin').replace('http://', 'http://me:pw@');
    const first = await imported('owner', `${server.url('/a.bin')}\n  out=one.bin\n  max-download-limit=1M\n${withPassword}\n`);
    await allFinished(first.ids);
    const { text } = await call<ExportListResult>('owner', 'exportList', { ids: first.ids });
    expect(text).not.toContain(':pw@');
    expect(text).toContain("# The link's password was left out.\n");
    expect(text).toContain(`${server.url('/a.bin')}\n  dir=${downloads}\n  out=one.bin\n  max-download-limit=1048576\n`);
    // Into a Ferry that has them: the same link skipped; the one without its password is another link.
    const again = await imported('owner', text);
    expect(again).toMatchObject({ skipped: 1, problems: [] });
    expect(again.ids.map((id) => view(id).url)).toEqual([server.url('/b.bin').replace('http://', 'http://me@')]);
  });

  it('refuses a list over 100,000 links or 8 MiB, and browser and RPC clients', async () => {
    const many = Array.from({ length: 100_001 }, (_, i) => `http://a.test/${i}`).join('\n');
    expect(await host.service.handle('importLinks', { text: many }, 'owner')).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'A list can hold at most 100,000 links; this one has 100,001' } });
    expect(await host.service.handle('importLinks', { text: 'x'.repeat(8 * 1024 * 1024 + 1) }, 'owner')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('at most 8 MiB') } });
    for (const name of ['importLinks', 'exportList']) {
      expect(await host.service.handle(name, name === 'importLinks' ? { text: server.url('/a.bin') } : {}, 'client')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(host.service.snapshot('owner').transfers).toEqual([]);
  });
});
