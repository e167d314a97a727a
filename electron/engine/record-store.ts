// Where transfer records live between runs. One small JSON file per transfer: a progress
// checkpoint rewrites only that transfer's file (cost bounded by the number of *active*
// transfers, not all of them), and a corrupt file costs one record, not the list.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TRANSFER_KINDS, TRANSFER_STATES } from '../../shared/transfer';
import type { TransferRecord } from './types';

export interface RecordStore {
  loadAll(): Promise<{ records: TransferRecord[]; problems: string[] }>;
  save(record: TransferRecord): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * Many new records made durable with one write and one fsync (an add of 1,000 must not wait for
   * 1,000 fsyncs). Returns the batch's name; retire it once every record in it has its own file.
   */
  saveBatch?(records: readonly TransferRecord[]): Promise<string>;
  retireBatch?(name: string): Promise<void>;
}

const BATCH_PREFIX = 'batch-';
const BATCH_SUFFIX = '.jsonl';

// Only the fields the engine cannot run without are checked; the rest is trusted as written by
// us. Checked by hand rather than with zod: this module is loaded by the CLI, and zod's weight
// on the heap alone measurably raised GC work during a 1 GiB download (see bench notes).
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** The shape the engine relies on; anything else is a corrupt record. */
export function isStoredRecord(value: unknown): value is TransferRecord {
  if (!isObject(value)) return false;
  const { transfer, resume, request, order, attemptsWithoutProgress } = value;
  if (!isObject(transfer) || !isObject(resume) || !isObject(request)) return false;
  const progress = transfer.progress;
  return (
    typeof transfer.id === 'string' &&
    ID_PATTERN.test(transfer.id) &&
    oneOf(transfer.kind, TRANSFER_KINDS) &&
    oneOf(transfer.state, TRANSFER_STATES) &&
    typeof transfer.url === 'string' &&
    typeof transfer.name === 'string' &&
    isObject(progress) &&
    typeof progress.bytesDone === 'number' &&
    (progress.totalBytes === null || typeof progress.totalBytes === 'number') &&
    oneOf(resume.kind, TRANSFER_KINDS) &&
    oneOf(request.kind, TRANSFER_KINDS) &&
    resume.kind === transfer.kind &&
    request.kind === transfer.kind &&
    typeof order === 'number' &&
    Number.isFinite(order) &&
    typeof attemptsWithoutProgress === 'number'
  );
}

export class FileRecordStore implements RecordStore {
  /** Per-record write chains, so two checkpoints of one transfer never race on its file. */
  private readonly writes = new Map<string, Promise<void>>();
  /** The folder exists as far as we know: creating it again for every file cost ~30 µs each. */
  private dirReady = false;
  /** Temporary names: unique within this process (one process owns the folder: the data-folder lock). */
  private tmpCount = 0;

  constructor(private readonly dir: string) {}

  async loadAll(): Promise<{ records: TransferRecord[]; problems: string[] }> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const records: TransferRecord[] = [];
    const problems: string[] = [];
    const entries = await fs.readdir(this.dir);
    await this.settleBatches(entries, problems);
    for (const entry of await fs.readdir(this.dir)) {
      const file = path.join(this.dir, entry);
      if (entry.endsWith('.tmp')) {
        // A write that never reached its rename: the previous version of the record is intact.
        await fs.rm(file, { force: true });
        continue;
      }
      if (!entry.endsWith('.json')) continue;
      const text = await fs.readFile(file, 'utf8').catch(() => '');
      const parsed = parseRecord(text);
      if (parsed) {
        records.push(parsed);
      } else {
        const aside = `${file}.corrupt-${Date.now()}`;
        await fs.rename(file, aside).catch(() => undefined);
        problems.push(`The saved record ${entry} was unreadable and has been set aside as ${path.basename(aside)}.`);
      }
    }
    records.sort((a, b) => a.order - b.order);
    return { records, problems };
  }

  save(record: TransferRecord): Promise<void> {
    const id = record.transfer.id;
    // Serialize now: the record object keeps changing while the write waits its turn.
    const text = JSON.stringify(record);
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.writeAtomically(id, text));
    this.writes.set(id, next);
    void next.finally(() => {
      if (this.writes.get(id) === next) this.writes.delete(id);
    }).catch(() => undefined);
    return next;
  }

  async saveBatch(records: readonly TransferRecord[]): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const name = `${BATCH_PREFIX}${Date.now()}-${randomBytes(4).toString('hex')}${BATCH_SUFFIX}`;
    await this.writeFileAtomically(name, records.map((record) => JSON.stringify(record)).join('\n'));
    return name;
  }

  async retireBatch(name: string): Promise<void> {
    await fs.rm(path.join(this.dir, name), { force: true });
  }

  /**
   * A batch left by a crash: its records that never got their own file get one now (a record's
   * own file is always newer than its batch line), then the batch goes.
   */
  private async settleBatches(entries: string[], problems: string[]): Promise<void> {
    const own = new Set(entries.filter((e) => e.endsWith('.json')));
    for (const entry of entries) {
      if (!entry.startsWith(BATCH_PREFIX) || !entry.endsWith(BATCH_SUFFIX)) continue;
      const text = await fs.readFile(path.join(this.dir, entry), 'utf8').catch(() => '');
      let unreadable = 0;
      for (const line of text.split('\n')) {
        if (!line) continue;
        const record = parseRecord(line);
        if (!record) {
          unreadable += 1;
          continue;
        }
        if (!own.has(`${record.transfer.id}.json`)) await this.writeAtomically(record.transfer.id, line);
      }
      if (unreadable > 0) problems.push(`${unreadable} added transfer(s) in ${entry} were unreadable and were dropped.`);
      await this.retireBatch(entry);
    }
  }

  async delete(id: string): Promise<void> {
    await (this.writes.get(id) ?? Promise.resolve()).catch(() => undefined);
    await fs.rm(this.fileFor(id), { force: true });
  }

  private fileFor(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private writeAtomically(id: string, text: string): Promise<void> {
    return this.writeFileAtomically(`${id}.json`, text);
  }

  private async writeFileAtomically(name: string, text: string): Promise<void> {
    // A counter, not random bytes: randomFillSync per file showed in the profile of 10,000 adds.
    const tmp = path.join(this.dir, `${name}.${process.pid.toString(36)}-${(++this.tmpCount).toString(36)}.tmp`);
    // Records hold URLs, which may carry a password or a signed query: the owner's alone.
    const handle = await this.openCreating(tmp);
    try {
      await handle.writeFile(text, 'utf8');
      // The record must be on disk before it replaces the old one: a crash leaves old or new, never half.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path.join(this.dir, name));
  }

  /** Opens a new file in the folder, creating the folder first if it is missing (removed under us). */
  private async openCreating(file: string): Promise<fs.FileHandle> {
    if (!this.dirReady) {
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.dirReady = true;
    }
    try {
      return await fs.open(file, 'w', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      return fs.open(file, 'w', 0o600);
    }
  }
}

function parseRecord(text: string): TransferRecord | undefined {
  try {
    const value = fromFirstFormat(JSON.parse(text));
    if (!isStoredRecord(value)) return undefined;
    if (!Array.isArray(value.transfer.log)) value.transfer.log = [];
    return value;
  } catch {
    return undefined;
  }
}

/**
 * Records written before the facts and the view were told apart held the facts under `view`;
 * they load as they are and are saved in the current format at their next change.
 */
function fromFirstFormat(value: unknown): unknown {
  if (!isObject(value) || 'transfer' in value || !('view' in value)) return value;
  const { view, ...rest } = value;
  return { transfer: view, ...rest };
}
