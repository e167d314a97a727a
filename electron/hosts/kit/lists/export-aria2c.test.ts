// A list Ferry exports is a list Debian's aria2c reads: the same links saved under the same names.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportListResult, ImportLinksResult } from '../../../../shared/contract';
import { isFinished } from '../../../../shared/transfer';
import { makeTempDir, randomBytes, removeDir, sha256 } from '../../../../test-support/files';
import { startTestServer, type TestServer } from '../../../../test-support/http-test-server';
import { until } from '../../../../test-support/wait';
import { openHost } from '../host/open-host';

const ARIA2C = '/usr/bin/aria2c';
let server: TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
  server.route('/files/report.pdf', { body: randomBytes(30_000, 1) });
  server.route('/files/data.bin', { body: randomBytes(50_000, 2) });
  server.route('/named', { body: randomBytes(10_000, 3), headers: { 'content-disposition': 'attachment; filename="from-server.txt"' } });
  tmp = await makeTempDir('ferry-export-aria2c-');
});
afterAll(async () => {
  await server.close();
  await removeDir(tmp);
});

describe.skipIf(!existsSync(ARIA2C))(`an exported list read by aria2c -i${existsSync(ARIA2C) ? '' : " (skipped: needs Debian's aria2)"}`, () => {
  it('aria2c saves the same files under the same names', async () => {
    const downloads = path.join(tmp, 'Downloads');
    await mkdir(downloads);
    const host = await openHost({ dataDir: path.join(tmp, 'data'), log: () => undefined, downloadsFolder: downloads });
    let text: string;
    try {
      const list = `${server.url('/files/report.pdf')}\n${server.url('/files/data.bin')}\n  out=renamed.bin\n${server.url('/named')}\n`;
      const reply = await host.service.handle('importLinks', { text: list }, 'owner');
      if (!reply.ok) throw new Error(reply.error.message);
      const { ids } = reply.value as ImportLinksResult;
      await until(() => ids.every((id) => isFinished(host.service.views.get(id)!.state)), 'the downloads to finish');
      const exported = await host.service.handle('exportList', {}, 'owner');
      if (!exported.ok) throw new Error(exported.error.message);
      text = (exported.value as ExportListResult).text;
    } finally {
      await host.close();
    }
    const ferry = new Map<string, string>();
    for (const name of await readdir(downloads)) ferry.set(name, sha256(await readFile(path.join(downloads, name))));
    expect([...ferry.keys()].sort()).toEqual(['from-server.txt', 'renamed.bin', 'report.pdf']);
    // aria2c writes where the list says (dir=): the same folder, emptied first.
    await rm(downloads, { recursive: true });
    await mkdir(downloads);
    await writeFile(path.join(tmp, 'exported.txt'), text);
    const result = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(ARIA2C, ['--no-conf', '--max-tries=1', '--console-log-level=warn', '--summary-interval=0', '--download-result=hide', '-i', path.join(tmp, 'exported.txt')], { cwd: tmp }, (error, _out, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const aria = new Map<string, string>();
    for (const name of await readdir(downloads)) aria.set(name, sha256(await readFile(path.join(downloads, name))));
    expect(aria).toEqual(ferry);
  });
});
