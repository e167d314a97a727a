// The checkpointer's two cadences on a real file: fsync every N bytes without recording, record
// about once per interval, and never record an offset that was not fsync'd first.
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { until } from '../../../test-support/wait';
import { Readable } from 'node:stream';
import { DurableCheckpointer, pumpBody } from './body-pump';
import { PartWriter } from './part-file';

let tmp: string;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-pump-');
});
afterEach(() => removeDir(tmp));

/**
 * A real PartWriter whose fsyncs are counted: `started` when one is asked for (the checkpointer
 * asks synchronously inside maybe()), `synced` with the offset each one made durable.
 */
async function countingWriter(): Promise<{ writer: PartWriter; synced: number[]; started: () => number }> {
  const handle = await open(path.join(tmp, 'x.part'), 'w+');
  const writer = new PartWriter(handle, 0);
  const synced: number[] = [];
  let started = 0;
  const sync = writer.sync.bind(writer);
  writer.sync = async () => {
    started += 1;
    const offset = await sync();
    synced.push(offset);
    return offset;
  };
  return { writer, synced, started: () => started };
}

function write(writer: PartWriter, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => writer.stream.write(Buffer.alloc(bytes, 7), (err) => (err ? reject(err) : resolve())));
}

/** Held chunks reach the file on PartWriter's hold timer; the test waits for them, not for a clock. */
const reaches = (writer: PartWriter, offset: number) => until(() => writer.written === offset, `${offset} bytes written`);

describe('DurableCheckpointer', () => {
  it('fsyncs every syncEveryBytes without recording until the interval is due; flush records the end', async () => {
    const { writer, synced, started } = await countingWriter();
    const recorded: number[] = [];
    const checkpointer = new DurableCheckpointer(writer, async (offset) => void recorded.push(offset), 3600_000, 4096);
    await write(writer, 1000);
    await reaches(writer, 1000);
    checkpointer.maybe();
    expect(started()).toBe(0); // under 4 KiB written since the last sync: nothing to do, now or later
    await write(writer, 5000);
    await reaches(writer, 6000);
    checkpointer.maybe();
    expect(started()).toBe(1);
    await until(() => synced.length === 1, 'the background sync');
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
    await until(() => recorded.length === 1, 'the first checkpoint');
    expect(recorded).toEqual([2000]);
    await write(writer, 3000);
    checkpointer.maybe();
    await until(() => recorded.length === 2, 'the second checkpoint');
    expect(recorded).toEqual([2000, 5000]);
    await writer.close();
  });
});

describe('PartWriter batching', () => {
  it('gathers socket-sized chunks into few large writes, all bytes in order', async () => {
    const filePath = path.join(tmp, 'b.part');
    const handle = await open(filePath, 'w+');
    const sizes: number[] = [];
    const writev = handle.writev.bind(handle);
    handle.writev = (async (buffers: NodeJS.ArrayBufferView[], position?: number) => {
      sizes.push(buffers.reduce((sum, b) => sum + b.byteLength, 0));
      return writev(buffers, position);
    }) as typeof handle.writev;
    const writer = new PartWriter(handle, 0);
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i));
    await new Promise<void>((resolve, reject) => {
      writer.stream.once('error', reject);
      writer.stream.once('finish', () => resolve());
      for (const chunk of chunks) writer.stream.write(chunk);
      writer.stream.end();
    });
    expect(writer.written).toBe(40 * 64 * 1024);
    expect(sizes.length).toBeLessThanOrEqual(3); // 2.5 MiB: two 1 MiB batches and the rest
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThanOrEqual(1 << 20);
    await writer.close();
    expect((await readFile(filePath)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('a trickle still reaches the file within the hold time; sync() writes what is held first', async () => {
    const { writer } = await countingWriter();
    // The hold timer on a fake clock: the write is asked for at exactly 50 ms, however slow the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await write(writer, 100);
      expect(writer.written).toBe(0); // held, not yet written
      vi.advanceTimersByTime(49);
      await new Promise((r) => setImmediate(r));
      expect(writer.written).toBe(0);
      vi.advanceTimersByTime(1);
    } finally {
      vi.useRealTimers();
    }
    await reaches(writer, 100); // the write the timer started (no sync here to write it instead)
    await write(writer, 50);
    expect(await writer.sync()).toBe(150);
    expect((await stat(path.join(tmp, 'x.part'))).size).toBe(150);
    await writer.close();
  });
});

describe('pumpBody', () => {
  /** Turns of the event loop until `value()` stays the same for 20 of them (the reader stopped). */
  async function settled(value: () => number): Promise<number> {
    let last = -1;
    let same = 0;
    while (same < 20) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = value();
      same = now === last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  it('stops reading the socket while the disk is busy: no more than the two batches are taken ahead', async () => {
    // Chunks read but not yet written are memory whose socket buffers outlive V8's young generation
    // (buffer-reclaimer.ts). A pipe through a Transform into a Writable held up to 2 MiB of them
    // more than the writer's two 1 MiB batches.
    const handle = await open(path.join(tmp, 'slow.part'), 'w+');
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const realWrite = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
    handle.write = ((...args: unknown[]) => gate.then(() => realWrite(...args))) as typeof handle.write;
    const writer = new PartWriter(handle, 0);
    const CHUNK = 64 * 1024;
    let produced = 0;
    const source = new Readable({
      highWaterMark: CHUNK,
      read() {
        produced += CHUNK;
        this.push(Buffer.alloc(CHUNK, produced / CHUNK));
      },
    });
    const controller = new AbortController();
    const checkpointer = new DurableCheckpointer(writer, async () => undefined, 3600_000, 1 << 30);
    let received = 0;
    const pumped = pumpBody({
      source,
      writer,
      signal: controller.signal,
      throttle: () => undefined,
      onThrottleWait: () => undefined,
      onBytes: (at) => {
        received = at;
      },
      checkpointer,
    });
    const taken = await settled(() => produced);
    // Two 1 MiB batches (one being written, one filled), the chunk waiting for them, the source's own buffer.
    expect(received).toBeGreaterThanOrEqual(2 << 20);
    expect(taken).toBeLessThanOrEqual((2 << 20) + 3 * CHUNK);
    controller.abort();
    openGate();
    await expect(pumped).rejects.toThrow();
    await writer.close();
  });

  it('a connection that breaks keeps what arrived: the chunks reach the file, then the error is raised', async () => {
    const filePath = path.join(tmp, 'broken.part');
    const writer = new PartWriter(await open(filePath, 'w+'), 0);
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(50_000, 2)];
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent < chunks.length) this.push(chunks[sent++]);
        else this.destroy(new Error('connection reset'));
      },
    });
    const checkpointer = new DurableCheckpointer(writer, async () => undefined, 3600_000, 1 << 30);
    await expect(
      pumpBody({ source, writer, signal: new AbortController().signal, throttle: () => undefined, onThrottleWait: () => undefined, onBytes: () => undefined, checkpointer }),
    ).rejects.toThrow('connection reset');
    expect(writer.written).toBe(120_000);
    await writer.close();
    expect((await readFile(filePath)).equals(Buffer.concat(chunks))).toBe(true);
  });
});
