// A download's headers (the browser extension's Cookie, an Authorization, any `header` an aria2
// client sent) are credentials, so the records file never holds their values. When a download is
// added, each value goes into the host's secret store (the one upload headers use) and the record
// keeps a reference; the download worker resolves them at attempt time. They are needed until
// the download completes: then, or when it is removed, the values go. A failed, paused or canceled
// download keeps them, so that retry and resume still send them.
//
// References are `download-header.<transfer id>.<n>`, one per header of one transfer. The worker
// resolves only references of its own transfer: a header value that merely looks like a reference
// (an RPC caller naming a destination's secret) is sent as the text it is, never resolved.
// Records of older versions hold clear values: they move into the store when the engine opens.
// An engine opened without a store (tests; hosts always pass theirs) keeps headers as given.
import { failure } from './download/failures';
import { isSecretRef, SECRET_REF_PREFIX, secretRefValue, type SecretsProvider, type SecretVault } from './secrets';
import type { DownloadRequest, TransferRecord } from './types';

export const DOWNLOAD_HEADER_REF_PREFIX = 'download-header.';

function refPrefixFor(id: string): string {
  return `${DOWNLOAD_HEADER_REF_PREFIX}${id}.`;
}

/** The store reference a header value names, when it is one of this transfer's own. */
function ownRef(id: string, value: string): string | undefined {
  if (!isSecretRef(value)) return undefined;
  const ref = value.slice(SECRET_REF_PREFIX.length);
  return ref.startsWith(refPrefixFor(id)) ? ref : undefined;
}

function downloadOf(record: TransferRecord): DownloadRequest | undefined {
  return record.request.kind === 'download' ? record.request.download : undefined;
}

/** The references to stored values that a download's record names. */
export function sealedRefs(record: TransferRecord): string[] {
  const refs: string[] = [];
  for (const value of Object.values(downloadOf(record)?.headers ?? {})) {
    const ref = ownRef(record.transfer.id, value);
    if (ref !== undefined) refs.push(ref);
  }
  return refs;
}

/** Stores the record's clear values; the record then names them. Returns the references stored. */
async function sealRecord(record: TransferRecord, vault: SecretVault, avoid: readonly string[] = []): Promise<string[]> {
  const download = downloadOf(record);
  if (!download?.headers) return [];
  const id = record.transfer.id;
  const stored: string[] = [];
  const sealed: Record<string, string> = {};
  let index = 0;
  for (const [name, value] of Object.entries(download.headers)) {
    if (ownRef(id, value) !== undefined) {
      sealed[name] = value;
      continue;
    }
    let ref: string;
    do ref = `${refPrefixFor(id)}${index++}`;
    while (Object.values(download.headers).includes(secretRefValue(ref)) || avoid.includes(ref));
    await vault.set(ref, value);
    stored.push(ref);
    sealed[name] = secretRefValue(ref);
  }
  // A new object: the caller's request may share the one it gave.
  download.headers = sealed;
  return stored;
}

/** The clear header values for one attempt of transfer `id`. */
export async function unsealHeaders(
  id: string,
  headers: Record<string, string> | undefined,
  secrets: SecretsProvider | undefined,
): Promise<Record<string, string> | undefined> {
  if (!headers) return undefined;
  const clear: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const ref = ownRef(id, value);
    if (ref === undefined) {
      clear[name] = value;
      continue;
    }
    if (!secrets) throw failure('INTERNAL', `Header ${name} is kept in the secret store, which this Ferry did not open`, false);
    try {
      clear[name] = await secrets.resolve(ref);
    } catch (err) {
      // The message names the header, never a value.
      throw failure('INTERNAL', `Could not read the stored value of header ${name}: ${(err as Error).message}`, false);
    }
  }
  return clear;
}

/** The engine's side: seal on add, forget on completion and removal, tidy up when it opens. */
export class DownloadHeaderSecrets {
  /** Deletions run one after another in the background; close() waits for them. */
  private deleting: Promise<void> = Promise.resolve();

  constructor(
    private readonly vault: SecretVault | undefined,
    private readonly problem: (message: string) => void,
  ) {}

  /** New downloads, before they are saved: every header value into the store. Throws in words when it cannot. */
  async seal(records: readonly TransferRecord[]): Promise<void> {
    const vault = this.vault;
    if (!vault) return;
    const stored: string[] = [];
    try {
      for (const record of records) stored.push(...(await sealRecord(record, vault)));
    } catch (error) {
      for (const ref of stored) await Promise.resolve(vault.delete(ref)).catch(() => undefined);
      throw new Error(`The download's headers could not be kept in the secret store: ${(error as Error).message}`);
    }
  }

  /** A download's headers with their values (its own references resolved): to give them to another download. */
  async clearHeaders(record: TransferRecord): Promise<Record<string, string>> {
    return (await unsealHeaders(record.transfer.id, downloadOf(record)?.headers, this.vault)) ?? {};
  }

  /**
   * The download's headers replaced by `headers` (clear values: a browser's fresh link came with
   * its own cookies). The new values are stored under this download's references first; the old
   * values no reference names any more go afterwards, so a failure leaves the old ones in place.
   */
  async replace(record: TransferRecord, headers: Readonly<Record<string, string>>): Promise<void> {
    const download = downloadOf(record);
    if (!download) return;
    const before = download.headers;
    const oldRefs = sealedRefs(record);
    download.headers = { ...headers };
    if (Object.keys(download.headers).length === 0) delete download.headers;
    if (this.vault && download.headers) {
      try {
        // Under references of their own: the old values stay readable until the new ones are in.
        await sealRecord(record, this.vault, oldRefs);
      } catch (error) {
        if (before) download.headers = before;
        else delete download.headers;
        throw new Error(`The new link's headers could not be kept in the secret store: ${(error as Error).message}`);
      }
    }
    this.forget(oldRefs);
  }

  /** A completed download needs its headers no more: the record forgets them now, the store right after. */
  completed(record: TransferRecord): void {
    const download = downloadOf(record);
    if (!download?.headers) return;
    const refs = sealedRefs(record);
    delete download.headers;
    this.forget(refs);
  }

  /** A removed transfer's values go (its record file is already gone). */
  removed(record: TransferRecord): void {
    this.forget(sealedRefs(record));
  }

  /**
   * When the engine opens: completed downloads forget their headers, clear values of older
   * versions move into the store, and values no record names any more (a removal or completion
   * just before a crash) are deleted. Returns the records that changed (to be saved).
   */
  async atStart(records: readonly TransferRecord[]): Promise<TransferRecord[]> {
    const changed: TransferRecord[] = [];
    const named = new Set<string>();
    let unsealed = 0;
    let reason = '';
    for (const record of records) {
      const download = downloadOf(record);
      if (!download?.headers) continue;
      if (record.transfer.state === 'completed') {
        delete download.headers;
        changed.push(record);
        continue;
      }
      const clear = Object.values(download.headers).some((value) => ownRef(record.transfer.id, value) === undefined);
      if (clear && this.vault) {
        try {
          await sealRecord(record, this.vault);
          changed.push(record);
        } catch (error) {
          unsealed++;
          reason = (error as Error).message;
        }
      }
      for (const ref of sealedRefs(record)) named.add(ref);
    }
    if (unsealed > 0) {
      this.problem(`The headers of ${unsealed} download${unsealed === 1 ? '' : 's'} stay in the transfer records: the secret store refused them (${reason})`);
    }
    const unused = (this.vault?.refs() ?? []).filter((ref) => ref.startsWith(DOWNLOAD_HEADER_REF_PREFIX) && !named.has(ref));
    this.forget(unused);
    await this.idle();
    return changed;
  }

  /** Resolves once every deletion asked for so far has run. */
  idle(): Promise<void> {
    return this.deleting;
  }

  private forget(refs: readonly string[]): void {
    const vault = this.vault;
    if (!vault || refs.length === 0) return;
    this.deleting = this.deleting.then(async () => {
      try {
        for (const ref of refs) await vault.delete(ref);
      } catch (error) {
        // Left behind, it is deleted at the next start (no record names it).
        this.problem(`A finished download's headers could not be deleted from the secret store: ${(error as Error).message}`);
      }
    });
  }
}
