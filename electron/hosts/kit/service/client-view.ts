// The transfer view as it leaves the host for a UI (IPC, WebSocket): the engine keeps the URL a
// user typed, with its `user:password@`, because it must send it; a window, a screenshot or
// another tab never needs the password. Log lines and errors may quote the URL, so they are
// masked too. (Records on disk keep it; the data folder is the owner's alone: 0700/0600.)
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import type { TransferView } from '../../../../shared/transfer';
import { maskedProxyChoice } from './proxy-secrets';

export function clientView(view: TransferView): TransferView {
  const masked: TransferView = { ...view, url: maskUrlPasswords(view.url) };
  if (view.finalUrl !== undefined) masked.finalUrl = maskUrlPasswords(view.finalUrl);
  if (view.proxy) masked.proxy = maskedProxyChoice(view.proxy);
  if (view.error) masked.error = { ...view.error, message: maskUrlPasswords(view.error.message) };
  masked.log = view.log.map((entry) => {
    const message = maskUrlPasswords(entry.message);
    return message === entry.message ? entry : { ...entry, message };
  });
  return masked;
}
