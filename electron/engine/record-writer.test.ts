// The one path to disk for records, against the real file store in a temp folder: a waiter is
// released only by a write that includes what it asked for, repeated changes coalesce, and a
// delete racing a write leaves no file behind.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../../test-support/files';
import { FileRecordStore, type RecordStore } from './record-store';
import { RecordWriter } from './record-writer';
import { newDownloadRecord } from './records';
import type { TransferRecord } from './types';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('ferry-writer-');
});
afterEach(async () => {
  await removeDir(dir);
});

function countingStore(inner: RecordStore): RecordStore & { saves: number } {
  const store = {
    saves: 0,
    loadAll: () => inner.loadAll(),
    save(record: TransferRecord) {
      store.saves += 1;
      return inner.save(record);
    },
    delete: (id: string) => inner.delete(id),
  };
  return store;
}

const saved = async (id: string) => JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as TransferRecord;

describe('RecordWriter', () => {
  it('persist() resolves once the state it was called with is on disk', async () => {
    const writer = new RecordWriter(new FileRecordStore(dir), (e) => { throw e; });
    const record = newDownloadRecord({ url: 'http://127.0.0.1:9/a', directory: dir }, 1, 0);
    writer.markDirty(record); // a write starts with bytesDone 0
    record.transfer.progress.bytesDone = 42;
    await writer.persist(record); // must not be released by the write already in flight
    expect((await saved(record.transfer.id)).transfer.progress.bytesDone).toBe(42);
  });

  it('coalesces repeated changes of one record and writes its latest state', async () => {
    const store = countingStore(new FileRecordStore(dir));
    const writer = new RecordWriter(store, (e) => { throw e; });
    const record = newDownloadRecord({ url: 'http://127.0.0.1:9/b', directory: dir }, 1, 0);
    for (let i = 1; i <= 100; i++) {
      record.order = i;
      writer.markDirty(record);
    }
    await writer.idle();
    expect(store.saves).toBeLessThanOrEqual(2); // the one in flight, then the latest
    expect((await saved(record.transfer.id)).order).toBe(100);
  });

  it('a delete after a write in flight leaves no file, and idle() waits for both', async () => {
    const writer = new RecordWriter(new FileRecordStore(dir), (e) => { throw e; });
    const records = Array.from({ length: 50 }, (_, i) => newDownloadRecord({ url: `http://127.0.0.1:9/${i}`, directory: dir }, i, 0));
    for (const record of records) writer.markDirty(record);
    void writer.delete(records[0]!.transfer.id);
    void writer.delete(records[49]!.transfer.id);
    await writer.idle();
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(48);
    expect(files).not.toContain(`${records[0]!.transfer.id}.json`);
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('reports a failed write through onError and keeps going', async () => {
    const errors: unknown[] = [];
    const failing: RecordStore = {
      loadAll: async () => ({ records: [], problems: [] }),
      save: async () => {
        throw new Error('EIO: disk went away');
      },
      delete: async () => {},
    };
    const writer = new RecordWriter(failing, (e) => errors.push(e));
    const record = newDownloadRecord({ url: 'http://127.0.0.1:9/c', directory: dir }, 1, 0);
    await writer.persist(record);
    await writer.idle();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/disk went away/);
  });
});

describe('batches of new records', () => {
  it('a batch left by a crash is settled on load: each record gets its own file unless a newer one exists', async () => {
    const store = new FileRecordStore(dir);
    const records = Array.from({ length: 3 }, (_, i) => newDownloadRecord({ url: `http://127.0.0.1:9/${i}`, directory: dir }, i + 1, 0));
    const name = await store.saveBatch(records);
    // The first record got its own, newer file before the crash; the others did not.
    records[0]!.transfer.state = 'paused';
    await store.save(records[0]!);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, name), `${await readFile(path.join(dir, name), 'utf8')}\n{"torn":`);

    const { records: loaded, problems } = await new FileRecordStore(dir).loadAll();
    expect(loaded.map((r) => r.transfer.id)).toEqual(records.map((r) => r.transfer.id));
    expect(loaded[0]!.transfer.state).toBe('paused'); // its own file wins over the batch line
    expect(problems.join('\n')).toMatch(/1 added transfer\(s\) in batch-.*unreadable/);
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('batch-'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
  });

  it('addBatch is durable at once with one file, and retires it when every record has its own', async () => {
    const store = countingStore(new FileRecordStore(dir));
    const writer = new RecordWriter(Object.assign(store, {
      saveBatch: (records: readonly TransferRecord[]) => new FileRecordStore(dir).saveBatch(records),
      retireBatch: (name: string) => new FileRecordStore(dir).retireBatch(name),
    }), (e) => { throw e; });
    const records = Array.from({ length: 40 }, (_, i) => newDownloadRecord({ url: `http://127.0.0.1:9/${i}`, directory: dir }, i + 1, 0));
    await writer.addBatch(records);
    // Durable now: a fresh store finds all 40 (from the batch if their own files are not there yet).
    const ids = new Set<string>();
    for (const file of await readdir(dir)) {
      if (file.endsWith('.json')) ids.add(file.slice(0, -'.json'.length));
      if (file.startsWith('batch-') && file.endsWith('.jsonl')) {
        for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) ids.add((JSON.parse(line) as TransferRecord).transfer.id);
      }
    }
    expect(ids.size).toBe(40);
    // Removing one before its own file exists must not let the batch bring it back.
    await writer.delete(records[5]!.transfer.id);
    await writer.idle();
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('batch-'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(39);
    expect(files).not.toContain(`${records[5]!.transfer.id}.json`);
  });

  it('while batches keep coming, their records wait for a quiet moment before getting their own files', async () => {
    const store = countingStore(new FileRecordStore(dir));
    const batches = new FileRecordStore(dir);
    const writer = new RecordWriter(
      Object.assign(store, { saveBatch: (r: readonly TransferRecord[]) => batches.saveBatch(r), retireBatch: (n: string) => batches.retireBatch(n) }),
      (e) => {
        throw e;
      },
      8,
      () => {},
      300,
    );
    const batch = (from: number) => Array.from({ length: 20 }, (_, i) => newDownloadRecord({ url: `http://127.0.0.1:9/${from + i}`, directory: dir }, from + i + 1, 0));
    // The quiet timer on a fake clock: a slow disk or a loaded machine does not move it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await writer.addBatch(batch(0));
      vi.advanceTimersByTime(150);
      await writer.addBatch(batch(20));
      vi.advanceTimersByTime(150);
      await new Promise((r) => setImmediate(r)); // whatever a fired timer would start has started
      // 300 ms after the first batch, but only 150 ms after the second: nothing written one by one yet.
      expect(store.saves).toBe(0);
      vi.advanceTimersByTime(150);
    } finally {
      vi.useRealTimers();
    }
    await writer.idle();
    expect(store.saves).toBe(40);
    expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toHaveLength(40);
  });

  it('a records folder removed under a running store is made again by the next save', async () => {
    const store = new FileRecordStore(path.join(dir, 'records'));
    const record = newDownloadRecord({ url: 'http://127.0.0.1:9/a', directory: dir }, 1, 0);
    await store.save(record);
    await rm(path.join(dir, 'records'), { recursive: true });
    await store.save(record);
    expect(await readdir(path.join(dir, 'records'))).toEqual([`${record.transfer.id}.json`]);
  });
});
