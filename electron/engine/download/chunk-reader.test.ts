// eachChunk on real streams: chunks in order, one handler at a time (the stream waits for it),
// an early stop, and a stream error raised only after the running handler finished.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eachChunk } from './chunk-reader';

describe('eachChunk', () => {
  it('hands chunks in order and never runs two handlers at once', async () => {
    const source = Readable.from(Array.from({ length: 50 }, (_, i) => Buffer.from([i])), { objectMode: false });
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    await eachChunk(source, async (chunk) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(...chunk);
      running--;
      return true;
    });
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(1);
  });

  it('stops when the handler answers false and reads nothing more', async () => {
    const source = new PassThrough();
    for (let i = 0; i < 10; i++) source.write(Buffer.from([i]));
    const seen: number[] = [];
    await eachChunk(source, async (chunk) => {
      seen.push(...chunk);
      return seen.length < 3;
    });
    expect(seen.length).toBeLessThan(10);
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    source.destroy();
  });

  it('raises the stream error after the running handler is done', async () => {
    const source = new PassThrough();
    let finishedHandler = false;
    const reading = eachChunk(source, async () => {
      source.destroy(new Error('connection reset'));
      await new Promise((resolve) => setTimeout(resolve, 30));
      finishedHandler = true;
      return true;
    });
    source.write(Buffer.from('x'));
    await expect(reading).rejects.toThrow('connection reset');
    expect(finishedHandler).toBe(true);
  });

  it('treats a body destroyed before its end as an error, like for await', async () => {
    const source = new PassThrough();
    const reading = eachChunk(source, async () => true);
    source.write(Buffer.from('x'));
    setTimeout(() => source.destroy(), 10);
    await expect(reading).rejects.toThrow(/premature close/i);
  });
});
