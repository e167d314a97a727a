// What a stream's checkpoint records while several connections fetch segments: a finished segment
// is recorded at once, and with it every byte the other connections have received, including the
// bytes gathered for a batch write that were not yet written (a kill right after it costs none).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, randomBytes, removeDir } from '../../../test-support/files';
import { startTestServer, type TestServer } from '../../../test-support/http-test-server';
import { until } from '../../../test-support/wait';
import { HostConnectionPool } from '../download/host-pool';
import { StreamFetch, type LiveItem } from './stream-fetch';
import { headersFor } from './stream-http';

let server: TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await makeTempDir('ferry-stream-fetch-');
});
afterEach(async () => {
  await removeDir(tmp);
});

function live(index: number, url: string): LiveItem {
  return {
    track: 0,
    index,
    item: { url, init: false, duration: 2 },
    label: `Segment ${index + 1}`,
    path: path.join(tmp, `0-${index}.seg`),
    done: false,
    busy: false,
    written: 0,
    durable: 0,
  };
}

describe('StreamFetch checkpoints', () => {
  it('records a finished segment at once with the bytes another connection holds for a batch', async () => {
    const first = randomBytes(64 << 10, 7);
    const second = randomBytes(512 << 10, 8);
    const SECOND_FIRST_BYTES = 10_000;
    let secondSent!: () => void;
    const secondStarted = new Promise<void>((resolve) => (secondSent = resolve));
    // The first segment ends 20 ms after the second one's first bytes went out, well inside the
    // 50 ms a batch writer holds a slow connection's bytes; then the second one goes silent.
    server.route('/s0.ts', (_req, res) => {
      res.writeHead(200, { 'content-length': String(first.length) });
      res.write(first.subarray(0, 1000));
      void secondStarted.then(() => setTimeout(() => res.end(first.subarray(1000)), 20));
    });
    server.route('/s1.ts', (_req, res) => {
      res.writeHead(200, { 'content-length': String(second.length) });
      res.write(second.subarray(0, SECOND_FIRST_BYTES), () => secondSent());
    });
    const items = [live(0, server.url('/s0.ts')), live(1, server.url('/s1.ts'))];
    const recorded: { firstDone: boolean; secondDurable: number }[] = [];
    const controller = new AbortController();
    const fetch = new StreamFetch({
      items,
      headers: headersFor(server.url('/'), undefined),
      maxConnections: 2,
      connectionsAsked: true,
      host: new URL(server.url('/')).host,
      pool: new HostConnectionPool(),
      signal: controller.signal,
      stallTimeoutMs: 30_000,
      // No checkpoint by the clock in this test: only the finished segment asks for one.
      checkpointIntervalMs: 60_000,
      throttle: () => undefined,
      progress: () => undefined,
      record: async () => {
        recorded.push({ firstDone: items[0]!.done, secondDurable: items[1]!.durable });
      },
      log: () => undefined,
    });
    const running = fetch.run();
    try {
      await until(() => recorded.some((r) => r.firstDone), 'the finished segment recorded');
      expect(recorded.find((r) => r.firstDone)).toEqual({ firstDone: true, secondDurable: SECOND_FIRST_BYTES });
      expect(await readFile(items[0]!.path)).toEqual(first);
      expect((await readFile(items[1]!.path)).equals(second.subarray(0, SECOND_FIRST_BYTES))).toBe(true);
    } finally {
      controller.abort();
      await running;
    }
  });
});
