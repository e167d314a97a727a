// The engine's list of transfers and their queue order. Its own home so that how transfers are
// found and ordered (ids, the `order` numbers, moving one between two others) changes apart from
// what happens to them.
import type { TransferRecord } from './types';

export class TransferList {
  private readonly records = new Map<string, TransferRecord>();
  private maxOrder = 0;

  get(id: string): TransferRecord | undefined {
    return this.records.get(id);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  /** The record, or TransferNotFoundError: what every command on one transfer starts with. */
  require(id: string): TransferRecord {
    const record = this.records.get(id);
    if (!record) throw new TransferNotFoundError(id);
    return record;
  }

  add(record: TransferRecord): void {
    this.records.set(record.transfer.id, record);
    this.maxOrder = Math.max(this.maxOrder, record.order);
  }

  delete(id: string): void {
    this.records.delete(id);
  }

  /** The order number for a transfer added now: after every other. */
  nextOrder(): number {
    return ++this.maxOrder;
  }

  ordered(): TransferRecord[] {
    return [...this.records.values()].sort((a, b) => a.order - b.order);
  }

  /**
   * Move a record to a position in the queue by giving it an order between its new neighbours:
   * only that record's order changes (one record to save, not the whole list).
   */
  moveTo(record: TransferRecord, toIndex: number): void {
    const others = this.ordered().filter((r) => r !== record);
    const index = Math.max(0, Math.min(toIndex, others.length));
    const before = others[index - 1]?.order;
    const after = others[index]?.order;
    record.order =
      before === undefined && after === undefined
        ? 0
        : before === undefined
          ? after! - 1
          : after === undefined
            ? before + 1
            : (before + after) / 2;
    this.maxOrder = Math.max(this.maxOrder, record.order);
  }
}

export class TransferNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No transfer with id ${id}`);
    this.name = 'TransferNotFoundError';
  }
}
