// A child process for the data-folder lock race test (electron/hosts/kit/data-dir-lock.test.ts).
// Usage: node --import tsx test-support/lock-racer.ts DATA_DIR
// For every line "go" on stdin it tries lockDataDir once. When it gets the lock it creates
// DATA_DIR/inside exclusively (a second holder at the same moment finds it there), holds the
// lock a few ms, then cleans up and releases. It answers one line per round:
// "held", "busy" or "violation <what>".
import { open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { lockDataDir } from '../electron/hosts/kit/data-dir/data-dir-lock';

const dataDir = process.argv[2]!;
const inside = path.join(dataDir, 'inside');

async function round(): Promise<string> {
  const lock = await lockDataDir(dataDir);
  if (!lock.ok) return 'busy';
  let answer = 'held';
  try {
    const handle = await open(inside, 'wx');
    await handle.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await unlink(inside);
  } catch (error) {
    answer = `violation ${(error as Error).message}`;
  }
  await lock.release();
  return answer;
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  process.stdout.write(`${await round().catch((error: Error) => `violation ${error.message}`)}\n`);
}
