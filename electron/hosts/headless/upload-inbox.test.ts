// The headless host's upload inbox over real HTTP: the size limit (a setting), the free-space
// check (a real small tmpfs where the machine allows mounting), and safe names.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { postToInbox } from '../../../test-support/headless-client';
import { runHeadlessHost, type HeadlessHost } from './headless-host';
import { inboxDir } from './upload-inbox';

const MiB = 1024 * 1024;
let dir: string;
let host: HeadlessHost;
const post = (name: string, body: Buffer, options?: { chunked?: boolean }) => postToInbox(host.port, host.token, name, body, options);
const inboxFiles = async () => (await readdir(inboxDir(path.join(dir, 'data')), { recursive: true }).catch(() => [])).filter((f) => f.includes(path.sep));

beforeEach(async () => {
  dir = await makeTempDir('ferry-inbox-');
  await mkdir(path.join(dir, 'renderer'));
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Ferry</title>');
  host = await runHeadlessHost({ port: 0, dataDir: path.join(dir, 'data'), rendererDir: path.join(dir, 'renderer'), print: () => {}, warn: () => {}, handleSignals: false });
});

afterEach(async () => {
  await host.close();
  await removeDir(dir);
});

const canMount = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v mount && [ "$(id -u)" = 0 ]'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('upload inbox', () => {
  it('refuses a file over the dropped-file limit before writing a byte, readably; accepts one within it', async () => {
    expect((await host.service.handle('setSettings', { droppedFileLimitMiB: 1 })).ok).toBe(true);
    const tooBig = await post('big.bin', Buffer.alloc(2 * MiB, 1));
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error?.message).toMatch(/big\.bin is 2\.0 MiB, more than the 1\.0 MiB allowed for dropped files/);
    expect(await inboxFiles()).toEqual([]);
    const fits = await post('fits.bin', Buffer.alloc(MiB, 2));
    expect(fits.status).toBe(200);
    expect(path.basename(fits.json.path!)).toBe('fits.bin');
  });

  it('needs a Content-Length: a body of unknown size cannot be checked against the limit or the disk', async () => {
    const chunked = await post('x.bin', Buffer.alloc(1000), { chunked: true });
    expect(chunked.status).toBe(411);
    expect(await inboxFiles()).toEqual([]);
  });

  it('gives dropped files the download rules for names: UTF-8 byte limit at code points, Windows device names', async () => {
    const cjk = await post(`${'文'.repeat(100)}.txt`, Buffer.from('cjk'));
    expect(cjk.status).toBe(200);
    const cjkName = path.basename(cjk.json.path!);
    expect(Buffer.byteLength(cjkName)).toBeLessThanOrEqual(255);
    expect(cjkName).toMatch(/^文+\.txt$/);

    const emoji = await post(`a${'😀'.repeat(70)}`, Buffer.from('emoji'));
    expect(emoji.status).toBe(200);
    const emojiName = path.basename(emoji.json.path!);
    expect(Buffer.from(emojiName, 'utf8').toString('utf8')).toBe(emojiName); // no half of a surrogate pair
    expect(emojiName).toMatch(/^a(😀)+$/u);

    for (const [sent, kept] of [['CON', '_CON'], ['con.txt', '_con.txt'], ['LPT1.tar.gz', '_LPT1.tar.gz']] as const) {
      const reply = await post(sent, Buffer.from('x'));
      expect(path.basename(reply.json.path!)).toBe(kept);
    }
    const names = (await inboxFiles()).map((f) => path.basename(f));
    expect(names).toEqual(expect.arrayContaining([cjkName, emojiName, '_CON']));
  });

  it.skipIf(!canMount)('checks free space as staging does: refuses what would fill the disk, keeps nothing of it', async () => {
    const inbox = inboxDir(path.join(dir, 'data'));
    await mkdir(inbox, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=80m', 'tmpfs', inbox]);
    try {
      // 20 MiB + the 64 MiB margin do not fit in 80 MiB.
      const refused = await post('large.bin', Buffer.alloc(20 * MiB, 3));
      expect(refused.status).toBe(507);
      expect(refused.json.error?.message).toMatch(/Not enough free space/);
      expect(await readdir(inbox)).toEqual([]);
      const fits = await post('small.bin', Buffer.alloc(8 * MiB, 4));
      expect(fits.status).toBe(200);
    } finally {
      execFileSync('umount', ['-l', inbox]);
    }
  });
});
