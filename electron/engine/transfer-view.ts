// The view of a transfer that leaves the engine (events, get, list, and through the service every
// window, socket, CLI and RPC client), derived from the record's facts in this one function. The
// record keeps the URL a user typed with its `user:password@` because the engine must send it; a
// window, a terminal, a screenshot or another program never needs the password, and log lines and
// errors may quote the URL, so they are masked too; a transfer's own proxy shows with its password
// (a secret reference) masked. Only facts are copied: the request (with its header values or their
// secret references) and the resume data never reach a view.
//
// The view is a fresh object that shares nothing mutable with the record, so it is built once per
// change and handed to every listener as it is (they treat views as read-only).
import { maskedProxyChoice } from '../../shared/proxy';
import { maskUrlPasswords } from '../../shared/secret-mask';
import type { TransferLogEntry, TransferView } from '../../shared/transfer';
import type { TransferRecord } from './types';

export function transferView(record: Readonly<TransferRecord>): TransferView {
  const facts = record.transfer;
  // Every fact shows, so a fact added later shows without a change here; what must not show
  // (passwords) is masked below, and each nested object is copied one level deep.
  const view: TransferView = { ...facts, url: masked(facts.url), progress: { ...facts.progress }, log: maskedLog(facts.log), queueOrder: record.order };
  if (facts.finalUrl !== undefined) view.finalUrl = masked(facts.finalUrl);
  if (facts.proxy) view.proxy = maskedProxyChoice(facts.proxy);
  if (facts.error) view.error = { ...facts.error, message: masked(facts.error.message) };
  if (facts.validators) view.validators = { ...facts.validators };
  if (facts.download) {
    view.download = { ...facts.download };
    if (facts.download.segments) view.download.segments = facts.download.segments.map((s) => ({ ...s }));
    // Every mirror's URL is masked as the address is; a reason may quote one.
    if (facts.download.sources) {
      view.download.sources = facts.download.sources.map((s) => ({ ...s, url: masked(s.url), ...(s.reason !== undefined ? { reason: masked(s.reason) } : {}) }));
    }
  }
  if (facts.upload) {
    const { staged, response } = facts.upload;
    view.upload = { ...facts.upload };
    if (staged) view.upload.staged = { ...staged };
    if (response) view.upload.response = { ...response, ...(response.location !== undefined ? { location: masked(response.location) } : {}) };
  }
  return view;
}

/** Most strings hold no URL with a password; the regex runs only where one could be. */
function masked(text: string): string {
  return text.includes('@') ? maskUrlPasswords(text) : text;
}

/** Entries are never changed once logged, so an entry without a password is shared, not copied. */
function maskedLog(log: readonly TransferLogEntry[]): TransferLogEntry[] {
  return log.map((entry) => {
    const message = masked(entry.message);
    return message === entry.message ? entry : { ...entry, message };
  });
}
