// `ferry serve` over a data folder of 10,000 saved transfers (a tray-resident Ferry's day): it opens,
// a connecting UI gets all of them in its first message, in queue order, and a snapshot call answers
// the same; nothing was resumed that was paused.
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/contract';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';
import { connectUi } from '../../../test-support/headless-client';
import { writePausedRecords } from '../../../test-support/many-records';

const COUNT = 10_000;
let tmp: string;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-serve-many-');
});
afterEach(async () => {
  await stopStartedFerries();
  await removeDir(tmp);
});

it('serve opens with 10,000 transfers and hands them to a UI as its snapshot', { timeout: 180_000 }, async () => {
  const dataDir = path.join(tmp, 'data');
  // Port 9 (discard) on loopback: nothing answers, and nothing is asked, since all are paused.
  await writePausedRecords(dataDir, COUNT, (i) => `http://127.0.0.1:9/f${i}.bin`);
  const child = startFerry(['serve', '--port', '0', '--data-dir', dataDir], { env: { HOME: tmp } });
  const line = await waitFor(async () => (child.assertRunning(), /Ferry UI: http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]{64})/.exec(child.stdout())), 120_000, 'the URL line');
  const ui = await connectUi(Number(line[1]), line[2]!);
  try {
    await ui.waitFor(() => ui.events.some((e) => e.name === 'snapshot'), 60_000);
    const first = ui.events.find((e) => e.name === 'snapshot')!.payload as Snapshot;
    expect(first.transfers).toHaveLength(COUNT);
    expect(first.transfers.slice(0, 3).map((t) => t.url)).toEqual(['http://127.0.0.1:9/f0.bin', 'http://127.0.0.1:9/f1.bin', 'http://127.0.0.1:9/f2.bin']);
    expect(first.transfers.at(-1)!.url).toBe(`http://127.0.0.1:9/f${COUNT - 1}.bin`);
    expect(first.transfers.every((t) => t.state === 'paused')).toBe(true);
    const asked = await ui.call('snapshot');
    expect(asked.ok).toBe(true);
    expect((asked.value as Snapshot).transfers.map((t) => t.id)).toEqual(first.transfers.map((t) => t.id));
  } finally {
    ui.close();
  }
  child.process.kill('SIGINT');
  expect((await child.result).code).toBe(0);
});
