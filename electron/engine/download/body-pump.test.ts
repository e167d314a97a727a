// The checkpointer's two cadences on a real file: fsync every N bytes without recording, record
// about once per interval, and never record an offset that was not fsync'd first.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { DurableCheckpointer } from './body-pump';
import { PartWriter } from './part-file';

let tmp: string;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-pump-');
});
afterEach(() => removeDir(tmp));

/** A real PartWriter whose fsyncs are counted with the offset each one made durable. */
async function countingWriter(): Promise<{ writer: PartWriter; synced: number[] }> {
  const handle = await open(path.join(tmp, 'x.part'), 'w+');
  const writer = new PartWriter(handle, 0);
  const synced: number[] = [];
  const sync = writer.sync.bind(writer);
  writer.sync = async () => {
    const offset = await sync();
    synced.push(offset);
    return offset;
  };
  return { writer, synced };
}

function write(writer: PartWriter, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => writer.stream.write(Buffer.alloc(bytes, 7), (err) => (err ? reject(err) : resolve())));
}

/** Lets a background checkpoint started by maybe() finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('DurableCheckpointer', () => {
  it('fsyncs every syncEveryBytes without recording until the interval is due; flush records the end', async () => {
    const { writer, synced } = await countingWriter();
    const recorded: number[] = [];
    const checkpointer = new DurableCheckpointer(writer, async (offset) => void recorded.push(offset), 3600_000, 4096);
    await write(writer, 1000);
    checkpointer.maybe();
    await settle();
    expect(synced).toEqual([]); // under 4 KiB written since the last sync: nothing to do
    await write(writer, 5000);
    checkpointer.maybe();
    await settle();
    expect(synced).toEqual([6000]);
    expect(recorded).toEqual([]); // the record is due only once an hour here
    await write(writer, 100);
    expect(await checkpointer.flush()).toBe(6100);
    expect(recorded).toEqual([6100]);
    expect(synced).toEqual([6000, 6100]);
    await writer.close();
  });

  it('records on the interval, and only offsets an fsync already covered', async () => {
    const { writer, synced } = await countingWriter();
    const recorded: number[] = [];
    const checkpointer = new DurableCheckpointer(
      writer,
      async (offset) => {
        // The guarantee: whatever is recorded was made durable before.
        expect(synced.some((s) => s >= offset)).toBe(true);
        recorded.push(offset);
      },
      0,
      1 << 30,
    );
    await write(writer, 2000);
    checkpointer.maybe();
    await settle();
    expect(recorded).toEqual([2000]);
    await write(writer, 3000);
    checkpointer.maybe();
    await settle();
    expect(recorded).toEqual([2000, 5000]);
    await writer.close();
  });
});
