// Hostile file names from servers (Content-Disposition, URL paths) and from users (--out):
// every download lands inside the folder it was asked into, under a name the file system takes,
// and no file appears anywhere else.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { startFerry } from '../ferry-process';
import { randomBytes } from '../files';
import { startTestServer } from '../http-test-server';
import type { LoopContext } from './crash-loop';
import { downloadOnce } from './engine-kit';
import type { HostileRow } from './report';

const SERVER_NAMES = [
  'attachment; filename="../../escape.bin"',
  'attachment; filename="/etc/passwd"',
  "attachment; filename*=UTF-8''..%2F..%2Fescape2.bin",
  "attachment; filename*=UTF-8''a%00b.bin",
  "attachment; filename*=UTF-8''%1B%5B31mred.bin",
  'attachment; filename=".."',
  'attachment; filename="."',
  'attachment; filename=""',
  `attachment; filename="${'x'.repeat(400)}.bin"`,
  `attachment; filename*=UTF-8''${encodeURIComponent('é'.repeat(200))}.bin`,
  'attachment; filename="CON"',
  'attachment; filename="con.txt"',
  'attachment; filename="a/b\\\\c.bin"',
  "attachment; filename*=UTF-8''%E2%80%AEgnp.exe",
  'attachment; filename=" .hidden "',
  'attachment; filename="name.part"',
  'attachment; filename="x\r\nSet-Cookie: a=b"',
];
// (A NUL cannot be passed in argv at all, so it is not among them.)
const USER_NAMES = ['../../out-escape.bin', '/tmp/ferry-hostile-abs-escape.bin', '..', '', 'a/../../b.bin', 'con', '\u202Egnp.exe', 'x'.repeat(300)];

async function everyFile(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

export async function hostileNames(ctx: LoopContext): Promise<HostileRow> {
  const server = await startTestServer();
  const failures: string[] = [];
  const outside = path.join(ctx.work, 'outside');
  const dir = path.join(outside, 'inside');
  await mkdir(dir, { recursive: true });
  try {
    for (const [i, disposition] of SERVER_NAMES.entries()) {
      // Node refuses to send a header with CR/LF; such a name cannot arrive, so it is skipped here.
      if (/[\r\n]/.test(disposition)) continue;
      server.route(`/n${i}`, { body: randomBytes(1000, i + 1), headers: { 'content-disposition': disposition } });
      const outcome = await downloadOnce(dir, server.url(`/n${i}`), 15_000);
      const file = outcome.view.download?.filePath;
      if (outcome.view.state !== 'completed') failures.push(`${disposition}: ${outcome.view.state} ${outcome.view.error?.message ?? ''}`);
      else if (!file || path.dirname(file) !== path.dirname(outcome.files[0] ?? '')) failures.push(`${disposition}: saved as ${file}`);
    }
    // A URL path that tries to climb.
    server.route('/a/..%2F..%2Fclimb.bin', { body: randomBytes(10, 1) });
    // --out from a user: refused as a usage error (exit 2) or kept inside --dir.
    for (const name of USER_NAMES) {
      server.route('/user.bin', { body: randomBytes(500, 2) });
      const child = startFerry(['get', server.url('/user.bin'), '--dir', dir, '--out', name, '--data-dir', path.join(ctx.work, 'data'), '-q'], { env: ctx.env });
      const result = await child.result;
      if (result.code !== 0 && result.code !== 2) failures.push(`--out ${JSON.stringify(name)}: exit ${result.code} ${result.stderr.trim().slice(0, 80)}`);
      if (result.code === 2 && !/out|name/i.test(result.stderr)) failures.push(`--out ${JSON.stringify(name)}: usage error without a reason`);
    }
    if (existsSync('/tmp/ferry-hostile-abs-escape.bin')) {
      failures.push('--out /tmp/... wrote outside --dir');
      await rm('/tmp/ferry-hostile-abs-escape.bin', { force: true });
    }
    // Nothing may have appeared outside the download folder (the data folder is elsewhere).
    const escaped = (await everyFile(outside)).filter((f) => !f.startsWith(dir + path.sep));
    for (const f of escaped) failures.push(`file outside the folder: ${f}`);
    for (const f of await everyFile(dir)) {
      if (Buffer.byteLength(path.basename(f)) > 255) failures.push(`name over 255 bytes: ${f.slice(0, 60)}`);
      if (/[\u0000-\u001f]/.test(f)) failures.push(`control character in ${JSON.stringify(f)}`);
    }
  } finally {
    await server.close();
  }
  const tried = SERVER_NAMES.length - 1 + USER_NAMES.length;
  return {
    name: 'hostile file names (Content-Disposition, --out)',
    tried,
    survived: failures.length === 0 ? 1 : 0,
    transfers: 1,
    bytesLost: 0,
    resent: null,
    ...(failures.length ? { note: `${failures.length}: ${failures.slice(0, 2).join('; ').slice(0, 200)}` } : {}),
  };
}
